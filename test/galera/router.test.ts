import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { probeTarget } from '../../src/db/health.js';
import { type LiveSnapshot, startLiveFeed } from '../../src/load/live-feed.js';
import { localPoolSource } from '../../src/load/pool-source.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { AppError } from '../../src/errors/index.js';
import { parseConnectionUrl } from '../../src/config/index.js';
import { galeraUrl } from '../../src/sandbox/galera.js';
import { startGaleraSandbox } from '../../src/sandbox/galera-sandbox.js';
import { useTestCluster } from './cluster.js';

const cluster = useTestCluster();

function registry(poolMax = 6): TargetRegistry {
  const config = loadConfig({
    cwd: cluster().home,
    env: {
      CAREPOOL_TARGETS: 'onprem',
      CAREPOOL_TARGET_ONPREM_URL: galeraUrl(cluster().state, 'admin'),
      CAREPOOL_POOL_MAX: String(poolMax),
    },
  });
  return new TargetRegistry(config);
}

async function nodeNames(reg: TargetRegistry, n: number): Promise<string[]> {
  const target = reg.get('onprem');
  // Hold n connections at once so the pool must open n of them.
  const names = await Promise.all(
    Array.from({ length: n }, () =>
      target.sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ n: string }>(sql`SELECT @@wsrep_node_name AS n, SLEEP(0.3) AS s`);
        return rows[0]!.n;
      }),
    ),
  );
  return names;
}

describe('multi-host URL on a Galera cluster', () => {
  it('spreads connections over every Synced node, with causal reads', async () => {
    const reg = registry();
    try {
      const names = await nodeNames(reg, 6);
      expect(new Set(names)).toEqual(new Set(['onprem-1', 'onprem-2', 'onprem-3']));
      const view = reg.get('onprem').hosts.nodes();
      expect(view.map((v) => [v.healthy, v.state])).toEqual([
        [true, 'Synced'],
        [true, 'Synced'],
        [true, 'Synced'],
      ]);
      expect(view.every((v) => v.connections === 2)).toBe(true);
      // The dashboard and /api/v1/targets show each node (probeTarget carries the router's view).
      const health = await probeTarget(reg.get('onprem'));
      expect(health.nodes?.map((n) => [n.healthy, n.state, n.connections > 0, n.queries > 0])).toEqual([
        [true, 'Synced', true, true],
        [true, 'Synced', true, true],
        [true, 'Synced', true, true],
      ]);
      // The live feed (live page, load simulation) streams each node: connections, statements, state.
      const snapshot = await new Promise<LiveSnapshot>((resolve) => {
        const stop = startLiveFeed(reg, 100, (s) => {
          stop();
          resolve(s);
        });
      });
      expect(snapshot.targets[0]!.servers?.map((s) => [s.role, s.connections, s.state])).toEqual([
        ['node', 2, 'Synced'],
        ['node', 2, 'Synced'],
        ['node', 2, 'Synced'],
      ]);
      // The load simulation's samples carry the same per-node view (its report charts each server).
      const source = localPoolSource(reg, ['onprem']);
      try {
        expect(source.read('onprem').servers?.map((s) => [s.role, s.connections, s.state])).toEqual([
          ['node', 2, 'Synced'],
          ['node', 2, 'Synced'],
          ['node', 2, 'Synced'],
        ]);
      } finally {
        source.close();
      }
      const { rows } = await reg
        .get('onprem')
        .sql.query<{ w: number }>(sql`SELECT @@SESSION.wsrep_sync_wait AS w`);
      expect(Number(rows[0]!.w)).toBe(1);
    } finally {
      await reg.close(1000);
    }
  });

  it('moves off a node that is killed and uses it again once it rejoined', async () => {
    const reg = registry();
    try {
      await nodeNames(reg, 6);
      const victim = cluster().state.nodes[2]!;
      process.kill(victim.pid, 'SIGKILL');
      // Let the signal land: a statement already on its way could otherwise still be answered by it.
      await new Promise((r) => setTimeout(r, 300));
      // Every statement after the kill either succeeds on a survivor or fails once on the dead node's
      // connection; within a bounded number of tries all land on survivors.
      let survivors = 0;
      for (let i = 0; i < 60 && survivors < 6; i++) {
        try {
          const names = await nodeNames(reg, 3);
          expect(names).not.toContain('onprem-3');
          survivors += names.length;
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }
      expect(survivors).toBeGreaterThanOrEqual(6);
      const dead = reg.get('onprem').hosts.nodes()[2]!;
      expect([dead.healthy, dead.state]).toEqual([false, 'down']);
      // The doctor names the dead node and the shrunken cluster.
      const report = await diagnoseTarget(reg.get('onprem').config);
      const galera = report.findings.filter(
        (f) => f.check === 'galera' && f.status !== 'ok' && f.status !== 'info',
      );
      expect(galera.map((f) => f.code)).toEqual([
        'CAREPOOL_DOCTOR_GALERA_NODE',
        'CAREPOOL_DOCTOR_GALERA_QUORUM',
      ]);
      expect(galera[0]!.summary).toContain(`:${cluster().state.nodes[2]!.port} does not answer`);

      cluster().state = (await startGaleraSandbox(cluster().home))!;
      // The monitor (once a second) sees the node Synced again; new connections may go there.
      let back = false;
      for (let i = 0; i < 40 && !back; i++) {
        await new Promise((r) => setTimeout(r, 500));
        back = reg.get('onprem').hosts.nodes()[2]!.healthy;
      }
      expect(back).toBe(true);
    } finally {
      await reg.close(1000);
    }
  }, 180_000);

  it('refuses a malformed host list by name, never echoing the password', () => {
    const url = galeraUrl(cluster().state, 'app');
    const bad = url.replace(/@127\.0\.0\.1:(\d+),/, '@127.0.0.1:$1,,');
    expect(() => parseConnectionUrl('CAREPOOL_TARGET_ONPREM_URL', bad)).toThrow(/host 2 of the host list/);
    const dup = url.replace(/@(127\.0\.0\.1:\d+),/, '@$1,$1,');
    expect(() => parseConnectionUrl('X', dup)).toThrow(/listed twice/);
    const port = url.replace(/@(127\.0\.0\.1:\d+),/, '@$1,127.0.0.1:99999,');
    try {
      parseConnectionUrl('X', port);
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).code).toBe('CAREPOOL_CONFIG_INVALID');
      expect((error as Error).message).toMatch(/port "99999"/);
      expect((error as Error).message).not.toContain(cluster().state.users.app.password);
    }
  });
});
