// Describe's words on captured pods (test/fixtures): what each says must be true of the pod now,
// and podlens' own sentences carry no doubled punctuation.
import { renderReport, renderSummaries } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { FIXTURES, SURROUNDINGS, load, reportOf, summaryOf } from './fixtures.js';

const text = (name: string) => renderReport(reportOf(name), { paint: painter(false), width: 120 });

test('a container running its postStart hook: created and started, its hook running; no "creating its sandbox"', () => {
  // container-creating.json: web's postStart hook is `sleep 600`; its Created and Started events are
  // there, while the status the kubelet wrote before it began the hook says ContainerCreating, no IP.
  const r = reportOf('container-creating');
  expect(r.verdict.code).toBe('ContainerCreating');
  expect(r.verdict.summary).toMatch(/^container "web" was created and started; its postStart hook \(exec sleep 600\)/);
  expect(r.phase.state).toBe('PostStartHook');
  expect(r.phase.meaning).toContain('postStart hook');
  expect(r.network.explanation).toContain('postStart hook');
  const t = text('container-creating');
  expect(t).not.toMatch(/creating its sandbox|is being created|has not been set up/);
});

test('in a postStart hook the conditions stay as the API reports them, and no sentence contradicts them', () => {
  // Seen live: while the hook runs the kubelet writes no status, so PodReadyToStartContainers keeps the
  // False it wrote before the container started, though the sandbox is set up (the container runs in it).
  const r = reportOf('container-creating');
  const sandbox = r.conditions.find((c) => c.type === 'PodReadyToStartContainers')!;
  expect(sandbox).toMatchObject({ status: 'False', why: null });
  expect(sandbox.stale).toBe(
    "False only in the status the kubelet wrote before container web started: web has started, so the sandbox is set up; the kubelet writes the pod's conditions again once the postStart hook of web returns",
  );
  expect(r.network.explanation).toContain('its sandbox is set up');
  const ready = r.conditions.find((c) => c.type === 'ContainersReady')!;
  expect(ready.why).toContain('web (started, its postStart hook is running; the status says ContainerCreating)');
  const t = text('container-creating');
  expect(t).toContain('PodReadyToStartContainers  False');
  expect(t).not.toMatch(/not now: no reason given|sandbox[^.;]* not (been )?set up|web \(ContainerCreating\)/);
});

test('a sandbox condition False with no hook running keeps its "not now" and no stale note', () => {
  for (const name of ['completed', 'deadline-exceeded', 'mount-missing-configmap']) {
    for (const c of reportOf(name).conditions) expect(c.stale).toBeNull();
  }
  expect(text('completed')).toContain('are set up on the node; not now: no reason given');
});

test('a container waiting to be created without a postStart hook says nothing of one', () => {
  const r = reportOf('mount-missing-configmap');
  expect(r.containers.map((c) => c.reason)).toContain('ContainerCreating');
  expect(JSON.stringify(r)).not.toMatch(/postStart|PostStart/);
});

test('a readiness gate that keeps the pod not Ready is named', () => {
  const r = reportOf('readiness-gate');
  expect(r.verdict.code).toBe('NotReady');
  expect(r.verdict.summary).toContain('readiness gate "podlens.dev/ready"');
  expect(r.verdict.summary).toContain('no condition of that type');
  expect(r.phase.meaning).toContain('readiness gate "podlens.dev/ready"');
  // a pod whose gate is set True: ready, no gate named
  expect(reportOf('standalone').verdict.summary).not.toContain('readiness gate');
});

test('NotScheduled names the scheduler spec.schedulerName asks for, not kube-scheduler', () => {
  expect(load('no-scheduler-long').pod.spec.schedulerName).toBe('podlens-no-such-scheduler');
  const long = reportOf('no-scheduler-long');
  expect(long.verdict.code).toBe('NotScheduled');
  expect(long.verdict.summary).toContain('"podlens-no-such-scheduler"');
  expect(long.verdict.summary).not.toContain('kube-scheduler');
  expect(reportOf('no-scheduler').verdict.summary).toContain('"podlens-no-such-scheduler"');
  // default-scheduler is kube-scheduler's own profile: the same capture with that name asks about it
  const dflt = reportOf('no-scheduler-long', (fx) => ({
    ...fx,
    pod: { ...fx.pod, spec: { ...fx.pod.spec, schedulerName: 'default-scheduler' } },
  }));
  expect(dflt.verdict.summary).toContain('kube-scheduler');
});

/**
 * Doubled punctuation in podlens' own words: `..`, `.,`, `,.`, ` .`, `.:`, `?.`, `:.`. A match whose
 * surroundings are a string from the cluster (an event or condition message, a log line) is the
 * cluster's own text, quoted as it is.
 */
function doubled(rendered: string, raw: string): string[] {
  const out: string[] = [];
  for (const line of rendered.split('\n'))
    for (const m of line.matchAll(/\.\.|\.,|,\.| \.(?![\w/])|\.:|[?!:;,]\./g)) {
      const around = line.slice(Math.max(0, m.index - 6), m.index + 8).trim();
      if (!raw.includes(around.replace(/"/g, '\\"'))) out.push(line.trim());
    }
  return out;
}

test.each([...FIXTURES, ...SURROUNDINGS])(
  '%s: an exit code and its signal are worded without brackets of their own',
  (name) => {
    // "(OOMKilled, exit code 137: SIGKILL)", never "(OOMKilled, exit code 137 (SIGKILL))".
    const all = `${text(name)}\n${renderSummaries([summaryOf(name)], true, { paint: painter(false), width: 200 })}`;
    expect(all).not.toMatch(/exit code \d+ \(/);
    expect(all.match(/exit code 1(29|3\d|4\d|5\d)(?!: SIG|\))/g) ?? []).toEqual([]);
  },
);

test('the OOMKilled, liveness-kill and signal sentences name the signal once, after the code', () => {
  expect(text('oomkilled')).toContain('(OOMKilled, exit code 137: SIGKILL)');
  expect(text('oomkilled')).toContain('last run ended with exit code 137: SIGKILL, OOMKilled at');
  const probe = reportOf('liveness-kill-loop').terminations![0].message;
  expect(probe).toBe(
    'killed by the kubelet because its liveness probe failed (exit code 137: SIGKILL after the grace period, it did not stop on SIGTERM)',
  );
  expect(probe.match(/SIGKILL/g)).toHaveLength(1);
  expect(text('signal-killed')).toContain('exited with exit code 137: SIGKILL after running 10s');
  expect(text('crashloop')).not.toMatch(/exit code 3:/);
});

test.each([...FIXTURES, ...SURROUNDINGS])('%s: no doubled punctuation in the report or its line', (name) => {
  const raw = JSON.stringify(load(name));
  expect(doubled(text(name), raw)).toEqual([]);
  expect(doubled(renderSummaries([summaryOf(name)], true, { paint: painter(false), width: 200 }), raw)).toEqual([]);
});
