import { join } from 'node:path';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { migrateFleet } from '../../src/migrate/index.js';
import { type SandboxState, type ServerState, userUrl } from '../../src/sandbox/index.js';

/**
 * Migrates the sandbox primary that `env` (its URLs without REPLICAS) names to head and inserts `count`
 * patients on target `gcp`: the replicas benches' read set. Returns their ids.
 */
export async function seedReplicaBench(
  env: Record<string, string>,
  home: string,
  count: number,
): Promise<{ id: number }[]> {
  const setup = new TargetRegistry(loadConfig({ env: { ...env }, dotenv: false, cwd: home }));
  try {
    await migrateFleet(setup.list(), {
      to: 'head',
      migrationsDir: join(import.meta.dirname, '..', '..', 'migrations'),
    });
    const target = setup.get('gcp');
    const rows = Array.from({ length: count }, (_, i) => [`Bench${i}`, `Replica${i}`, '1980-01-01', 'Other']);
    await target.sql.query(
      sql`INSERT INTO patients (first_name, last_name, date_of_birth, gender) VALUES ${sql.rows(rows)}`,
    );
    const { rows: ids } = await target.sql.query<{ id: number }>(
      sql`SELECT id FROM patients ORDER BY id DESC LIMIT ${count}`,
    );
    return ids;
  } finally {
    await setup.close(1000);
  }
}

/** An admin session on sandbox server `name` (SHOW GLOBAL STATUS, replication settings). */
export function benchAdmin(state: SandboxState, name: string): Promise<SingleConnection> {
  return connectSingle(
    name,
    parseConnectionUrl('admin', userUrl(state.servers[name] as ServerState, 'admin')),
    {
      connectTimeoutMs: 5000,
      keepAliveMs: 0,
    },
  );
}
