// The floor of `podlens describe POD` in the bench: a minimal Node.js program that makes the same
// two HTTPS requests (GET the pod, LIST its events; in parallel, as podlens does) with node:https
// and prints the two bodies' sizes. No kubeconfig parsing: bench/run.mjs hands it the server and
// the PEMs in one JSON file (argv[2]), then the namespace and the pod's name.
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:https';

const [file, ns, name] = process.argv.slice(2);
const c = JSON.parse(readFileSync(file, 'utf8'));
const agent = new Agent({ keepAlive: true, ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: !c.insecure });
const headers = { accept: 'application/json', ...(c.token ? { authorization: `Bearer ${c.token}` } : {}) };
const fetch = (path) =>
  new Promise((resolve, reject) =>
    get(`${c.server}${path}`, { agent, headers }, (res) => {
      let n = 0;
      res.on('data', (d) => (n += d.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`HTTP ${res.statusCode}`))));
    }).on('error', reject),
  );
const selector = encodeURIComponent(`involvedObject.name=${name},involvedObject.namespace=${ns}`);
const sizes = await Promise.all([
  fetch(`/api/v1/namespaces/${ns}/pods/${name}`),
  fetch(`/api/v1/namespaces/${ns}/events?fieldSelector=${selector}`),
]);
process.stdout.write(`${sizes.join(' ')}\n`);
process.exit(0);
