// Creating a privileged pod is a powerful act: ask first on a terminal; off a terminal, refuse
// unless --yes was given.
import { createInterface } from 'node:readline/promises';
import { PodlensError, messages } from '../errors.js';

export interface ConsentIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export async function askConsent(
  what: string,
  yes: boolean,
  io: ConsentIo = { stdin: process.stdin, stderr: process.stderr },
): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY) throw new PodlensError('usage', messages.consentRequired(what));
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  let answer: string;
  try {
    answer = await rl.question(`podlens will create ${what}.\nContinue? [y/N] `);
  } catch (e) {
    // Ctrl-C (readline rejects the question with an AbortError) or stdin closed: nothing was created.
    io.stderr.write('\n');
    if ((e as Error)?.name === 'AbortError') throw new PodlensError('interrupted', '');
    throw new PodlensError('node', messages.consentDeclined());
  } finally {
    rl.close();
  }
  if (!/^y(es)?$/i.test(answer.trim())) throw new PodlensError('node', messages.consentDeclined());
}
