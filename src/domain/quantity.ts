// Kubernetes resource quantities ("500m", "1.5", "128Mi", "1e3", "2G") as plain numbers, and back.
// Format: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
// (apimachinery/pkg/api/resource/quantity.go: binary suffixes Ki..Ei, decimal n u m k M G T P E).

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity in base units (cores, bytes, count); undefined when it is not a quantity. */
export function parseQuantity(q: string | undefined): number | undefined {
  const m = q?.trim().match(/^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const s = m[3] ?? '';
  return n * (BINARY[s] ?? DECIMAL[s]);
}

const trim = (n: number) => String(Number(n.toFixed(2)));

/** CPU in the way people write it: "250m", "2", "1.5". */
export function cpuWords(cores: number): string {
  return cores < 1 && cores > 0 ? `${Math.round(cores * 1000)}m` : trim(cores);
}

/** Memory in binary units: "512Mi", "1.5Gi". */
export function bytesWords(bytes: number): string {
  for (const [s, f] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const)
    if (bytes >= f) return `${trim(bytes / f)}${s}`;
  return `${Math.round(bytes)}`;
}

/** A resource amount in its usual words: cpu in cores, memory and storage in bytes, else a count. */
export function amountWords(resource: string, n: number): string {
  if (resource === 'cpu') return cpuWords(n);
  if (resource === 'memory' || resource.includes('storage')) return bytesWords(n);
  return trim(n);
}
