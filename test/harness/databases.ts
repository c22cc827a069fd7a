import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type ServerState, userUrl } from '../../src/sandbox/index.js';
import { adminConnection, sandboxServers } from './targets.js';

/** A private database with the same name on both sandbox servers, and a registry pointing at it. */
export interface ScratchDatabases {
  readonly name: string;
  /** App user for queries, admin as the migrator (it may create tables in the scratch database). */
  readonly registry: TargetRegistry;
  drop(): Promise<void>;
}

const onDatabase = (url: string, db: string) => url.replace('/clinic?', `/${db}?`);

/**
 * Creates an empty database on both sandbox servers (so a test can migrate, seed or reset without touching
 * the shared `clinic` database other test files use), grants the app user DML on it, and returns a registry.
 */
export async function scratchDatabases(
  prefix: string,
  extraEnv: Record<string, string> = {},
): Promise<ScratchDatabases> {
  const name = `${prefix}_${randomBytes(3).toString('hex')}`;
  const servers = Object.values(sandboxServers());
  const each = async (
    fn: (server: ServerState, admin: Awaited<ReturnType<typeof adminConnection>>) => Promise<unknown>,
  ) =>
    Promise.all(
      servers.map(async (server) => {
        const admin = await adminConnection(server);
        try {
          await fn(server, admin);
        } finally {
          await admin.close();
        }
      }),
    );
  await each(async (server, admin) => {
    await admin.query(sql`CREATE DATABASE ${sql.ident(name)}`);
    await admin.query(
      sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ${sql.ident(name)}.* TO ${sql.raw(`'${server.users.app.user}'@'%'`)}`,
    );
  });
  const env: Record<string, string> = { CAREPOOL_TARGETS: servers.map((s) => s.name).join(','), ...extraEnv };
  for (const s of servers) {
    const prefixVar = `CAREPOOL_TARGET_${s.name.toUpperCase()}_`;
    env[`${prefixVar}URL`] = onDatabase(userUrl(s, 'app'), name);
    env[`${prefixVar}MIGRATE_URL`] = onDatabase(userUrl(s, 'admin'), name);
  }
  const registry = new TargetRegistry(loadConfig({ env, dotenv: false, cwd: inject('sandboxHome') }));
  return {
    name,
    registry,
    async drop() {
      await registry.close();
      await each((_server, admin) => admin.query(sql`DROP DATABASE IF EXISTS ${sql.ident(name)}`));
    },
  };
}
