import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Environment variable through which the global setup tells this reporter where the run's capture is. */
export const CAPTURE_ENV = 'CAREPOOL_TEST_CAPTURE_DIR';

/**
 * Fails the test run if a registered secret (see ./capture.ts) appears in anything the run printed or
 * logged: console output of tests and of the code under test, error messages and diffs of failed tests,
 * server logs and CLI outputs captured during the run. Runs in the main vitest process.
 */
export default class SecretScanReporter implements Reporter {
  readonly #text: string[] = [];

  onUserConsoleLog(log: { content: string }): void {
    this.#text.push(log.content);
  }

  onTestCaseResult(test: TestCase): void {
    for (const error of test.result().errors ?? []) this.#text.push(JSON.stringify(error));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const dir = process.env[CAPTURE_ENV];
    if (!dir) {
      process.stderr.write('secret scan: no capture directory (the global setup did not run)\n');
      process.exitCode = 1;
      return;
    }
    try {
      await this.#scan(dir, modules.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #scan(dir: string, moduleCount: number): Promise<void> {
    const files = await readdir(dir);
    const secrets = (await readFile(join(dir, 'secrets.txt'), 'utf8').catch(() => ''))
      .split('\n')
      .filter((s) => s.length >= 8);
    const logs = await Promise.all(
      files
        .filter((f) => f !== 'secrets.txt')
        .map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const),
    );
    const sources: (readonly [string, string])[] = [['test output', this.#text.join('\n')], ...logs];
    const leaks: string[] = [];
    for (const secret of new Set(secrets)) {
      // A secret with URL delimiters in it (a password with an unencoded @) can leak in pieces: a URL
      // masker that stops at the first @ shows the rest. Each piece of 8+ characters counts as the secret.
      const pieces = secret.split(/[@:/?#]/).filter((p) => p.length >= 8 && p !== secret);
      const forms = new Set([secret, encodeURIComponent(secret), ...pieces]);
      for (const [name, text] of sources) {
        if ([...forms].some((s) => text.includes(s)))
          leaks.push(`${name} contains secret ${secret.slice(0, 3)}…`);
      }
    }
    const bytes = sources.reduce((n, [, t]) => n + t.length, 0);
    if (leaks.length > 0 || secrets.length === 0) {
      process.stderr.write(
        `\nsecret scan FAILED: ${secrets.length === 0 ? 'no secrets were registered, so nothing was checked' : leaks.join('; ')}\n`,
      );
      process.exitCode = 1;
    } else {
      process.stdout.write(
        `\nsecret scan: ${new Set(secrets).size} secrets absent from ${bytes} characters of output and logs of ${moduleCount} test files (${logs.length} captured logs)\n`,
      );
    }
  }
}
