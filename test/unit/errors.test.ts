import {
  ExitCode,
  KubeApiError,
  KubeNetworkError,
  PodlensError,
  messages,
  toUserError,
  usage,
} from '../../src/errors.js';

const call = { verb: 'list', resource: 'pods', namespace: 'shop', server: 'https://10.0.0.1:6443', timeoutMs: 10_000 };

describe('toUserError', () => {
  test('usage errors exit 2', () => {
    expect(toUserError(usage('bad flag'))).toEqual({ message: 'bad flag', exitCode: ExitCode.USAGE });
  });

  test('a timeout names the server and the limit', () => {
    const e = toUserError(new KubeNetworkError(call, new Error('aborted'), true));
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe(
      'the cluster at https://10.0.0.1:6443 did not answer within 10s (list pods); check that it is running and reachable, or raise --request-timeout.',
    );
  });

  test('connection refused is said in words', () => {
    const cause = Object.assign(new Error('request to https://x failed'), { code: 'ECONNREFUSED' });
    expect(toUserError(new KubeNetworkError(call, cause, false)).message).toBe(
      'cannot reach the cluster at https://10.0.0.1:6443: connection refused.',
    );
  });

  test('401 says the credentials were rejected', () => {
    const e = toUserError(new KubeApiError(401, call, 'Unauthorized', 'Unauthorized'));
    expect(e).toEqual({ exitCode: 1, message: expect.stringContaining('rejected the credentials (401 Unauthorized)') });
  });

  test('403 names the verb, the resource, the namespace and the user', () => {
    const msg =
      'pods is forbidden: User "system:serviceaccount:shop:nobody" cannot list resource "pods" in API group "" in the namespace "shop"';
    expect(toUserError(new KubeApiError(403, call, 'Forbidden', msg)).message).toBe(
      'not allowed to list pods in namespace "shop" as system:serviceaccount:shop:nobody (RBAC forbidden); ask for a Role granting "list" on "pods".',
    );
  });

  test('403 on a read across every namespace says so, and that it takes a ClusterRole', () => {
    const all = { verb: 'list', resource: 'pods', server: 'https://10.0.0.1:6443' };
    const msg =
      'pods is forbidden: User "system:serviceaccount:shop:reader" cannot list resource "pods" in API group "" at the cluster scope';
    expect(toUserError(new KubeApiError(403, all, 'Forbidden', msg)).message).toBe(
      'not allowed to list pods in all namespaces as system:serviceaccount:shop:reader (RBAC forbidden); ask for a ClusterRole granting "list" on "pods".',
    );
    const node = { verb: 'get', resource: 'nodes', name: 'n1' };
    expect(toUserError(new KubeApiError(403, node, 'Forbidden', 'nodes "n1" is forbidden')).message).toBe(
      'not allowed to get nodes (RBAC forbidden); ask for a ClusterRole granting "get" on "nodes".',
    );
  });

  test('404 on a namespace says the namespace does not exist', () => {
    const e = toUserError(new KubeApiError(404, { verb: 'get', resource: 'namespaces', name: 'nope' }, 'NotFound'));
    expect(e.message).toBe(messages.namespaceNotFound('nope'));
  });

  test('pod not found suggests close names', () => {
    expect(messages.podNotFound('web', 'shop', ['web-1', 'web-2'])).toBe(
      'pod "web" not found in namespace "shop"; did you mean "web-1" or "web-2"?',
    );
  });

  test('unknown values never show a stack', () => {
    const e = toUserError(new TypeError('x is undefined'));
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('internal error: x is undefined (please report this).');
  });

  test('PodlensError keeps its code', () => {
    expect(toUserError(new PodlensError('not-found', 'gone')).exitCode).toBe(1);
  });
});
