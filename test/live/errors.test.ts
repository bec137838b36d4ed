// Errors that need a real API server: not found (with suggestions), missing namespace, rejected
// credentials (401) and RBAC forbidden (a ServiceAccount with no rights, through a token kubeconfig).
import { apply, is, kubectlOk, podlens, pod, tokenKubeconfig, useNamespace, waitForPod } from './support.js';

const ns = useNamespace('errors');

beforeAll(async () => {
  await apply(pod('web-frontend', { containers: [{ name: 'web', image: 'nginx' }] }), ns.name);
  await waitForPod(ns.name, 'web-frontend', is.phase('Running'));
});

test('pod not found suggests close names', async () => {
  const r = await podlens(['describe', 'web-frontnd', '-n', ns.name]);
  expect(r).toEqual({
    code: 1,
    stdout: '',
    stderr: `error: pod "web-frontnd" not found in namespace "${ns.name}"; did you mean "web-frontend"?\n`,
  });
});

test('namespace not found', async () => {
  const r = await podlens(['describe', 'x', '-n', 'no-such-namespace-podlens']);
  expect(r).toEqual({
    code: 1,
    stdout: '',
    stderr: 'error: namespace "no-such-namespace-podlens" does not exist (kubectl get namespaces lists them).\n',
  });
});

test('rejected credentials (401)', async () => {
  const kc = await tokenKubeconfig('not-a-valid-token', ns.name, 'bad-token');
  const r = await podlens(['describe', 'x', '--kubeconfig', kc]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^error: the cluster at https:\/\/\S+ rejected the credentials \(401 Unauthorized\): the token or certificate in the kubeconfig is expired, revoked or wrong\.\n$/,
  );
});

test('RBAC forbidden names the verb, the resource and the user', async () => {
  await kubectlOk(['-n', ns.name, 'create', 'serviceaccount', 'nobody']);
  const token = (await kubectlOk(['-n', ns.name, 'create', 'token', 'nobody'])).trim();
  const kc = await tokenKubeconfig(token, ns.name, 'nobody');
  const r = await podlens(['describe', 'web-frontend', '--kubeconfig', kc]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    new RegExp(
      `^error: not allowed to (get|list) (pods|events) in namespace "${ns.name}" as system:serviceaccount:${ns.name}:nobody \\(RBAC forbidden\\)`,
    ),
  );
});
