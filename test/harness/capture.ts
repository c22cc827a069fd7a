import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createLogger, type Logger } from '../../src/log/logger.js';

/**
 * The whole-run secret scan: every secret a test run knows (the sandbox's database passwords, users'
 * passwords, API tokens, session keys) is registered here, every server log and CLI output of the run is
 * captured here, and the secret-scan reporter fails the run if any secret appears in any of it or in
 * anything the tests printed.
 */
function dir(): string {
  return inject('captureDir');
}

/** Registers values that must never appear in the run's output. */
export function registerSecret(...values: readonly string[]): void {
  const lines = values.filter((v) => v.length >= 8).map((v) => `${v}\n`);
  if (lines.length > 0) appendFileSync(join(dir(), 'secrets.txt'), lines.join(''), { mode: 0o600 });
}

/** Keeps a piece of output (a CLI run's stdout and stderr) for the scan. */
export function captureOutput(label: string, text: string): void {
  appendFileSync(join(dir(), 'outputs.log'), `--- ${label}\n${text}\n`);
}

/** A pino logger (carepool's own redaction rules) writing into the run's capture, at debug level. */
export function captureLogger(label: string): Logger {
  const pino = createLogger({
    level: 'debug',
    destination: {
      write(line: string) {
        appendFileSync(join(dir(), `server-${label}.log`), line);
      },
    },
  });
  return pino;
}
