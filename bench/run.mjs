#!/usr/bin/env node
// npm run bench [-- --quick] [-- --churn-pods N --churn-rate R --churn-services N --text-pods N --rounds N --only describe,startup,install,many,text,watch]
//
// podlens against kubectl on the live cluster, side by side in one run: whole-process wall time of
// describe (one real pod) and of describe over many pods (fake, on KWOK nodes), start-up, and a
// watch of every namespace under pod churn (CPU seconds and peak RSS from /proc, lag, completeness),
// the churned pods selected by --churn-services Services (default one per 10 pods; 0: none).
// Each comparison is the median of per-pair ratios: the two commands run back to back in each round,
// in alternating order. Writes bench/results/latest.json and prints a table.
// A benchmark, not a test: it never fails on a target; it fails only when it cannot measure.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createObjects, createPods, fakePod, fakeService } from './fake-pods.mjs';
import { Kube, nowMs, proxyKubeconfig, startCountingProxy } from './kube.mjs';
import {
  completeness,
  cpuSecondsFromStat,
  endpointTransitions,
  lags,
  median,
  pairedRatio,
  peakRssMbFromStatus,
  percentile,
  jsonStreamSplitter,
  podTransitions,
  podlensEndpointTransition,
  podlensTransition,
  round,
  table,
} from './stats.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'podlens');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const o = {
    quick: false,
    only: null,
    rounds: null,
    churnPods: null,
    textPods: null,
    churnRate: null,
    churnServices: null,
    fakeNodes: 4,
    out: join(ROOT, 'bench', 'results', 'latest.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = new Set(val().split(','));
    else if (a === '--rounds') o.rounds = Number(val());
    else if (a === '--churn-pods') o.churnPods = Number(val());
    else if (a === '--text-pods') o.textPods = Number(val());
    else if (a === '--churn-rate') o.churnRate = Number(val());
    else if (a === '--churn-services') o.churnServices = Number(val());
    else if (a === '--fake-nodes') o.fakeNodes = Number(val());
    else if (a === '--out') o.out = val();
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .slice(1, 10)
          .map((l) => l.replace(/^\/\/ ?/, ''))
          .join('\n') + '\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  const q = o.quick;
  o.describeRounds = o.rounds ?? (q ? 7 : 15);
  o.manyRounds = o.rounds ? Math.max(1, Math.ceil(o.rounds / 3)) : q ? 3 : 5;
  o.manySizes = [100, 1000];
  o.textPods = o.textPods ?? (q ? 1000 : 5000);
  o.churnPods = o.churnPods ?? (q ? 300 : 10_000);
  if (o.churnPods > 10_000) throw new Error('--churn-pods: at most 10000');
  o.churnRate = o.churnRate ?? (q ? 20 : 50); // pods created per second
  // Services over the churned pods, each selecting every Nth pod: one per 10 pods (1,000 at 10,000).
  o.churnServices = o.churnServices ?? Math.round(o.churnPods / 10);
  if (!Number.isInteger(o.churnServices) || o.churnServices < 0 || o.churnServices > o.churnPods)
    throw new Error('--churn-services: a whole number from 0 to --churn-pods');
  return o;
}

const want = (opts, part) => !opts.only || opts.only.has(part);

// ---------------------------------------------------------------------------------------------
// Processes

/** Runs a command to completion; returns wall ms, exit code, and (optionally) its stdout. */
function timed(cmd, args, env, keepStdout = false) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let bytes = 0;
    child.stdout.on('data', (d) => {
      bytes += d.length;
      if (keepStdout) out += d;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve({ ms, code, bytes, stdout: out, stderr: err });
    });
  });
}

function must(r, what) {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim().slice(0, 500)}`);
  return r;
}

/** Waits until the API server is ready again (other engineers' tests restart it); false after timeoutMs. */
let readyKube;
async function waitReady(timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await readyKube.request('GET', '/readyz');
      return true;
    } catch {
      if (Date.now() > deadline) return false;
      await sleep(1000);
    }
  }
}

/**
 * Alternating paired runs: round i runs A then B when i is even, B then A when odd. A round where
 * either command fails (the API server restarted under it, say) is run again once the server is
 * ready, up to 3 times; the number of such retries is reported.
 */
async function paired(rounds, a, b, warmup = 1) {
  let retries = 0;
  const pair = async (first) => {
    for (;;) {
      const x = first === 'a' ? [await a(), await b()] : [await b(), await a()].reverse();
      if (x[0].code === 0 && x[1].code === 0) return x.map((r) => r.ms);
      const bad = x[0].code !== 0 ? x[0] : x[1];
      if (++retries > 3)
        throw new Error(`a paired run failed ${retries} times; last: ${bad.stderr.trim().slice(0, 300)}`);
      log(
        `a run failed (${bad.stderr.trim().split('\n')[0].slice(0, 120)}); waiting for the API server and running the round again`,
      );
      await waitReady();
    }
  };
  for (let i = 0; i < warmup; i++) await pair('a');
  const as = [];
  const bs = [];
  for (let i = 0; i < rounds; i++) {
    const [ta, tb] = await pair(i % 2 === 0 ? 'a' : 'b');
    as.push(ta);
    bs.push(tb);
  }
  const r = pairedRatio(as, bs);
  return {
    podlens_ms: round(median(as), 1),
    kubectl_ms: round(median(bs), 1),
    ratio_vs_kubectl: round(r.median, 3),
    rounds,
    retried_rounds: retries,
    samples: { podlens_ms: as.map((x) => round(x, 1)), kubectl_ms: bs.map((x) => round(x, 1)) },
  };
}

/** /proc figures of a running process: CPU seconds so far and peak RSS so far. */
let clockTicks;
function procSample(pid) {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  const ticks = clockTicks;
  try {
    return {
      cpu_s: cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), ticks),
      peak_rss_mb: peakRssMbFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8')),
    };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster set-up

function kubeconfigPath() {
  if (process.env.KUBECONFIG) return process.env.KUBECONFIG.split(':')[0];
  const r = spawnSync('bash', [join(ROOT, 'cluster', 'env.sh')], { encoding: 'utf8' });
  const m = /KUBECONFIG=(\S+)/.exec(r.stdout ?? '');
  if (!m) throw new Error('no KUBECONFIG and no local cluster (npm run cluster:up)');
  return m[1];
}

async function createNamespace(kube, name) {
  await kube.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'podlens-bench': 'true' } },
  });
  for (let i = 0; i < 120; i++) {
    try {
      await kube.request('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`);
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`no default service account in ${name}`);
}

