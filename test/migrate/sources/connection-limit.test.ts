/**
 * A live target's catalog is read on two migrator connections at once; a migrator limited to one
 * connection (MAX_USER_CONNECTIONS 1, as some hosted servers' users are) reads it on one instead of
 * failing with error 1226. On a private database and user of the test sandbox's MariaDB.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/config/index.js';
import { connectSingle } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import type { Target } from '../../../src/db/targets.js';
import { loadSource, type SourceContext } from '../../../src/migrate/sources/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';

let scratch: ScratchDatabases;
const user = `cp_lim_${randomBytes(3).toString('hex')}`;
const password = `Lim_${randomBytes(9).toString('hex')}`;

async function asAdmin(statements: readonly string[]): Promise<void> {
  const admin = await adminConnection(sandboxServers().gcp);
  try {
    for (const s of statements) await admin.query(sql.raw(s));
  } finally {
    await admin.close();
  }
}

beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_lim');
  await asAdmin([
    `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}' WITH MAX_USER_CONNECTIONS 1`,
    `GRANT SELECT, SHOW VIEW, TRIGGER ON \`${scratch.name}\`.* TO '${user}'@'%'`,
  ]);
  const conn = await scratch.registry.get('gcp').connectMigrator();
  try {
    await conn.query(sql`CREATE TABLE lim_t (id INT NOT NULL PRIMARY KEY, note VARCHAR(9))`);
  } finally {
    await conn.close();
  }
});
afterAll(async () => {
  await asAdmin([`DROP USER IF EXISTS '${user}'@'%'`]).catch(() => undefined);
  await scratch?.drop();
});

/** The scratch gcp target, its migrator being the limited user. */
const limited = (): Target => {
  const url = (scratch.env['CAREPOOL_TARGET_GCP_MIGRATE_URL'] ?? '').replace(
    /\/\/[^@]+@/,
    `//${user}:${password}@`,
  );
  return {
    ...scratch.registry.get('gcp'),
    connectMigrator: (options) =>
      connectSingle(
        'gcp',
        parseConnectionUrl('test', url),
        { connectTimeoutMs: 5000, keepAliveMs: 0 },
        options ?? {},
      ),
  };
};

describe('a migrator limited to one connection', () => {
  it('has its live catalog read on that one connection', async () => {
    const ctx: SourceContext = {
      targets: async () => [limited()],
      migrationsDir: join(inject('sandboxHome'), 'no-migrations'),
      home: inject('sandboxHome'),
      cwd: inject('sandboxHome'),
    };
    const loaded = await loadSource('gcp', ctx);
    expect(loaded.schema.tables.map((t) => t.name)).toEqual(['lim_t']);
    expect(loaded.server?.flavor).toBe('mariadb');
  });
});
