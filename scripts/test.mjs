#!/usr/bin/env node
// `npm test`: builds, runs the unit tests, finds or starts a live cluster, then runs the live tests.
// Live tests use the cluster $KUBECONFIG points at when it answers; otherwise the project's own
// local cluster (cluster/up.sh, root only). Under CI=true the live tests must run: no cluster is a
// failure. Elsewhere they are not run, with one loud line that says how to get a cluster.
import { findCluster, localKubeconfig, run } from './find-cluster.mjs';

const ci = process.env.CI === 'true' || process.env.CI === '1';

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
// Lint and typecheck (src, test, scripts, bench) fail the run like a failing test does.
let failed = run('npm', ['run', '--silent', 'lint']) !== 0;
failed = run('npm', ['run', '--silent', 'typecheck']) !== 0 || failed;
failed = run('npm', ['run', '--silent', 'test:unit']) !== 0 || failed;

const cluster = findCluster((line) => console.log(`[test] ${line}`));
if (!cluster.env) {
  const line = `LIVE TESTS NOT RUN: no cluster: ${cluster.reason}. Get one with 'sudo npm run cluster:up' or point KUBECONFIG at a cluster.`;
  if (ci) {
    console.error(`[test] FAIL (CI=true requires the live tests): ${line}`);
    process.exit(1);
  }
  console.error(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
  process.exit(failed ? 1 : 0);
}
failed = run('npm', ['run', '--silent', 'test:live'], cluster.env) !== 0 || failed;
if (cluster.env.KUBECONFIG === localKubeconfig) {
  failed = run('npm', ['run', '--silent', 'test:lifecycle'], cluster.env) !== 0 || failed;
}
process.exit(failed ? 1 : 0);
