import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type SandboxState, startSandbox, stopSandbox } from '../../src/sandbox/index.js';
import { migrateSandboxToHead } from './migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The private sandbox of this test run: azure and gcp servers on free ports. */
    sandbox: SandboxState;
    /** carepool home of the test run (holds the sandbox). */
    sandboxHome: string;
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
  // Every test file starts with the clinic schema at head on both servers (migrations/ applied once).
  await migrateSandboxToHead(state, home);
  return async () => {
    await stopSandbox(home);
    await rm(home, { recursive: true, force: true });
  };
}
