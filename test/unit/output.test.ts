// The output path's end: drain before the exit code is known, EPIPE quiet (0), other errors one
// sentence (1), on streams that fail as pipes and full disks do. The real ones (a slow pipe, | head,
// > /dev/full) are in test/live/as-users.test.ts.
import { PassThrough, Writable } from 'node:stream';
import { guardOutput } from '../../src/render/output.js';

/** A Writable that takes a chunk every `ms` (a slow reader), or fails with `code`. */
function slow(ms: number, fail?: string): Writable & { got: number } {
  const w = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, cb) {
      setTimeout(() => {
        if (fail) return cb(Object.assign(new Error(fail), { code: fail }));
        w.got += chunk.length;
        cb();
      }, ms);
    },
  }) as Writable & { got: number };
  w.got = 0;
  return w;
}

test('settle waits until a slow reader has taken everything', async () => {
  const out = slow(2);
  const err = new PassThrough();
  const g = guardOutput(out, err);
  for (let i = 0; i < 50; i++) out.write('x'.repeat(100));
  expect(out.got).toBeLessThan(5000);
  expect(await g.settle(0)).toBe(0);
  expect(out.got).toBe(5000);
});

test('EPIPE on stdout ends quietly with 0, whatever the command said', async () => {
  const out = slow(1, 'EPIPE');
  const err = new PassThrough();
  const said: string[] = [];
  err.on('data', (d: Buffer) => said.push(String(d)));
  const g = guardOutput(out, err);
  out.write('first line\n');
  expect(await g.settle(0)).toBe(0);
  expect(said).toEqual([]);
});

test('ENOSPC on stdout is one sentence on stderr and exit 1', async () => {
  const out = slow(1, 'ENOSPC');
  const err = new PassThrough();
  let said = '';
  err.on('data', (d: Buffer) => (said += String(d)));
  const g = guardOutput(out, err);
  out.write('data');
  expect(await g.settle(0)).toBe(1);
  expect(said).toBe('error: cannot write to standard output: no space left on the device (ENOSPC).\n');
});
