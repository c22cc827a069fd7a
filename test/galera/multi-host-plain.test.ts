import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { diagnoseTarget } from '../../src/doctor/index.js';
import { freePort, userUrl } from '../../src/sandbox/index.js';
import { sandboxServers } from '../harness/targets.js';

/** A multi-host URL over servers that are NOT a Galera cluster: first reachable host, in URL order. */
describe('multi-host URL without Galera', () => {
  it('connects to the first reachable host only, skipping a dead one, and the doctor says so', async () => {
    const gcp = sandboxServers().gcp;
    const dead = await freePort();
    const url = userUrl(gcp, 'app').replace('@127.0.0.1:', `@127.0.0.1:${dead},127.0.0.1:`);
    const config = loadConfig({
      dotenv: false,
      env: { CAREPOOL_TARGETS: 'pair', CAREPOOL_TARGET_PAIR_URL: url },
    });
    const registry = new TargetRegistry(config);
    try {
      const target = registry.get('pair');
      const ports = await Promise.all(
        Array.from({ length: 4 }, () =>
          target.sql.transaction(async (tx) => {
            const { rows } = await tx.query<{ p: number }>(sql`SELECT @@port AS p, SLEEP(0.2) AS s`);
            return Number(rows[0]!.p);
          }),
        ),
      );
      expect(new Set(ports)).toEqual(new Set([gcp.serverPort]));
      expect(target.hosts.galera).toBe(false);
      expect(target.hosts.nodes().map((n) => [n.port, n.healthy, n.state])).toEqual([
        [dead, false, 'down'],
        [gcp.port, true, ''],
      ]);
      const findings = (await diagnoseTarget(config.targets[0]!)).findings.filter(
        (f) => f.check === 'galera',
      );
      expect(findings.map((f) => f.status)).toEqual(['info', 'info']);
      // Its connection checks ran on the live host, not on the dead first one.
      expect(findings[0]!.data?.node).toBe(`127.0.0.1:${gcp.port}`);
      expect(findings[1]!.summary).toMatch(/first reachable host/);
    } finally {
      await registry.close(1000);
    }
  });
});
