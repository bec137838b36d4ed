#!/usr/bin/env node
// `npm test`: its own set-up on a fresh clone (npm dependencies, build; for the live tests the
// Debian packages and the local cluster, see find-cluster.mjs), lint, typecheck, unit tests, live
// tests, then one closing line saying how many tests ran.
// - Live tests run on the project's own cluster, or on a cluster the user names with
//   PODLENS_TEST_CONTEXT=<context>; never on whatever $KUBECONFIG happens to point at.
// - Any truthy CI (true, 1, yes, ... in any case) requires the live tests: no cluster is a failure.
// - The lifecycle test (cluster:down, then cluster:up) runs only on the project's own cluster, when
//   this run started it or under CI: a cluster the user started is not torn down.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureNodeModules, findCluster, run, truthy } from './find-cluster.mjs';

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
  const lifecycle = counts.lifecycle ? `, ${part('lifecycle', 'lifecycle')}` : '';
  const ran = `${part('unit', 'unit')} and ${part('live', 'live')}${lifecycle} tests`;
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
try {
  // Tests of the project's own cluster (its sockets, etcd) mean nothing on a cluster the user named.
  jest('live', cluster.env, cluster.own ? [] : ['--testPathIgnorePatterns', 'test/live/local-cluster.test.ts']);
} finally {
  cluster.cleanup();
}
let note = cluster.own ? '' : "the local cluster's own tests (test/live/local-cluster.test.ts) were left out";
if (cluster.own && (cluster.startedHere || ci)) {
  jest('lifecycle', cluster.env);
} else if (cluster.own) {
  note =
    "lifecycle test not run: the cluster was already running and is not this run's to stop (npm run test:lifecycle runs it)";
}
finish(note);
