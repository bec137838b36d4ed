// --via pod: a short-lived privileged helper pod pinned to the node, with the host's PID namespace.
// ctr runs in the host's namespaces through nsenter: PID 1's first (as on most nodes); where PID 1
// refuses (a VM whose PID 1 is an agent: "can't open '/proc/1/ns/ipc': Permission denied"), those of
// containerd's own process, found with pidof. /proc/PID/ns/net is read directly (hostPID).
// The helper is a Job (src/kube/node-api.ts helperManifest), deleted when done, on error, on Ctrl-C,
// SIGTERM and SIGHUP (a dropped ssh session); if podlens is killed outright (-9), its
// activeDeadlineSeconds stops it and ttlSecondsAfterFinished has Kubernetes delete it.
import { PodlensError, KubeApiError, messages, toUserError } from '../errors.js';
import type { ExecResult } from '../kube/exec.js';
import { ExecError } from '../kube/exec.js';
import { HELPER_GONE_MS, type HelperDeletion, type HelperPhase, type HelperSpec } from '../kube/node-api.js';
import { shellCommand } from '../domain/shell.js';
import { BaseAccess, NodeCommandError, type RunResult } from './access.js';
import { parsePidof } from './parse.js';

export interface HelperApi {
  createHelper(h: HelperSpec): Promise<void>;
  helperPhase(namespace: string, name: string): Promise<HelperPhase>;
  deleteHelper(namespace: string, name: string): Promise<HelperDeletion>;
  exec(namespace: string, pod: string, argv: string[], timeoutMs: number): Promise<ExecResult>;
}

const IMAGE_PROBLEMS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
]);

// Shells exit 128 + the signal's number; SIGHUP is what a dropped ssh session sends.
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function nsenterArgv(pid: number, argv: string[]): string[] {
  return ['nsenter', '-t', String(pid), '-m', '-u', '-i', '-n', '-p', '--', ...argv];
}

export interface PodAccessOptions {
  api: HelperApi;
  helper: HelperSpec;
  address: string;
  timeoutMs: number;
  kubectlArgs: string[]; // for the displayed `kubectl exec` commands
  notice: (line: string) => void; // stderr, for the signal message
  pollMs?: number;
}

