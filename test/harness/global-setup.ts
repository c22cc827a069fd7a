import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type SandboxState, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { migrateSandboxToHead } from './migrate.js';
import { CAPTURE_ENV } from './secret-scan-reporter.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The private sandbox of this test run: azure and gcp servers on free ports. */
    sandbox: SandboxState;
    /** carepool home of the test run (holds the sandbox). */
    sandboxHome: string;
    /** Where the run's secrets and captured logs go for the whole-run secret scan (./capture.ts). */
    captureDir: string;
  }
}

/**
 * Starts a private sandbox (own temp home, free ports) for the whole test run and tears it down after, so
 * tests never depend on a server already running on the machine.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-test-'));
  const state = await startSandbox({ home, ports: 'free' });
  project.provide('sandbox', state);
  project.provide('sandboxHome', home);
  // The secret-scan reporter reads this directory after the run and removes it.
  const capture = await mkdtemp(join(tmpdir(), 'carepool-capture-'));
  process.env[CAPTURE_ENV] = capture;
  project.provide('captureDir', capture);
  const passwords = Object.values(state.servers).flatMap((s) =>
    Object.values(s.users).map((u) => u.password),
  );
  await writeFile(join(capture, 'secrets.txt'), passwords.map((p) => `${p}\n`).join(''), { mode: 0o600 });
  // Every test file starts with the clinic schema at head on both servers (migrations/ applied once). If that
  // fails, no teardown is returned: stop the servers here so a failed run leaves none behind.
  try {
    await migrateSandboxToHead(state, home);
  } catch (error) {
    await stopSandbox(home);
    await rm(home, { recursive: true, force: true });
    await rm(capture, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await stopSandbox(home);
    await rm(home, { recursive: true, force: true });
  };
}