/** The KWOK fake nodes' names (type=kwok), for fakePod's spec.nodeName. */
async function fakeNodeNames(kube) {
  const list = await kube.request('GET', '/api/v1/nodes?labelSelector=type%3Dkwok');
  const names = list.items.map((n) => n.metadata.name);
  if (!names.length) throw new Error('no KWOK fake nodes (type=kwok)');
  return names;
}

/**
 * Creates `count` fake pods named PREFIX-00000... spread over the fake nodes, a bounded number of
 * requests in flight, and waits until all run; returns how fast (creation rate as measured).
 */
async function createRunningPods(kube, ns, prefix, count, labels = {}, timeoutMs = 600_000) {
  const nodes = await fakeNodeNames(kube);
  const t0 = Date.now();
  await createPods(
    kube,
    ns,
    Array.from({ length: count }, (_, i) =>
      fakePod(`${prefix}-${String(i).padStart(5, '0')}`, nodes[i % nodes.length], labels),
    ),
  );
  const createdS = (Date.now() - t0) / 1000;
  await waitRunning(kube, ns, count, timeoutMs);
  const runningS = (Date.now() - t0) / 1000;
  const rate = {
    pods: count,
    created_s: round(createdS, 1),
    running_s: round(runningS, 1),
    running_per_s: round(count / runningS, 1),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  log(
    `${count} pods in ${ns}: created in ${rate.created_s} s, all Running after ${rate.running_s} s (${rate.running_per_s}/s, load ${rate.load})`,
  );
  return rate;
}

async function waitRunning(kube, ns, count, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await kube.request(
      'GET',
      `/api/v1/namespaces/${ns}/pods?fieldSelector=status.phase%3DRunning&limit=0`,
    );
    if (list.items.length >= count) return;
    if (Date.now() > deadline)
      throw new Error(`only ${list.items.length} of ${count} pods Running in ${ns} after ${timeoutMs / 1000}s`);
    await sleep(1000);
  }
}

function versions(env) {
  const kv = spawnSync('kubectl', ['version', '-o', 'json'], { env, encoding: 'utf8' });
  let server = null;
  let client = null;
  try {
    const j = JSON.parse(kv.stdout);
    server = j.serverVersion?.gitVersion ?? null;
    client = j.clientVersion?.gitVersion ?? null;
  } catch {
    /* reported as null */
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return { kubernetes: server, kubectl: client, node: process.version, podlens: pkg.version, kwok: 'v0.8.0' };
}

function machine() {
  const c = cpus();
  /** @type {string} */
  let os = process.platform;
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))[1];
  } catch {
    /* keep the platform */
  }
  return {
    cpus: c.length,
    cpu_model: c[0]?.model ?? null,
    memory_gb: round(totalmem() / 2 ** 30, 1),
    os,
    load_at_start: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. describe one pod, and start-up

/** A busybox container running `sh -c SCRIPT` with the pod's /work volume. */
function busybox(name, script) {
  return {
    name,
    image: 'busybox',
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '-c', script],
    volumeMounts: [{ name: 'work', mountPath: '/work' }],
  };
}