export class PodAccess extends BaseAccess {
  readonly via = 'pod' as const;
  private pod = ''; // the Job's pod, once running
  private target = 1; // the PID whose namespaces nsenter enters
  private targetNote = "PID 1's namespaces";
  private creating?: Promise<unknown>;
  private closing?: Promise<void>;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.o.notice(`podlens: ${sig}: removing helper Job ${this.o.helper.namespace}/${this.o.helper.name}`);
    void this.close()
      .catch((e) => this.o.notice(`podlens: ${toUserError(e).message}`))
      .finally(() => process.exit(SIGNAL_EXIT[sig] ?? 143));
  };

  constructor(private readonly o: PodAccessOptions) {
    super(o.address, o.helper.node, o.timeoutMs);
  }

  how(): string {
    return `helper Job ${this.o.helper.namespace}/${this.o.helper.name} (pod ${this.pod}, privileged, hostPID), ctr through nsenter into ${this.targetNote}, containerd at ${this.address}`;
  }

  protected shown(argv: string[]): string {
    const { namespace, name } = this.o.helper;
    return shellCommand(['kubectl', ...this.o.kubectlArgs, 'exec', '-n', namespace, `job/${name}`, '--', ...argv]);
  }

  protected override wrapCtr(argv: string[]): string[] {
    return nsenterArgv(this.target, argv);
  }

  protected async run(argv: string[]): Promise<RunResult> {
    try {
      return await this.o.api.exec(this.o.helper.namespace, this.pod, argv, this.o.timeoutMs);
    } catch (e) {
      if (e instanceof ExecError && e.kind === 'timeout') {
        throw new PodlensError(
          'node',
          messages.nodeCommandTimeout(this.shown(argv), this.o.helper.node, this.o.timeoutMs),
        );
      }
      if (e instanceof ExecError)
        throw new PodlensError('node', messages.execFailed(this.o.helper.namespace, this.pod, e.message));
      throw e;
    }
  }

  override async prepare(): Promise<void> {
    for (const sig of SIGNALS) process.on(sig, this.onSignal);
    const { helper } = this.o;
    this.creating = this.o.api.createHelper(helper);
    try {
      await this.creating;
    } catch (e) {
      throw helperCreateError(e, helper);
    }
    await this.waitRunning();
    await this.chooseTarget();
  }

  private async waitRunning(): Promise<void> {
    const { helper, timeoutMs } = this.o;
    const deadline = Date.now() + timeoutMs;
    let last: HelperPhase = { kind: 'pending' };
    while (Date.now() < deadline) {
      last = await this.o.api.helperPhase(helper.namespace, helper.name);
      if (last.kind === 'running') {
        this.pod = last.pod;
        return;
      }
      if (last.kind === 'failed')
        throw new PodlensError('node', messages.helperFailed(helper, last.reason, last.message));
      if (last.reason && IMAGE_PROBLEMS.has(last.reason))
        throw new PodlensError('node', messages.helperImage(helper, last.reason, last.message));
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 500));
    }
    throw new PodlensError(
      'node',
      messages.helperNotStarted(helper, timeoutMs, last.kind === 'pending' ? last.reason : undefined),
    );
  }

  /** nsenter into PID 1; where that is refused, into containerd's own process (the one that has the socket). */
  private async chooseTarget(): Promise<void> {
    try {
      await this.ctr(['version']);
      return;
    } catch (e) {
      if (!(e instanceof NodeCommandError) || !/nsenter: .*(Permission denied|Operation not permitted)/.test(e.stderr))
        throw e;
      const refused = e.stderr.trim().split('\n').pop();
      const pids = parsePidof(await this.host(['pidof', 'containerd']).catch(() => ''));
      for (const pid of pids) {
        const r = await this.run(['test', '-S', `/proc/${pid}/root${this.address}`]);
        this.log.push(this.shown(['test', '-S', `/proc/${pid}/root${this.address}`]));
        if (r.exitCode !== 0) continue;
        this.target = pid;
        this.targetNote = `containerd's namespaces (PID ${pid}; PID 1 refused: ${refused})`;
        await this.ctr(['version']);
        return;
      }
      throw new PodlensError('node', messages.noContainerdProcess(this.o.helper.node, refused ?? '', this.address));
    }
  }

  override async close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        // A create still in flight must land before the delete. One the API refused (PSA, RBAC,
        // quota) created nothing; one that got no answer (network, timeout) may have, so delete.
        const refused = await this.creating?.then(
          () => false,
          (e) => e instanceof KubeApiError,
        );
        if (this.creating && !refused)
          helperDeleted(await this.o.api.deleteHelper(this.o.helper.namespace, this.o.helper.name), this.o.helper);
      } finally {
        for (const sig of SIGNALS) process.off(sig, this.onSignal);
      }
    })();
    return this.closing;
  }
}

/**
 * The helper's deletion, decided: a Job and pod still there when the wait for them ran out is one
 * sentence (exit 1, or the signal's code when a signal ended podlens). The only PodlensError close()
 * throws: the rest are the API's errors while deleting.
 */
export function helperDeleted(r: HelperDeletion, h: HelperSpec): void {
  if (r === 'still-deleting') throw new PodlensError('node', messages.helperNotGone(h, HELPER_GONE_MS));
}

/** Pod Security Admission and RBAC refusals of the helper, in one sentence each. */
function helperCreateError(e: unknown, h: HelperSpec): unknown {
  if (e instanceof KubeApiError && e.status === 403 && /PodSecurity/.test(e.serverMessage ?? '')) {
    return new PodlensError('node', messages.helperPsa(h.namespace, e.serverMessage ?? ''));
  }
  if (e instanceof KubeApiError && e.status === 404 && e.reason === 'NotFound') {
    return new PodlensError('namespace-not-found', messages.namespaceNotFound(h.namespace));
  }
  return e;
}
