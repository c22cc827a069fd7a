import { createInterface } from 'node:readline';
import { AppError } from '../errors/index.js';

/** Reads all of standard input (for `--password-stdin`), without the trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new AppError('CAREPOOL_USAGE', 'no terminal to ask for the password', {
      hint: 'Pipe it instead: printf %s "$PASSWORD" | carepool users create NAME --role ROLE --password-stdin',
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  output._writeToOutput = (s: string) => {
    if (!asked) {
      process.stderr.write(s);
      asked = true;
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
