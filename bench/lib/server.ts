import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionSpec, parseConnectionUrl } from '../../src/config/index.js';
import { type ServerState, startSandbox, stopSandbox, userUrl } from '../../src/sandbox/index.js';

/** A private gcp-profile server for a benchmark (plain TCP, so TLS cost does not blur pool overhead). */
export interface BenchServer {
  readonly state: ServerState;
  /** App user URL without TLS. */
  readonly url: string;
  readonly spec: ConnectionSpec;
  stop(): Promise<void>;
}

/** Starts a private server for a benchmark run. */
export async function startBenchServer(extraArgs: readonly string[] = []): Promise<BenchServer> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-bench-'));
  const sandbox = await startSandbox({ home, profiles: ['gcp'], ports: 'free', extraArgs });
  const state = sandbox.servers.gcp as ServerState;
  const url = userUrl(state, 'app', 'DISABLED');
  return {
    state,
    url,
    spec: parseConnectionUrl('bench', url),
    async stop() {
      await stopSandbox(home);
      await rm(home, { recursive: true, force: true });
    },
  };
}
