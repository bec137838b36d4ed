// The diff of pod snapshots into explained transitions, on real watch streams captured from the
// cluster (scripts/capture-watch-fixtures.mjs): exact sequences per pod.
import { diffPod } from '../../src/domain/transitions.js';
import { arrange } from '../../src/watch/layout.js';
import type { Pod } from '../../src/domain/model.js';
import { loadWatch, podSnapshots, replay, replayEvents, short } from './watch-fixtures.js';
import { initToReadyAndDelete } from '../fixtures/watch/sequences.js';

describe('transitions of captured pods', () => {
  test('two init containers and a main container, from creation to Ready, then deletion', () => {
    const ts = replay(loadWatch('init-to-ready-and-delete'));
    expect(ts.map(short)).toEqual(initToReadyAndDelete(/^ip=10\./));
    const by = (s: string) => ts.find((t) => short(t) === s)!;
    expect(by('created=Pending').explanation).toMatch(
      /^The pod was created, which only means the API server stored it; it is not scheduled to any node yet/,
    );
    expect(by('condition:PodScheduled=True').explanation).toBe(
      'scheduled to node vm: a node has been chosen for the pod',
    );
    expect(by('container:fetch=terminated').explanation).toBe(
      'init container "fetch" (1 of 2) completed (exit code 0) after 2s; next: init container "migrate"',
    );
    expect(by('container:migrate=terminated')).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      containerKind: 'init',
    });
    expect(by('deletion-requested=grace 1s').explanation).toMatch(
      /^Deletion was requested .* with a grace period of 1s/,
    );
    expect(by('deleted').explanation).toBe('the API server removed the pod object; nothing recreates a standalone pod');
  });

  test('a run-to-completion pod ends Succeeded, with the exit code and the restart policy', () => {
    const ts = replay(loadWatch('completes'));
    expect(ts.map(short)).toEqual([
      'created=Pending',
      'condition:PodScheduled=True',
      'condition:Initialized=True',
      'condition:PodReadyToStartContainers=True',
      expect.stringMatching(/^ip=/),
      'container:task=running',
      'container-ready:task=true',
      'phase=Running',
      'condition:ContainersReady=True',
      'condition:Ready=True',
      'container:task=terminated',
      'container-ready:task=false',
      'condition:ContainersReady=False',
      'condition:Ready=False',
      'phase=Succeeded',
      'condition:PodReadyToStartContainers=False',
    ]);
    expect(ts.find((t) => t.change === 'phase' && t.to === 'Succeeded')!.explanation).toBe(
      'All containers exited with code 0 and will not be started again (restartPolicy Never).',
    );
    expect(ts.find((t) => short(t) === 'container:task=terminated')!.explanation).toBe(
      'container "task" completed (exit code 0) after 2s; with restartPolicy Never it is not started again',
    );
  });

  test('a crash loop: exit code, back-off, restarts counted, each once', () => {
    const ts = replay(loadWatch('crashloop'));
    const seq = ts.map(short).filter((s) => s.includes(':app') || s.startsWith('restart'));
    expect(seq.slice(0, 12)).toEqual([
      'container:app=running',
      'container-ready:app=true',
      'container:app=terminated',
      'container-ready:app=false',
      'restart:app=1',
      'container:app=running',
      'container-ready:app=true',
      'container:app=terminated',
      'container-ready:app=false',
      'container:app=waiting',
      'restart:app=2',
      'container:app=running',
    ]);
    const crash = ts.find((t) => short(t) === 'container:app=terminated')!;
    expect(crash).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(crash.explanation).toMatch(
      /^container "app" exited with exit code 3 after running 1s, .* ago; its command is `sh -c 'sleep 1; echo "fatal: no config" >&2; exit 3'`; the kubelet will start it again$/,
    );
    const backoff = ts.find((t) => short(t) === 'container:app=waiting')!;
    expect(backoff.reason).toBe('CrashLoopBackOff');
    expect(backoff.explanation).toMatch(
      /keeps stopping: its last run exited with exit code 3.*CrashLoopBackOff: the delay doubles after each crash, up to 5m/,
    );
    expect(ts.filter((t) => t.change === 'restart').map((t) => t.count)).toEqual([1, 2]);
  });

  test("a restart is stamped when its run started, so watch's time order keeps it after the end it follows", () => {
    // Before: a restart was stamped when the watch saw it, so in the sink's time order (arrange) it
    // came after later facts, or a restart seen late was printed before the termination it follows.
    const fx = loadWatch('crashloop');
    const app = (ts: ReturnType<typeof replay>) =>
      arrange(
        // lines stamped by the pod's status (a waiting state has no time of its own: the watch stamps it
        // when it sees it, which a replay cannot reproduce)
        ts.filter(
          (t) => t.container === 'app' && (t.change === 'container' || t.change === 'restart') && t.to !== 'waiting',
        ),
        false,
      ).map((e) => (e.kind === 'transition' ? short(e.t) : 'events'));
    const ts = replay(fx);
    expect(app(ts).slice(0, 7)).toEqual([
      'container:app=running',
      'container:app=terminated',
      'restart:app=1',
      'container:app=running',
      'container:app=terminated',
      'restart:app=2',
      'container:app=running',
    ]);
    // each restart at its run's start: the time of the running line that follows it
    for (const [i, t] of ts.entries())
      if (t.change === 'restart')
        expect(t.time).toBe(ts.slice(i).find((x) => short(x) === 'container:app=running')!.time);
  });

  test('a run whose end the watch never saw (a relist, a quick restart): its end from lastState, then the restart', () => {
    const snaps = podSnapshots(loadWatch('crashloop')).map((s) => s.pod);
    const app = (p: Pod) =>
      p.containerStatuses.find((c) => c.name === 'app') ?? {
        state: { kind: 'none' },
        restartCount: -1,
        lastState: { kind: 'none' },
      };
    // the first run, running; then the first snapshot of the second run, running: the end between is skipped
    const before = snaps.find((p) => app(p).state.kind === 'running' && app(p).restartCount === 0)!;
    const after = snaps.find((p) => app(p).state.kind === 'running' && app(p).restartCount === 1)!;
    const last = app(after).lastState;
    if (last.kind !== 'terminated') throw new Error('the capture has no lastState');
    const now = new Date(loadWatch('crashloop').capturedAt);
    const ts = diffPod(before, after, { now, source: 'relist' }).filter((t) => t.container === 'app');
    const order = arrange(ts, false).map((e) => (e.kind === 'transition' ? short(e.t) : 'events'));
    expect(order.slice(0, 3)).toEqual(['container:app=terminated', 'restart:app=1', 'container:app=running']);
    expect(ts.map(short).slice(0, 3)).toEqual(order.slice(0, 3)); // the JSON order too
    const end = ts.find((t) => short(t) === 'container:app=terminated')!;
    expect(end).toMatchObject({ time: last.finishedAt!.toISOString(), exitCode: 3, reason: 'Error' });
    expect(end.explanation).toMatch(/^container "app" exited with exit code 3 \(Error\) after 1s; seen afterwards/);
    // the same end already seen as the state (the usual stream): not said twice
    const seen = snaps.find((p) => app(p).state.kind === 'terminated' && app(p).restartCount === 0)!;
    expect(
      diffPod(seen, after, { now, source: 'watch' }).filter((t) => short(t) === 'container:app=terminated'),
    ).toEqual([]);
  });

  test('events are woven in with what they mean, pull time included', () => {
    const ev = replayEvents(loadWatch('init-to-ready-and-delete'));
    expect(ev.map((t) => `${t.reason}${t.container ? `:${t.container}` : ''}`)).toEqual([
      'Scheduled',
      'Pulled:fetch',
      'Created:fetch',
      'Started:fetch',
      'Pulled:migrate',
      'Created:migrate',
      'Started:migrate',
      'Pulled:web',
      'Created:web',
      'Started:web',
      'Killing:web',
    ]);
    expect(ev[1].explanation).toBe(
      'init container "fetch" (1 of 2): the image was already on the node, so nothing was downloaded',
    );
    expect(ev.at(-1)!.explanation).toBe(
      'container "web": the kubelet is stopping the container: SIGTERM now, SIGKILL when the grace period ends',
    );
  });

  test('the same snapshot twice gives no transition; a relist diff says it was seen late', () => {
    const snaps = podSnapshots(loadWatch('init-to-ready-and-delete'));
    const now = new Date();
    expect(diffPod(snaps[5].pod, snaps[5].pod, { now, source: 'watch' })).toEqual([]);
    const late = diffPod(snaps[1].pod, snaps[7].pod, { now, source: 'relist' });
    expect(late.every((t) => t.source === 'relist')).toBe(true);
    expect(late.map(short)).toContain('condition:Ready=True');
  });
});

describe('init progress for the TTY live area', () => {
  test('"init N/M: name running Xs" while init containers run, nothing once initialized', async () => {
    const { initProgressWords } = await import('../../src/domain/live.js');
    const snaps = podSnapshots(loadWatch('init-to-ready-and-delete')).map((s) => s.pod);
    const at = (p: (typeof snaps)[number]) =>
      initProgressWords(
        p,
        new Date(
          new Date(
            p.conditions.find((c) => c.type === 'PodReadyToStartContainers')?.lastTransitionTime ?? p.creationTimestamp,
          ).getTime() + 41_000,
        ),
      );
    expect(at(snaps[3])).toMatch(/^init 1\/2: fetch running \d+s$/);
    expect(at(snaps[5])).toMatch(/^init 2\/2: migrate running \d+s$/);
    expect(at(snaps[7])).toBeUndefined();
  });
});