async function benchDescribe(kube, env, ns, opts) {
  const name = 'bench-web';
  await kube.request('POST', `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'podlens-bench' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      tolerations: [],
      initContainers: [busybox('init-config', 'echo ready > /work/ready')],
      containers: [busybox('web', 'exec sleep 3600')],
      volumes: [{ name: 'work', emptyDir: {} }],
    },
  });
  log(`describe: waiting for the real pod ${ns}/${name} to run`);
  await waitRunning(kube, ns, 1, 120_000);
  log(`describe: ${opts.describeRounds} paired rounds of podlens describe vs kubectl describe pod`);
  const describe = await paired(
    opts.describeRounds,
    () => timed(process.execPath, [BIN, 'describe', '-n', ns, name], env),
    () => timed('kubectl', ['describe', 'pod', '-n', ns, name], env),
  );
  // The floors, against the same kubectl describe: a Node.js process that does nothing, and a
  // minimal node:https program making describe's two requests (bench/floor-https.mjs).
  log(`describe: ${opts.describeRounds} paired rounds of an empty node process vs kubectl describe pod`);
  const floor = await paired(
    opts.describeRounds,
    () => timed(process.execPath, ['-e', '0'], env),
    () => timed('kubectl', ['describe', 'pod', '-n', ns, name], env),
  );
  describe.node_empty_process = {
    node_ms: floor.podlens_ms,
    kubectl_ms: floor.kubectl_ms,
    ratio_vs_kubectl: floor.ratio_vs_kubectl,
  };
  const creds = join(tmpdir(), `podlens-bench-floor-${process.pid}.json`);
  const c = kube.cfg;
  writeFileSync(
    creds,
    JSON.stringify({
      server: c.server,
      ca: c.ca?.toString(),
      cert: c.cert?.toString(),
      key: c.key?.toString(),
      token: c.token,
      insecure: c.insecure,
    }),
    { mode: 0o600 },
  );
  try {
    log(
      `describe: ${opts.describeRounds} paired rounds of a minimal node:https program (the same two GETs) vs kubectl describe pod`,
    );
    const https = await paired(
      opts.describeRounds,
      () => timed(process.execPath, [join(ROOT, 'bench', 'floor-https.mjs'), creds, ns, name], env),
      () => timed('kubectl', ['describe', 'pod', '-n', ns, name], env),
    );
    describe.node_https_two_gets = {
      node_ms: https.podlens_ms,
      kubectl_ms: https.kubectl_ms,
      ratio_vs_kubectl: https.ratio_vs_kubectl,
    };
  } finally {
    rmSync(creds, { force: true });
  }
  return describe;
}

async function benchStartup(env, opts) {
  log(`start-up: ${opts.describeRounds} paired rounds of podlens --version vs kubectl version --client`);
  const vsKubectl = await paired(
    opts.describeRounds,
    () => timed(process.execPath, [BIN, '--version'], env),
    () => timed('kubectl', ['version', '--client'], env),
  );
  log(`start-up: ${opts.describeRounds} paired rounds of podlens --version vs node -e 0`);
  const vsNode = await paired(
    opts.describeRounds,
    () => timed(process.execPath, [BIN, '--version'], env),
    () => timed(process.execPath, ['-e', '0'], env),
  );
  return {
    ...vsKubectl,
    node_ms: vsNode.kubectl_ms,
    ratio_vs_node: vsNode.ratio_vs_kubectl,
    vs_node: vsNode,
  };
}

/** Installed size: `npm pack`, then `npm install -g` of the tarball into a temporary prefix. */
function benchInstall() {
  const dir = join(tmpdir(), `podlens-bench-install-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr.slice(0, 300)}`);
    const tarball = join(dir, JSON.parse(pack.stdout)[0].filename);
    const prefix = join(dir, 'prefix');
    const inst = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
      encoding: 'utf8',
    });
    if (inst.status !== 0) throw new Error(`npm install -g failed: ${inst.stderr.slice(0, 300)}`);
    const pkgDir = join(prefix, 'lib', 'node_modules', 'podlens');
    const du = spawnSync('du', ['-sb', join(prefix, 'lib', 'node_modules')], { encoding: 'utf8' });
    const bytes = Number(du.stdout.split(/\s/)[0]);
    // Source maps shipped, and the files they name that are not shipped.
    const maps = spawnSync('find', [pkgDir, '-name', '*.map'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const dangling = [];
    for (const m of maps) {
      const j = JSON.parse(readFileSync(m, 'utf8'));
      for (const src of j.sources ?? []) {
        const abs = join(dirname(m), j.sourceRoot ?? '', src);
        if (!existsSync(abs)) dangling.push(abs.replace(pkgDir, '.'));
      }
    }
    const version = spawnSync(join(prefix, 'bin', 'podlens'), ['--version'], { encoding: 'utf8' });
    return {
      mb: round(bytes / 1e6, 2),
      tarball_kb: round(statSync(tarball).size / 1e3, 1),
      dependencies_installed: spawnSync('ls', [join(pkgDir, 'node_modules')], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean).length,
      source_maps: maps.length,
      source_maps_pointing_at_unshipped_files: dangling.length,
      installed_runs: version.status === 0 && version.stdout.trim() !== '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. many pods

function countCalls(logEntries) {
  const c = { pod_lists: 0, event_lists: 0, pod_gets: 0, event_gets: 0, total: logEntries.length };
  for (const e of logEntries) {
    if (e.method !== 'GET') continue;
    if (/\/pods$/.test(e.path)) c.pod_lists++;
    else if (/\/events$/.test(e.path)) c.event_lists++;
    else if (/\/pods\/[^/]+$/.test(e.path)) c.pod_gets++;
    else if (/\/events\/[^/]+$/.test(e.path)) c.event_gets++;
  }
  return c;
}

async function benchMany(kube, env, base, opts) {
  const out = {};
  for (const n of opts.manySizes) {
    const ns = `${base}-many-${n}`;
    await createNamespace(kube, ns);
    log(`many: creating ${n} pods on fake nodes in ${ns}`);
    const creation = await createRunningPods(kube, ns, 'many', n);
    await sleep(2000); // let kwok's and the scheduler's events land

    // API calls, through a counting proxy. These runs are the warm-up too (not timed).
    const proxy = await startCountingProxy(kube);
    const pkc = join(tmpdir(), `podlens-bench-proxy-${process.pid}.kubeconfig`);
    writeFileSync(pkc, proxyKubeconfig(proxy.url));
    const penv = { ...env, KUBECONFIG: pkc };
    must(await timed(process.execPath, [BIN, 'describe', '-n', ns], penv), 'podlens describe via proxy');
    const podlensCalls = countCalls(proxy.log);
    // kubectl's discovery cache is per server URL: fill it first, then count the describe alone.
    must(await timed('kubectl', ['get', 'pods', '-n', ns, '-o', 'name'], penv), 'kubectl get via proxy');
    proxy.reset();
    must(await timed('kubectl', ['describe', 'pods', '-n', ns], penv), 'kubectl describe via proxy');
    const kubectlCalls = countCalls(proxy.log);
    await proxy.close();
    rmSync(pkc, { force: true });

    log(
      `many N=${n}: ${opts.manyRounds} paired rounds (podlens ${podlensCalls.total} API calls, kubectl ${kubectlCalls.total})`,
    );
    const r = await paired(
      opts.manyRounds,
      () => timed(process.execPath, [BIN, 'describe', '-n', ns], env),
      () => timed('kubectl', ['describe', 'pods', '-n', ns], env),
      0,
    );
    out[n] = { pods: n, ...r, api_calls: { podlens: podlensCalls, kubectl: kubectlCalls }, creation };
    await removeNamespace(kube, ns, true);
  }
  return out;
}

/**
 * The many-pods view of `describe -A` as text and as JSON at opts.textPods pods (5,000: the issue's
 * linear-text target), paired, against one `kubectl describe pods -A` of the same pods (it takes
 * minutes). -A with a label selector of this run's pods, so that other pods on the cluster do not
 * count. Then `podlens describe -A -o json` through a pipe into a JSON parser: it must give exactly
 * that many items (issue 9's "done when").
 */
async function benchText(kube, env, base, opts) {
  const n = opts.textPods;
  const ns = `${base}-text`;
  const selector = `podlens-bench-text=${base}`;
  const args = ['describe', '-A', '-l', selector];
  await createNamespace(kube, ns);
  log(`text: creating ${n} pods on fake nodes in ${ns}`);
  const creation = await createRunningPods(kube, ns, 'text', n, { 'podlens-bench-text': base });
  await sleep(2000);
  log(`text: ${opts.manyRounds} paired rounds of podlens describe -A -l SEL as text vs -o json`);
  const r = await paired(
    opts.manyRounds,
    () => timed(process.execPath, [BIN, ...args], env),
    () => timed(process.execPath, [BIN, ...args, '-o', 'json'], env),
    0,
  );
  log(`text: podlens describe -A -l SEL -o json | a JSON parser`);
  const count = "let s='';process.stdin.on('data',(d)=>(s+=d)).on('end',()=>console.log(JSON.parse(s).items.length))";
  const pipe = must(
    await timed(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        `"$0" "$1" ${args.map((a) => `'${a}'`).join(' ')} -o json | "$0" -e "$2"`,
        process.execPath,
        BIN,
        count,
      ],
      env,
      true,
    ),
    'podlens describe -A -o json | JSON parser',
  );
  const items = Number(pipe.stdout.trim());
  log(`text: one kubectl describe pods -A -l SEL of ${n} pods`);
  const k = must(await timed('kubectl', ['describe', 'pods', '-A', '-l', selector], env), 'kubectl describe pods');
  await removeNamespace(kube, ns, true);
  return {
    pods: n,
    command: `podlens describe -A -l ${selector} [-o json]`,
    text_ms: r.podlens_ms,
    json_ms: r.kubectl_ms,
    ratio_vs_json: r.ratio_vs_kubectl,
    kubectl_describe_ms: round(k.ms, 1),
    text_ratio_vs_kubectl: round(r.podlens_ms / k.ms, 4),
    json_ratio_vs_kubectl: round(r.kubectl_ms / k.ms, 4),
    json_through_pipe: { items, exact: items === n, ms: round(pipe.ms, 1) },
    rounds: r.rounds,
    retried_rounds: r.retried_rounds,
    samples: { text_ms: r.samples.podlens_ms, json_ms: r.samples.kubectl_ms },
    creation,
  };
}

/** Deletes a namespace's pods at once (one delete-collection call, no grace), then the namespace. */
async function removeNamespace(kube, ns, wait = false) {
  await kube.request('DELETE', `/api/v1/namespaces/${ns}/pods?gracePeriodSeconds=0`).catch(() => {});
  await kube.request('DELETE', `/api/v1/namespaces/${ns}`).catch(() => {});
  for (let i = 0; wait && i < 120; i++) {
    const left = await kube.request('GET', `/api/v1/namespaces/${ns}/pods?limit=1`).catch(() => ({ items: [] }));
    if (!left.items.length) return;
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. watch under churn

/** The watcher processes running now (an interrupted bench ends them). */
const watcherProcesses = new Set();

/** Starts a watcher process, timestamps what it prints, samples /proc until stopped. */
function startWatcher(name, cmd, args, env, onValue, mode) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  watcherProcesses.add(child);
  child.on('close', () => watcherProcesses.delete(child));
  let buf = '';
  const splitter = jsonStreamSplitter();
  let stderr = '';
  let lines = 0;
  let last;
  child.stdout.setEncoding('utf8');
  const tee = process.env.BENCH_TEE_DIR ? createWriteStream(join(process.env.BENCH_TEE_DIR, `${name}.out`)) : undefined;
  child.stdout.on('data', (chunk) => {
    const at = nowMs();
    tee?.write(chunk);
    buf += chunk;
    if (mode === 'ndjson') {
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        lines++;
        onValue(JSON.parse(line), at);
      }
    } else {
      buf = '';
      for (const v of splitter.push(chunk)) {
        // The initial state comes as PodList objects, then one Pod per change.
        for (const o of Array.isArray(v.items) ? v.items : [v]) {
          lines++;
          onValue(o, at);
        }
      }
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  const timer = setInterval(() => {
    const s = procSample(child.pid);
    if (s) last = s;
  }, 250);
  return {
    name,
    child,
    lines: () => lines,
    stderr: () => stderr,
    async stop() {
      clearInterval(timer);
      const s = procSample(child.pid);
      if (s) last = s;
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      const how = await exited;
      clearTimeout(t);
      return { ...last, exit: how };
    },
    exited,
  };
}

/** What podTransitions needs of a watch event (keeps the harness small at 10,000 pods). */
function slim(e) {
  return {
    type: e.type,
    at: e.at,
    object: { metadata: { uid: e.object?.metadata?.uid }, status: { phase: e.object?.status?.phase } },
  };
}

/** What endpointTransitions needs of an EndpointSlice: its name, Service, and pod endpoints. */
function slimSlice(s) {
  return {
    metadata: {
      name: s?.metadata?.name,
      labels: { 'kubernetes.io/service-name': s?.metadata?.labels?.['kubernetes.io/service-name'] },
    },
    endpoints: (s?.endpoints ?? []).map((e) => ({
      targetRef: e.targetRef && { kind: e.targetRef.kind, uid: e.targetRef.uid },
      conditions: e.conditions ?? {},
    })),
  };
}

/** A list-then-watch from the harness (its reference), resumed when the server closes it, until stop(). */
function referenceWatch(kube, path, resourceVersion, onEvent, what, resumed = { count: 0 }) {
  let rv = resourceVersion;
  let stopped = false;
  let stopCurrent = () => {};
  const loop = (async () => {
    while (!stopped) {
      const w = kube.watch(
        `${path}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1800&resourceVersion=${rv}`,
        (e) => {
          if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
          if (e.object?.metadata?.resourceVersion) rv = e.object.metadata.resourceVersion;
          onEvent(e);
        },
      );
      stopCurrent = w.stop;
      await w.done.catch((err) => stopped || log(`${what}: ${err.message}; resuming`));
      if (!stopped) {
        resumed.count++;
        await sleep(500);
      }
    }
  })();
  return async () => {
    stopped = true;
    stopCurrent();
    await loop;
  };
}

/**
 * `kubectl get endpointslices -n NS` every 10 s while the churn runs: how many slices, how many
 * list endpoints, and how many endpoints (ready, terminating): the slices really carry the pods.
 */
function sampleSlices(env, ns, t0) {
  const samples = [];
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const r = await timed('kubectl', ['get', 'endpointslices', '-n', ns, '-o', 'json'], env, true);
      if (r.code === 0) {
        const items = JSON.parse(r.stdout).items;
        const eps = items.flatMap((sl) => sl.endpoints ?? []);
        samples.push({
          at_s: round((nowMs() - t0) / 1000, 1),
          slices: items.length,
          with_endpoints: items.filter((sl) => (sl.endpoints ?? []).length > 0).length,
          endpoints: eps.length,
          ready: eps.filter((e) => e.conditions?.ready).length,
          terminating: eps.filter((e) => e.conditions?.terminating).length,
        });
      } else log(`kubectl get endpointslices: ${r.stderr.trim().split('\n')[0]}`);
      for (let i = 0; i < 20 && sampling; i++) await sleep(500);
    }
  })();
  return async () => {
    sampling = false;
    await loop;
    return samples;
  };
}

async function benchWatch(kube, env, base, opts, podlensHasWatch) {
  const ns = `${base}-churn`;
  await createNamespace(kube, ns);
  const n = opts.churnPods;
  const rate = opts.churnRate;
  const nodes = await fakeNodeNames(kube);

  // The Services: pod i is selected by Service i mod nServices (headless: bench/fake-pods.mjs).
  const nServices = opts.churnServices;
  const svcName = (i) => `svc-${String(i).padStart(4, '0')}`;
  const slicesPath = `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;
  let slicesBeforeChurn = 0;
  let slicesAfterS = 0;
  if (nServices) {
    const ts = Date.now();
    log(`watch: creating ${nServices} headless Services in ${ns}, each selecting every ${nServices}th churned pod`);
    await createObjects(
      kube,
      `/api/v1/namespaces/${ns}/services`,
      Array.from({ length: nServices }, (_, i) => fakeService(svcName(i))),
    );
    // The EndpointSlice controller writes a slice for each Service (empty until a pod runs), at its
    // client's rate limit (kube-controller-manager's --kube-api-qps, 20 by default).
    const deadline = Date.now() + 60_000 + nServices * 100;
    for (;;) {
      slicesBeforeChurn = (await kube.request('GET', slicesPath)).items.length;
      if (slicesBeforeChurn >= nServices || Date.now() > deadline) break;
      await sleep(2000);
    }
    slicesAfterS = round((Date.now() - ts) / 1000, 1);
    log(`watch: ${slicesBeforeChurn} EndpointSlices for ${nServices} Services after ${slicesAfterS} s`);
  }

  // The truth: the harness' own watch of the namespace, from a list's resourceVersion.
  const truthEvents = [];
  const podsPath = `/api/v1/namespaces/${ns}/pods`;
  const list = await kube.request('GET', podsPath);
  const phaseOf = new Map();
  const deleteAfterRunning = new Set();
  const deleted = new Set();
  const deletions = [];
  let aliveMax = 0; // the most churned pods that existed at once (what a watcher holds)
  const holdMs = 500;
  const onTruth = (e) => {
    truthEvents.push(slim(e));
    const pod = e.object;
    const name = pod.metadata.name;
    if (e.type === 'DELETED') {
      deleted.add(name);
      return;
    }
    const phase = pod.status?.phase;
    phaseOf.set(name, phase);
    aliveMax = Math.max(aliveMax, phaseOf.size - deleted.size);
    if (phase === 'Running' && !deleteAfterRunning.has(name) && !pod.metadata.deletionTimestamp) {
      deleteAfterRunning.add(name);
      deletions.push(
        sleep(holdMs).then(() =>
          kube
            .request('DELETE', `/api/v1/namespaces/${ns}/pods/${name}`)
            .catch((err) => log(`delete ${name}: ${err.message}`)),
        ),
      );
    }
  };
  const resumed = { count: 0 };
  const stopTruth = referenceWatch(kube, podsPath, list.metadata.resourceVersion, onTruth, 'reference watch', resumed);

  // The harness' own watch of the slices: the endpoint lines that should come, and the endpoints now.
  const sliceEvents = [];
  let sliceInitial = [];
  const endpointsNow = new Map(); // slice name -> how many endpoints it lists
  let stopSliceWatch = async () => {};
  if (nServices) {
    const sl = await kube.request('GET', slicesPath);
    sliceInitial = sl.items.map(slimSlice);
    for (const x of sliceInitial) endpointsNow.set(x.metadata.name, x.endpoints.length);
    stopSliceWatch = referenceWatch(
      kube,
      slicesPath,
      sl.metadata.resourceVersion,
      (e) => {
        const object = slimSlice(e.object);
        sliceEvents.push({ type: e.type, at: e.at, object });
        if (e.type === 'DELETED') endpointsNow.delete(object.metadata.name);
        else endpointsNow.set(object.metadata.name, object.endpoints.length);
      },
      'reference slice watch',
      resumed,
    );
  }

  // The watchers under test, over every namespace.
  const podlensSeen = [];
  const podlensEndpoints = [];
  const kubectlEvents = [];
  const watchers = [];
  if (podlensHasWatch) {
    watchers.push(
      startWatcher(
        'podlens',
        process.execPath,
        [BIN, 'watch', '-A', '-o', 'ndjson'],
        env,
        (line, at) => {
          if (line.namespace !== ns) return;
          const t = podlensTransition(line, at);
          if (t) podlensSeen.push(t);
          const e = podlensEndpointTransition(line, at);
          if (e) podlensEndpoints.push(e);
        },
        'ndjson',
      ),
    );
  }
  watchers.push(
    startWatcher(
      'kubectl',
      'kubectl',
      ['get', 'pods', '-A', '-w', '-o', 'json'],
      env,
      (obj, at) => {
        if (obj.metadata?.namespace !== ns) return;
        kubectlEvents.push(slim({ type: 'MODIFIED', object: obj, at }));
      },
      'json',
    ),
  );
  await sleep(3000); // both have listed and are watching

  log(
    `watch: creating ${n} pods at ${rate}/s in ${ns} (each deleted ${holdMs} ms after it runs) under ${watchers.map((w) => w.name).join(' and ')}`,
  );
  const t0 = nowMs();
  const stopSampling = nServices ? sampleSlices(env, ns, t0) : async () => [];
  const creates = [];
  let createsFailed = 0; // refused (the API server restarting, say): those pods never come
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    creates.push(
      kube
        .request(
          'POST',
          `/api/v1/namespaces/${ns}/pods`,
          fakePod(
            `churn-${String(i).padStart(5, '0')}`,
            nodes[i % nodes.length],
            nServices ? { 'podlens-bench-svc': svcName(i % nServices) } : {},
          ),
        )
        .catch((err) => {
          createsFailed++;
          log(`create: ${err.message}`);
        }),
    );
  }
  await Promise.all(creates);
  const createdIn = (nowMs() - t0) / 1000;
  log(`watch: ${n} creations sent in ${createdIn.toFixed(1)} s; waiting for every pod to run and be deleted`);
  const deadline = Date.now() + 180_000 + n * 50;
  while (deleted.size < n - createsFailed && Date.now() < deadline) await sleep(500);
  await Promise.all(deletions);
  const settled = deleted.size === n;
  if (!settled) log(`watch: only ${deleted.size} of ${n} pods deleted (${createsFailed} creations refused)`);
  // The slice controller runs behind the pods (its rate limit): wait until the slices list no pod.
  const sliceDeadline = Date.now() + 120_000;
  const listed = () => [...endpointsNow.values()].reduce((a, b) => a + b, 0);
  while (nServices && listed() > 0 && Date.now() < sliceDeadline) await sleep(500);
  const slicesSettledS = round((nowMs() - t0) / 1000, 1);
  if (nServices && listed() > 0) log(`watch: the slices still list ${listed()} endpoints after the deadline`);
  await sleep(3000); // let the watchers print the last deletions
  const sliceSamples = await stopSampling();

  const endedEarly = {};
  for (const w of watchers) endedEarly[w.name] = w.child.exitCode !== null || w.child.signalCode !== null;
  const stats = {};
  for (const w of watchers) stats[w.name] = await w.stop();
  await stopTruth();
  await stopSliceWatch();

  const truth = podTransitions(truthEvents);
  const result = {
    pods: n,
    rate_per_s: rate,
    churn_s: round((nowMs() - t0) / 1000, 1),
    // The rate the harness reached (under load it can fall behind opts.churnRate).
    created_in_s: round(createdIn, 1),
    created_per_s: round(n / createdIn, 1),
    load_at_end: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    settled,
    creates_failed: createsFailed,
    pods_alive_max: aliveMax,
    // the harness' own watches had to start again (the API server closed them: a restart, say)
    reference_watch_resumed: resumed.count,
    transitions_expected: truth.length,
    // kubectl get -w ends when the API server closes its watch (a restart, say); podlens resumes.
    watcher_ended_early: endedEarly,
  };
  if (podlensHasWatch) {
    const c = completeness(truth, podlensSeen);
    const lag = lags(truth, podlensSeen);
    Object.assign(result, {
      missed: c.missed,
      duplicates: c.duplicates,
      unexpected: c.unexpected,
      examples: c.examples,
      cpu_s: { podlens: round(stats.podlens?.cpu_s, 2), kubectl: round(stats.kubectl?.cpu_s, 2) },
      cpu_ratio_vs_kubectl: round(stats.podlens?.cpu_s / stats.kubectl?.cpu_s, 3),
      peak_rss_mb: round(stats.podlens?.peak_rss_mb, 1),
      kubectl_peak_rss_mb: round(stats.kubectl?.peak_rss_mb, 1),
      lag_ms: {
        p50: round(percentile(lag, 50), 1),
        p99: round(percentile(lag, 99), 1),
        max: round(Math.max(...lag), 1),
        samples: lag.length,
      },
      podlens_exit: stats.podlens?.exit,
      podlens_stderr: watchers[0].stderr().slice(0, 500) || undefined,
    });
  } else {
    Object.assign(result, {
      missed: null,
      duplicates: null,
      cpu_ratio_vs_kubectl: null,
      peak_rss_mb: null,
      lag_ms: { p50: null, p99: null },
      note: 'podlens watch is not available in this build',
    });
    result.cpu_s = { kubectl: round(stats.kubectl?.cpu_s, 2) };
    result.kubectl_peak_rss_mb = round(stats.kubectl?.peak_rss_mb, 1);
  }
  if (nServices) {
    const kinds = (xs, key) => xs.reduce((m, x) => ((m[key(x)] = (m[key(x)] ?? 0) + 1), m), {});
    const max = (field) => Math.max(0, ...sliceSamples.map((x) => x[field]));
    result.services = {
      count: nServices,
      headless: true,
      slices_before_churn: slicesBeforeChurn,
      slices_ready_after_s: slicesAfterS,
      slices_seen: new Set([...sliceInitial, ...sliceEvents.map((e) => e.object)].map((x) => x.metadata.name)).size,
      slice_events: { total: sliceEvents.length, ...kinds(sliceEvents, (e) => e.type.toLowerCase()) },
      slices_empty_after_s: slicesSettledS,
      endpoints_still_listed_at_end: listed(),
      // kubectl get endpointslices every 10 s during the churn
      kubectl_samples: sliceSamples,
      kubectl_max: {
        slices_with_endpoints: max('with_endpoints'),
        endpoints: max('endpoints'),
        ready: max('ready'),
        terminating: max('terminating'),
      },
    };
    const expected = endpointTransitions(sliceEvents, sliceInitial);
    const c = completeness(expected, podlensEndpoints);
    const lag = lags(expected, podlensEndpoints);
    result.endpoint_lines = {
      total: podlensEndpoints.length,
      by_to: kinds(podlensEndpoints, (t) => t.to ?? 'left'),
      // from the harness' slice watch: each pod's place in a Service's endpoints that changed
      expected: expected.length,
      expected_by_to: kinds(expected, (t) => t.to ?? 'left'),
      missed: c.missed,
      duplicates: c.duplicates,
      unexpected: c.unexpected,
      examples: c.examples,
      lag_ms: {
        p50: round(percentile(lag, 50), 1),
        p99: round(percentile(lag, 99), 1),
        max: round(Math.max(...lag), 1),
        samples: lag.length,
      },
    };
  }
  // kubectl prints objects without the event type: its creations and phase changes are compared.
  const kTruth = truth.filter((t) => t.change !== 'deleted');
  const kSeen = podTransitions(kubectlEvents);
  const kc = completeness(kTruth, kSeen);
  const klag = lags(kTruth, kSeen);
  result.kubectl = {
    missed_created_or_phase: kc.missed,
    lag_ms: { p50: round(percentile(klag, 50), 1), p99: round(percentile(klag, 99), 1) },
  };
  return result;
}

