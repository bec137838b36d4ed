// "Did you mean": which names are close enough to suggest, in which order, and which are not.
import { closeNames } from '../../src/domain/suggest.js';

const pods = ['web-5d4f8-abcde', 'web-5d4f8-fghij', 'worker-0', 'db-0', 'nginx-pod', 'shared-network-pod'];

test('a typo of one or two letters finds the name', () => {
  expect(closeNames('ngnix-pod', pods)).toEqual(['nginx-pod']);
  expect(closeNames('db-1', pods)).toEqual(['db-0']);
});
test('a prefix or a part finds every name containing it, the closest first, at most three', () => {
  expect(closeNames('web', pods)).toEqual(['web-5d4f8-abcde', 'web-5d4f8-fghij']);
  expect(closeNames('network', pods)).toEqual(['shared-network-pod']);
  expect(closeNames('w', ['w1', 'w2', 'w3', 'w4'])).toHaveLength(3);
});
test('nothing close, nothing suggested; the exact name is never suggested', () => {
  expect(closeNames('postgres', pods)).toEqual([]);
  expect(closeNames('db-0', ['db-0'])).toEqual([]);
  expect(closeNames('anything', [])).toEqual([]);
});
