import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { type GaleraState, galeraNodeUrl, removeGalera, stopGalera } from '../../src/sandbox/galera.js';
import { startGaleraSandbox } from '../../src/sandbox/galera-sandbox.js';
import { registerSecret } from '../harness/capture.js';

/** A private 3-node cluster in its own temp home (free ports), for one test file. */
export interface TestCluster {
  readonly home: string;
  state: GaleraState;
  /** A connection to node `i` (0-based) as `who`. */
  node(i: number, who?: keyof GaleraState['users']): Promise<SingleConnection>;
  /** Stops every node and removes the cluster's files and home. */
  close(): Promise<void>;
}

/**
 * Starts a private Galera cluster for one test file. Its passwords go to the whole-run secret scan like the
 * shared sandbox's (test/harness/capture.ts).
 */
export async function startTestCluster(): Promise<TestCluster> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-galera-test-'));
  const state = await startGaleraSandbox(home, { size: 3, ports: 'free' });
  if (state === null) throw new Error('no cluster started');
  registerSecret(...Object.values(state.users).map((u) => u.password));
  const cluster: TestCluster = {
    home,
    state,
    node: (i, who = 'admin') =>
      connectSingle(
        `onprem-${i + 1}`,
        parseConnectionUrl('test', galeraNodeUrl(cluster.state, cluster.state.nodes[i]!, who)),
        {
          connectTimeoutMs: 5000,
          keepAliveMs: 0,
        },
      ),
    async close() {
      const stopped = await stopGalera(cluster.state);
      await removeGalera(stopped);
      await rm(home, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Starts a private cluster before the file's tests and removes it after; call at the top of a test file. */
export function useTestCluster(): () => TestCluster {
  let cluster: TestCluster | undefined;
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
  }, 120_000);
  return () => {
    if (!cluster) throw new Error('the test cluster did not start');
    return cluster;
  };
}
