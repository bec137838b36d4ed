// Which proxy a request to the API server goes through, as client-go decides it: the cluster's
// proxy-url when the kubeconfig sets one, else Go's http.ProxyFromEnvironment: HTTPS_PROXY (or
// https_proxy) for an https server, HTTP_PROXY (or http_proxy) for an http one, unless NO_PROXY
// (or no_proxy) matches the host; localhost and loopback addresses are never proxied.
// https://github.com/kubernetes/client-go/blob/master/transport/cache.go (Proxy, utilnet.NewProxierWithNoProxyCIDR)
// https://cs.opensource.google/go/x/net/+/master:http/httpproxy/proxy.go (useProxy, matchers)
import { BlockList, isIP } from 'node:net';

function envOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

/** A proxy value without a scheme means http://, as in Go. */
function normalize(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function cidrMatch(host: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const family = isIP(net);
  if (!family || isIP(host) !== family) return false;
  const bl = new BlockList();
  bl.addSubnet(net, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  return bl.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Go's NO_PROXY rules: "*", CIDRs, IPs, and domains (a leading dot or "*." for subdomains only), each with an optional port. */
export function noProxyMatches(noProxy: string, host: string, port: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (let entry of noProxy.split(',').map((e) => e.trim().toLowerCase())) {
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (cidrMatch(h, entry)) return true;
      continue;
    }
    let entryPort = '';
    const m = entry.match(/^(.*?)(?::(\d+))?$/);
    if (m && !isIP(entry)) [entry, entryPort] = [m[1], m[2] ?? ''];
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (isIP(entry)) {
      if (entry === h) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (h.endsWith(entry)) return true;
    } else if (h === entry || h.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy URL for the API server at `server`, or undefined for a direct connection. */
export function proxyFor(server: string, proxyUrl: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (proxyUrl) return proxyUrl;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  const https = url.protocol === 'https:';
  const proxy = envOf(env, https ? 'HTTPS_PROXY' : 'HTTP_PROXY');
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopback(host)) return undefined;
  const port = url.port || (https ? '443' : '80');
  if (noProxyMatches(envOf(env, 'NO_PROXY') ?? '', host, port)) return undefined;
  return normalize(proxy);
}
