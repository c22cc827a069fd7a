import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxState, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { captureOutput, registerSecret } from '../harness/capture.js';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

function cli(home: string, args: readonly string[], capture = true): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        CAREPOOL_HOME: join(home, '.carepool'),
      },
      cwd: home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      // --show-secrets prints them on purpose: kept out of the whole-run secret scan.
      if (capture) captureOutput(`carepool ${args.join(' ')} (sandbox with 2 replicas)`, out);
      resolve({ code: code ?? 1, out });
    });
  });
}

/** `sandbox env` with two replicas: the REPLICAS line holds one URL (and one password) per replica. */
describe('sandbox env with two replicas', () => {
  let home: string;
  let state: SandboxState;
  const passwords = (): string[] =>
    Object.values(state.servers).flatMap((s) => Object.values(s.users).map((u) => u.password));

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'carepool-env-replicas-'));
    state = await startSandbox({
      home: join(home, '.carepool'),
      ports: 'free',
      profiles: ['gcp'],
      replicas: 2,
    });
    registerSecret(...passwords());
  });
  afterAll(async () => {
    await stopSandbox(join(home, '.carepool'));
    await rm(home, { recursive: true, force: true });
  });

  it('masks the password of every replica URL, as text and as JSON (the second one was printed)', async () => {
    const text = await cli(home, ['sandbox', 'env']);
    const json = await cli(home, ['sandbox', 'env', '--json']);
    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    const replicas = (JSON.parse(json.out) as Record<string, string>).CAREPOOL_TARGET_GCP_REPLICAS ?? '';
    expect(replicas.split(',mysql://')).toHaveLength(2);
    expect(replicas.match(/:\*\*\*@/g)).toHaveLength(2);
    expect(text.out).toContain(`CAREPOOL_TARGET_GCP_REPLICAS=${replicas}`);
    for (const password of passwords()) {
      expect(text.out).not.toContain(password);
      expect(json.out).not.toContain(password);
    }
    // Asked for, the secrets are there (the same command feeds eval "$(carepool sandbox env --show-secrets)").
    const shown = await cli(home, ['sandbox', 'env', '--show-secrets'], false);
    expect(shown.out).toContain(`:${state.servers['gcp-replica-2']?.users.app?.password}@`);
  });
});