// ---------------------------------------------------------------------------------------------

function fakeNodeCount(env) {
  const r = spawnSync('kubectl', ['get', 'nodes', '-l', 'type=kwok', '-o', 'name'], { env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).length : 0;
}

function kwok(args, env) {
  const r = spawnSync('bash', [join(ROOT, 'cluster', 'kwok.sh'), ...args], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`cluster/kwok.sh ${args.join(' ')} failed`);
}

function printTable(res) {
  const rows = [['measure', 'podlens', 'kubectl', 'ratio (podlens/kubectl)', 'notes']];
  const ms = (v) => (v == null ? '-' : `${v} ms`);
  // [label, figures or undefined, podlens field, reference field, ratio field, note]
  const d = res.describe;
  const timedRows = [
    ['describe one pod (median)', d, 'podlens_ms', 'kubectl_ms', 'ratio_vs_kubectl', `${d?.rounds} paired rounds`],
    [
      'empty node process (floor)',
      d?.node_empty_process,
      'node_ms',
      'kubectl_ms',
      'ratio_vs_kubectl',
      'node -e 0 vs kubectl describe pod',
    ],
    [
      'node:https, the same two GETs (floor)',
      d?.node_https_two_gets,
      'node_ms',
      'kubectl_ms',
      'ratio_vs_kubectl',
      'bench/floor-https.mjs vs kubectl describe pod',
    ],
    ['start-up (--version) vs node -e 0', res.startup, 'podlens_ms', 'node_ms', 'ratio_vs_node', 'ratio vs node -e 0'],
    ['start-up (--version)', res.startup, 'podlens_ms', 'kubectl_ms', 'ratio_vs_kubectl', 'kubectl version --client'],
  ];
  for (const [label, x, a, b, ratio, note] of timedRows) if (x) rows.push([label, ms(x[a]), ms(x[b]), x[ratio], note]);
  for (const [n, m] of Object.entries(res.many ?? {})) {
    rows.push([
      `describe ${n} pods (median)`,
      ms(m.podlens_ms),
      ms(m.kubectl_ms),
      m.ratio_vs_kubectl,
      `API calls: podlens ${m.api_calls.podlens.total} (${m.api_calls.podlens.pod_lists} pod list, ${m.api_calls.podlens.event_lists} event list), kubectl ${m.api_calls.kubectl.total}`,
    ]);
  }
  if (res.text)
    rows.push([
      `describe ${res.text.pods} pods: text vs JSON`,
      ms(res.text.text_ms),
      ms(res.text.json_ms),
      res.text.ratio_vs_json,
      `ratio text/JSON; kubectl describe pods: ${res.text.kubectl_describe_ms} ms (text ${res.text.text_ratio_vs_kubectl}, JSON ${res.text.json_ratio_vs_kubectl} of it)`,
    ]);
  if (res.install)
    rows.push([
      'installed size (npm install -g)',
      `${res.install.mb} MB`,
      '',
      '',
      `${res.install.dependencies_installed} dependencies, ${res.install.source_maps} source maps`,
    ]);
  for (const w of [res.watch, res.watch_services]) {
    if (!w) continue;
    const svc = w.services ? ` + ${w.services.count} Services` : '';
    rows.push([
      `watch churn${svc}: CPU s (${w.pods} pods)`,
      w.cpu_s?.podlens ?? '-',
      w.cpu_s?.kubectl ?? '-',
      w.cpu_ratio_vs_kubectl ?? '-',
      `${w.rate_per_s} pods/s, ${w.churn_s} s`,
    ]);
    rows.push([
      `watch churn${svc}: peak RSS MB`,
      w.peak_rss_mb ?? '-',
      w.kubectl_peak_rss_mb ?? '-',
      w.peak_rss_mb && w.kubectl_peak_rss_mb ? round(w.peak_rss_mb / w.kubectl_peak_rss_mb, 3) : '-',
      '',
    ]);
    rows.push([
      `watch churn${svc}: lag p50 / p99 ms`,
      w.lag_ms?.p50 == null ? '-' : `${w.lag_ms.p50} / ${w.lag_ms.p99}`,
      `${w.kubectl.lag_ms.p50} / ${w.kubectl.lag_ms.p99}`,
      '',
      "behind the harness' own watch",
    ]);
    rows.push([
      `watch churn${svc}: missed / duplicates`,
      w.missed == null ? '-' : `${w.missed} / ${w.duplicates}`,
      '',
      '',
      `of ${w.transitions_expected} transitions (created, phase, deleted)`,
    ]);
    const e = w.endpoint_lines;
    if (e)
      rows.push([
        `watch churn${svc}: endpoint lines`,
        e.total,
        '',
        '',
        `${e.expected} expected from ${w.services.slice_events.total} slice events (${e.missed} missed, ${e.duplicates} duplicated), lag p99 ${e.lag_ms.p99} ms; at most ${w.services.kubectl_max.endpoints} endpoints in ${w.services.kubectl_max.slices_with_endpoints} of ${w.services.slices_seen} slices (kubectl)`,
      ]);
  }
  process.stdout.write(`\n${table(rows)}\n\n`);
  const trows = [['target', 'value', 'limit', 'met']];
  for (const [k, v] of Object.entries(res.targets ?? {}))
    trows.push([k, v.value ?? '-', v.limit, v.met == null ? 'not measured' : v.met ? 'yes' : 'NO']);
  process.stdout.write(`${table(trows)}\n`);
  if (res.connection_retries?.count)
    process.stdout.write(
      `(${res.connection_retries.count} dropped connection(s) of the harness retried: see connection_retries)\n`,
    );
}

/** Each target of issue 14: the figure, the limit, and whether this run met it (null: not measured). */
function targets(res) {
  const t = {};
  const put = (key, value, limit, met) =>
    (t[key] = { value: value ?? null, limit, met: value == null ? null : met(value) });
  put('describe_vs_kubectl', res.describe?.ratio_vs_kubectl, '<= 1.3', (v) => v <= 1.3);
  put('startup_vs_node', res.startup?.ratio_vs_node, '<= 1.1', (v) => v <= 1.1);
  put('text_vs_json_5000', res.text?.ratio_vs_json_5000, '<= 1.3', (v) => v <= 1.3);
  const both =
    res.text && res.text.pods === 5000
      ? Math.max(res.text.text_ratio_vs_kubectl, res.text.json_ratio_vs_kubectl)
      : null;
  put('text_and_json_vs_kubectl_5000', both, '<= 0.05', (v) => v <= 0.05);
  const piped = res.text && res.text.pods === 5000 ? res.text.json_through_pipe.items : null;
  put('json_through_pipe_items_5000', piped, '= 5000', (v) => v === 5000);
  put('install_mb', res.install?.mb, '<= 15', (v) => v <= 15);
  put('install_source_maps_unshipped', res.install?.source_maps_pointing_at_unshipped_files, '0', (v) => v === 0);
  // The watch without Services (watch_10000_*) and with them (watch_10000_services_*: the
  // EndpointSlice watch carries the slices of --churn-services Services over the churned pods).
  for (const [prefix, x] of [
    ['watch_10000', res.watch],
    ['watch_10000_services', res.watch_services],
  ]) {
    const w = x && x.pods === 10_000 ? x : undefined;
    put(`${prefix}_peak_rss_mb`, w?.peak_rss_mb, '<= 150', (v) => v <= 150);
    put(`${prefix}_cpu_vs_kubectl`, w?.cpu_ratio_vs_kubectl, '<= 0.5', (v) => v <= 0.5);
    put(`${prefix}_lag_p99_ms`, w?.lag_ms?.p99, '<= 100', (v) => v <= 100);
    put(`${prefix}_missed`, w?.missed, '0', (v) => v === 0);
    put(`${prefix}_duplicated`, w?.duplicates, '0', (v) => v === 0);
  }
  return t;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const kcPath = kubeconfigPath();
  const env = { ...process.env, KUBECONFIG: kcPath, NO_COLOR: '1' };
  const kube = new Kube(kcPath);
  readyKube = kube;
  if (!(await waitReady(30_000))) throw new Error(`the cluster of ${kcPath} is not ready (GET /readyz)`);
  must(await timed(process.execPath, [BIN, '--version'], env), 'podlens --version (npm run build first)');
  const podlensHasWatch = (await timed(process.execPath, [BIN, 'watch', '--help'], env)).code === 0;
  mkdirSync(dirname(opts.out), { recursive: true });

  const started = Date.now();
  const res = {
    generated_at: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    versions: versions(env),
    machine: machine(),
  };
  const base = `podlens-bench-${randomBytes(3).toString('hex')}`;
  const namespaces = [base];
  // Interrupted (Ctrl-C, a timeout's SIGTERM): its namespaces (and their pods and Services) go too.
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.once(sig, () => {
      log(`${sig}: removing ${namespaces.join(', ')}`);
      for (const child of watcherProcesses) child.kill('SIGKILL');
      Promise.all(namespaces.map((ns) => removeNamespace(kube, ns))).finally(() => process.exit(130));
    });
  try {
    await createNamespace(kube, base);
    if (want(opts, 'describe')) res.describe = await benchDescribe(kube, env, base, opts);
    if (want(opts, 'startup')) {
      res.startup = await benchStartup(env, opts);
      res.startup_ms = res.startup.podlens_ms;
    }
    if (want(opts, 'install')) {
      log('install: npm pack, then npm install -g of the tarball into a temporary prefix');
      res.install = benchInstall();
    }
    if (want(opts, 'many') || want(opts, 'text') || want(opts, 'watch')) {
      if (fakeNodeCount(env) === 0) {
        // They stay: the cluster is shared, and other runs' pods may be on them by the end
        // (`bash cluster/kwok.sh down` removes them and their pods).
        log(`adding ${opts.fakeNodes} KWOK fake nodes (they stay)`);
        kwok(['up', String(opts.fakeNodes)], env);
      } else {
        kwok(['up', String(Math.max(fakeNodeCount(env), 1))], env); // makes sure kwok runs
      }
    }
    if (want(opts, 'many')) {
      opts.manySizes.forEach((n) => namespaces.push(`${base}-many-${n}`));
      res.many = await benchMany(kube, env, base, opts);
    }
    if (want(opts, 'text')) {
      namespaces.push(`${base}-text`);
      res.text = await benchText(kube, env, base, opts);
      res.text.ratio_vs_json_5000 = res.text.pods === 5000 ? res.text.ratio_vs_json : null;
    }
    if (want(opts, 'watch')) {
      namespaces.push(`${base}-churn`);
      // With Services over the churned pods (the EndpointSlice watch carries their slices) or without.
      res[opts.churnServices ? 'watch_services' : 'watch'] = await benchWatch(kube, env, base, opts, podlensHasWatch);
    }
  } finally {
    res.duration_s = round((Date.now() - started) / 1000, 1);
    res.connection_retries = { count: kube.retries.length, requests: kube.retries };
    res.targets = targets(res);
    writeFileSync(opts.out, `${JSON.stringify(res, null, 2)}\n`);
    log(`results in ${opts.out} (${res.duration_s} s)`);
    await waitReady();
    for (const ns of namespaces) await removeNamespace(kube, ns);
    kube.close();
  }
  printTable(res);
}

main().catch((e) => {
  process.stderr.write(`[bench] error: ${e.stack ?? e}\n`);
  process.exit(1);
});
