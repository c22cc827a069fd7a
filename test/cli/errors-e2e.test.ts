/**
 * Every error the CLI prints carries its code and a hint, in text and under --json: argument-parser errors
 * (unknown command or option, invalid value) and per-target failures, through the built binary.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Workdir, workdir } from './e2e.js';

let w: Workdir;
/** A port with a listener that closes every connection at once: a target that is down, deterministically. */
let dead: Server;
let deadPort: number;

beforeAll(async () => {
  w = await workdir('carepool-errors-e2e');
  dead = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  deadPort = (dead.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => dead?.close(resolve));
  await w?.remove();
});

interface JsonError {
  readonly error: { readonly code: string; readonly message: string; readonly hint: string };
}

describe('argument-parser errors (built binary)', () => {
  it('an invalid option value: CAREPOOL_USAGE, message and hint as JSON under --json, nothing else', async () => {
    const r = await w.run(['seed', '--patients', 'many', '--json']);
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout) as JsonError;
    expect(error.code).toBe('CAREPOOL_USAGE');
    expect(error.message).toContain("'many'");
    expect(error.hint).toContain('carepool seed --help');
    expect(r.stderr).toBe('');
  });

  it('an unknown command and an unknown option: code and hint in text mode', async () => {
    const command = await w.run(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(
      /^error CAREPOOL_USAGE: unknown command 'frobnicate'\n {2}hint: Run carepool --help/,
    );

    const option = await w.run(['migrate', 'up', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error CAREPOOL_USAGE: unknown option '--bogus'");
    expect(option.stderr).toContain('hint: Run carepool migrate up --help');
  });

  it('--help and --version are not errors', async () => {
    const help = await w.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    const version = await w.run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});

describe('per-target failures (built binary)', () => {
  const env = () => ({
    CAREPOOL_TARGETS: 'down',
    CAREPOOL_TARGET_DOWN_URL: `mysql://nobody:not-a-secret@127.0.0.1:${deadPort}/clinic?ssl-mode=DISABLED`,
    CAREPOOL_CONNECT_TIMEOUT_MS: '1000',
  });

  it('migrate up on a target that is down prints the code and the hint in text mode', async () => {
    const r = await w.run(['migrate', 'up', 'head', '--target', 'down'], env());
    expect(r.code).toBe(1);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(/down: CAREPOOL_DB_\w+: /);
    expect(text).toMatch(/\n {2}hint: \S/);
  });

  it('migrate plan and check on a target that is down print the code and the hint in text mode', async () => {
    for (const args of [
      ['migrate', 'plan'],
      ['migrate', 'check'],
    ]) {
      const r = await w.run(args, env());
      expect(r.code, args.join(' ')).toBe(1);
      const text = r.stdout + r.stderr;
      expect(text, args.join(' ')).toMatch(/CAREPOOL_DB_\w+: /);
      expect(text, args.join(' ')).toMatch(/\n {2}hint: \S/);
    }
  });

  it('the same failure under --json carries the code and the hint', async () => {
    const r = await w.run(['migrate', 'up', 'head', '--target', 'down', '--json'], env());
    expect(r.code).toBe(1);
    const text = r.stdout;
    expect(text).toMatch(/"code": "CAREPOOL_DB_\w+"/);
    expect(text).toMatch(/"hint": "\S/);
  });
});
