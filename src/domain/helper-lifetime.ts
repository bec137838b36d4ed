// Which helpers `podlens cleanup` removes (docs/reference.md, cleanup): one whose deadline passed,
// or whose creating process on this host is gone; every one with --all. A helper another live
// podlens run is using, or one made on another host before its deadline, is kept: this host cannot
// know whether that process still runs. Pure: the caller says whether the creator is alive.
import { humanDuration } from './time.js';

export interface HelperFacts {
  deadline?: string; // when Kubernetes stops it (start + activeDeadlineSeconds)
  creator?: { host?: string; pid?: number };
}

export interface Here {
  host: string;
  now: Date;
  all: boolean;
  /** Whether the creating process still runs; undefined when it was created elsewhere or unannotated. */
  creatorAlive?: boolean;
}

export interface CleanupVerdict {
  remove: boolean;
  why: string;
}

export function cleanupVerdict(h: HelperFacts, here: Here): CleanupVerdict {
  if (here.all) return { remove: true, why: '--all' };
  const left = h.deadline ? new Date(h.deadline).getTime() - here.now.getTime() : undefined;
  if (left !== undefined && left <= 0) return { remove: true, why: 'its deadline passed' };
  const until = left === undefined ? 'it has no deadline' : `its deadline is in ${humanDuration(left)}`;
  const { host, pid } = h.creator ?? {};
  if (host === here.host && pid !== undefined) {
    if (here.creatorAlive === false) return { remove: true, why: `its creator (pid ${pid} on this host) is gone` };
    if (here.creatorAlive === true) return { remove: false, why: `in use by pid ${pid} on this host` };
  }
  if (host && pid !== undefined) return { remove: false, why: `created by pid ${pid} on host ${host}; ${until}` };
  return { remove: false, why: `creator unknown; ${until}` };
}
