import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { type Chain, loadChain, migrateFleet } from '../../src/migrate/index.js';
import { type SandboxState, type ServerState, sandboxEnv, userUrl } from '../../src/sandbox/index.js';
import { adminConnection, sandboxServers } from './targets.js';

/** The project's migrations directory. */
export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');

/**
 * Migrates the `clinic` database of every sandbox server to head (idempotent, lock-protected). The global
 * setup calls it once per run; tests may call {@link ensureSchemaAtHead} again cheaply.
 */
export async function migrateSandboxToHead(state: SandboxState, home: string): Promise<void> {
  const registry = new TargetRegistry(loadConfig({ env: sandboxEnv(state), dotenv: false, cwd: home }));
  try {
    const results = await migrateFleet(registry.list(), { to: 'head', migrationsDir: MIGRATIONS_DIR });
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new Error(
        `migrating the sandbox to head failed: ${failed.map((r) => `${r.target}: ${r.error?.code} ${r.error?.message}`).join('; ')}`,
      );
    }
  } finally {
    await registry.close(1000);
  }
}

/** Makes sure the test sandbox's `clinic` databases are at head (for any test file). */
export async function ensureSchemaAtHead(): Promise<void> {
  await migrateSandboxToHead(inject('sandbox'), inject('sandboxHome'));
}

/** A private, empty database on both sandbox servers, reachable as targets `azure` and `gcp`. */
export interface ScratchDatabases {
  readonly name: string;
  readonly registry: TargetRegistry;
  /** The CAREPOOL_TARGETS / CAREPOOL_TARGET_* variables of that registry (for CLI runs). */
  readonly env: Readonly<Record<string, string>>;
  /** Drops the databases and closes the registry. */
  drop(): Promise<void>;
}

const swapDatabase = (url: string, db: string) => url.replace(/\/clinic\?/, `/${db}?`);

/**
 * Creates `clinic_m_<random>` on both sandbox servers with the admin user, grants the migrator DDL and the
 * app user DML on it, and returns a registry whose targets point at it.
 */
export async function createScratchDatabases(prefix = 'clinic_m'): Promise<ScratchDatabases> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const servers = sandboxServers();
  const all: ServerState[] = [servers.azure, servers.gcp];
  await Promise.all(
    all.map((s) =>
      withAdmin(s, async (admin) => {
        await admin.query(
          sql.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`),
        );
        await admin.query(
          sql.raw(
            `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, TRIGGER, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON \`${name}\`.* TO '${s.users.migrator.user}'@'%'`,
          ),
        );
        await admin.query(
          sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${name}\`.* TO '${s.users.app.user}'@'%'`),
        );
      }),
    ),
  );
  const env: Record<string, string> = { CAREPOOL_TARGETS: 'azure,gcp' };
  for (const s of all) {
    const prefixVar = `CAREPOOL_TARGET_${s.name.toUpperCase()}_`;
    env[`${prefixVar}URL`] = swapDatabase(userUrl(s, 'app'), name);
    env[`${prefixVar}MIGRATE_URL`] = swapDatabase(userUrl(s, 'migrator'), name);
  }
  const registry = new TargetRegistry(loadConfig({ env, dotenv: false, cwd: inject('sandboxHome') }));
  return {
    name,
    registry,
    env,
    async drop() {
      await registry.close(1000);
      await Promise.all(
        all.map((s) => withAdmin(s, (admin) => admin.query(sql.raw(`DROP DATABASE IF EXISTS \`${name}\``)))),
      );
    },
  };
}

async function withAdmin<T>(
  server: ServerState,
  fn: (admin: Awaited<ReturnType<typeof adminConnection>>) => Promise<T>,
): Promise<T> {
  const admin = await adminConnection(server);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/** The project's migration chain, loaded once per test file. */
let chainPromise: Promise<Chain> | undefined;
export function projectChain(): Promise<Chain> {
  chainPromise ??= loadChain(MIGRATIONS_DIR);
  return chainPromise;
}

/**
 * A temporary migrations directory holding copies of the project's migrations plus `extra` files
 * (name → source). Migration files import only types, so copies load anywhere.
 */
export async function tempMigrationsDir(
  extra: Record<string, string> = {},
): Promise<{ dir: string; remove(): Promise<void> }> {
  const { cp, mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'carepool-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, source] of Object.entries(extra)) await writeFile(join(dir, name), source);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
