// Durations as kubectl prints them, so podlens' AGE column reads like `kubectl get pods`.
// https://github.com/kubernetes/apimachinery/blob/master/pkg/util/duration/duration.go (HumanDuration)

export function age(from: Date | undefined, now: Date): string {
  return from ? humanDuration(now.getTime() - from.getTime()) : '<unknown>';
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/** A short precise duration for the timeline: 850ms, 4s, 1m5s. */
export function shortDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return ms === 0 ? 'under 1s' : `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  return humanDuration(ms);
}

export function seconds(a: Date | undefined, b: Date | undefined): number | undefined {
  if (!a || !b) return undefined;
  return Math.round((b.getTime() - a.getTime()) / 1000);
}
