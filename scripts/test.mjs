#!/usr/bin/env node
// `npm test`: its own set-up on a fresh clone (npm dependencies, build; for the live tests the
// Debian packages and the local cluster, see find-cluster.mjs), lint, typecheck, unit tests, live
// tests, then one closing line saying how many tests ran.
// - Live tests run on the project's own cluster, or on a cluster the user names with
//   PODLENS_TEST_CONTEXT=<context>; never on whatever $KUBECONFIG happens to point at.
// - Any truthy CI (true, 1, yes, ... in any case) requires the live tests: no cluster is a failure.
// - The lifecycle test (cluster:down, then cluster:up) runs only on the project's own cluster, when
//   this run started it or under CI: a cluster the user started is not torn down.
// - The kind tests run when a cluster from `npm run kind:up` answers, or under CI, which starts it
//   (after the live tests: kind's nodes pull from the local cluster's registry). When this run
//   started kind, its lifecycle test (kind:down leaves nothing, kind:up's refusals) runs and kind is
//   stopped again at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureNodeModules, findCluster, kindCluster, root, run, truthy } from './find-cluster.mjs';

const say = (line) => console.log(`[test] ${line}`);
const ci = truthy(process.env.CI);
const results = mkdtempSync(path.join(tmpdir(), 'podlens-test-'));
const failures = [];
const counts = {};

/** Runs one jest project; records how many tests ran and failed. */
function jest(name, env = process.env, extra = []) {
  const out = path.join(results, `${name}.json`);
  const code = run('npm', ['run', '--silent', `test:${name}`, '--', '--json', `--outputFile=${out}`, ...extra], env);
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    counts[name] = { ran: report.numPassedTests + report.numFailedTests, failed: report.numFailedTests };
  } catch {
    counts[name] = { ran: 0, failed: 0 };
  }
  if (code !== 0) failures.push(`${name} tests`);
}

function finish(note) {
  rmSync(results, { recursive: true, force: true });
  const part = (name, label) =>
    `${counts[name]?.ran ?? 0} ${label}${counts[name]?.failed ? ` (${counts[name].failed} failed)` : ''}`;
  const extra = ['kind', 'lifecycle', 'kind-lifecycle'].filter((name) => counts[name]);
  const more = extra.map((name) => `, ${part(name, name)}`).join('');
  const ran = `${part('unit', 'unit')} and ${part('live', 'live')}${more} tests`;
  const verdict = failures.length ? `FAILED: ${failures.join(', ')}` : 'all passed';
  console.log(`\n[test] npm test: ${ran} ran; ${verdict}${note ? `; ${note}` : ''}`);
  process.exit(failures.length ? 1 : 0);
}

if (!ensureNodeModules(say)) {
  failures.push('npm ci');
  finish();
}
if (run('npm', ['run', '--silent', 'build']) !== 0) {
  failures.push('build');
  finish();
}
// Lint and typecheck (src, test, scripts, bench) fail the run like a failing test does.
if (run('npm', ['run', '--silent', 'lint']) !== 0) failures.push('lint');
if (run('npm', ['run', '--silent', 'typecheck']) !== 0) failures.push('typecheck');
jest('unit');

const cluster = findCluster({ optIn: 'PODLENS_TEST_CONTEXT', log: say });
if (!cluster.env) {
  const line = `LIVE TESTS NOT RUN: ${cluster.reason}.`;
  if (ci) {
    console.error(`[test] ${line} CI=${process.env.CI} requires them.`);
    failures.push('live tests (CI requires them)');
    finish('live tests were required');
  }
  console.error(`\n${'!'.repeat(Math.min(line.length, 120))}\n${line}\n${'!'.repeat(Math.min(line.length, 120))}\n`);
  finish('live tests not run (reason above)');
}
// Under CI with no kind cluster, what goes into kind's node image (on a cold machine: debootstrap, Go
// builds) is built while the live tests run, so that its downloads overlap their waiting; warm, it
// finds everything cached in seconds. Not the image itself: that needs kind's private dockerd, whose
// iptables chains must not appear while the live tests compare the machine before and after.
const kindPrepared = ci && !kindCluster().running ? prepareKind() : undefined;
try {
  // Tests of the project's own cluster (its sockets, etcd) mean nothing on a cluster the user named;
  // nor do the docs' commands, whose output shows that cluster (its node, its kubeconfig).
  const ownOnly = ['test/live/local-cluster.test.ts', 'test/live/docs.test.ts'];
  jest('live', cluster.env, cluster.own ? [] : ['--testPathIgnorePatterns', ...ownOnly]);
} finally {
  cluster.cleanup();
}
const notes = cluster.own
  ? []
  : [
      "the local cluster's own tests and the docs' commands (test/live/local-cluster.test.ts, docs.test.ts) were left out",
    ];
notes.push(...(await kindTests()));
if (cluster.own && (cluster.startedHere || ci)) {
  jest('lifecycle', cluster.env);
} else if (cluster.own) {
  notes.push(
    "lifecycle test not run: the cluster was already running and is not this run's to stop (npm run test:lifecycle runs it)",
  );
}
finish(notes.join('; '));

/** Builds the node image's inputs in the background; resolves to the exit code and the log's path. */
function prepareKind() {
  const log = path.join(results, 'kind-prepare.log');
  say(`building kind's node image inputs in the background while the live tests run (log: ${log})`);
  const out = openSync(log, 'w');
  const child = spawn('bash', ['cluster/kind/build-node-image.sh', '--inputs-only'], {
    cwd: root,
    stdio: ['ignore', out, out],
  });
  return new Promise((resolve) => {
    child.on('error', () => resolve({ code: 1, log }));
    child.on('exit', (code) => resolve({ code: code ?? 1, log }));
  });
}

/** The kind tier: returns what to say about it in the closing line. */
async function kindTests() {
  if (kindPrepared) {
    const prepared = await kindPrepared;
    if (prepared.code !== 0) {
      say(`building kind's node image inputs failed (exit ${prepared.code}); kind:up tries again. Its log ends:`);
      console.log(readFileSync(prepared.log, 'utf8').split('\n').slice(-15).join('\n'));
    }
  }
  const kind = kindCluster();
  if (!kind.running && !ci) return ['kind tests not run: no kind cluster answers (npm run kind:up, then npm test)'];
  if (!kind.running) {
    say('starting the kind cluster for the kind tests (CI requires them): npm run kind:up');
    if (run('npm', ['run', '--silent', 'kind:up']) !== 0) {
      failures.push('kind:up (CI requires the kind tests)');
      run('npm', ['run', '--silent', 'kind:down']);
      return [];
    }
  }
  jest('kind', kind.env);
  if (kind.running) return ['kind lifecycle test not run: the kind cluster was already running'];
  jest('kind-lifecycle', kind.env);
  if (run('npm', ['run', '--silent', 'kind:down']) !== 0) failures.push('kind:down');
  return [];
}
