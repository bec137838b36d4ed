// Probe settings in words, and what they decide: when a failing liveness or startup probe has the
// container killed (its kill budget), and how many failures the events can vouch for.
// Probe semantics: https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
import type { ContainerSpec, KubeEvent, Probe } from './model.js';
import { age } from './time.js';

/** initialDelaySeconds + periodSeconds x failureThreshold: the earliest a failing probe acts. */
export function killBudgetSeconds(p: Probe): number {
  return p.initialDelaySeconds + p.periodSeconds * p.failureThreshold;
}

/** "liveness probe exec false (every 1s, timeout 1s, no initial delay; 2 failures in a row restart it, at the earliest 2s after start)" */
export function probeWords(p: Probe): string {
  const delay = p.initialDelaySeconds ? `after ${p.initialDelaySeconds}s` : 'no initial delay';
  const one = p.failureThreshold === 1;
  const fails = `${p.failureThreshold} failure${one ? '' : 's'} in a row`;
  const restart = `${fails} restart${one ? 's' : ''} it, at the earliest ${killBudgetSeconds(p)}s after it starts`;
  const acts =
    p.kind === 'readiness'
      ? `${fails} mark${one ? 's' : ''} it not ready`
      : p.kind === 'startup'
        ? `until it passes, ${restart}`
        : restart;
  return `${p.kind} probe ${p.handler} (every ${p.periodSeconds}s, timeout ${p.timeoutSeconds}s, ${delay}; ${acts})`;
}

export function probeOf(c: ContainerSpec, kind: Probe['kind']): Probe | undefined {
  return c.probes.find((p) => p.kind === kind);
}

/**
 * How many times a probe failed, as far as the events vouch: the kubelet's event recorder drops
 * events of an object beyond a burst of 25 (client-go's EventSourceObjectSpamFilter), so a count
 * of events is a lower bound, never the number of failures.
 * https://github.com/kubernetes/client-go/blob/v0.34.0/tools/record/events_cache.go (defaultSpamBurst)
 */
export function failureWords(failures: KubeEvent[], now: Date): string {
  const n = failures.reduce((k, e) => k + e.count, 0);
  const first = failures.reduce<Date | undefined>((d, e) => (!d || e.firstSeen < d ? e.firstSeen : d), undefined);
  const last = failures.at(-1)?.lastSeen;
  const span = first ? `first ${age(first, now)} ago, ` : '';
  return `at least ${n} failure${n === 1 ? '' : 's'} recorded, ${span}last recorded ${age(last, now)} ago`;
}
