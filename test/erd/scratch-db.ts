import { randomBytes } from 'node:crypto';
import { parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { diffSchemas } from '../../src/migrate/diff/diff-schemas.js';
import { EMPTY_SCHEMA } from '../../src/migrate/ops/apply-ops.js';
import { renderOps } from '../../src/migrate/render/render-op.js';
import { parseServer } from '../../src/migrate/server.js';
import type { ServerState } from '../../src/sandbox/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import type { Schema } from '../../src/schema/index.js';
import { adminConnection } from '../harness/targets.js';

/** A private database on a sandbox server, migrated to a schema by the migration engine's own DDL. */
export interface ScratchDb {
  readonly database: string;
  /** The admin URL pointing at the scratch database (the app user has no grants there). */
  readonly url: string;
  /** Runs one statement in the scratch database. */
  exec(text: string): Promise<void>;
  drop(): Promise<void>;
}

/**
 * Creates `erd_<random>` and applies the CREATE TABLE statements the migration engine renders for
 * `schema` from an empty database: what `migrate up` would run, without touching the shared `clinic`.
 */
export async function migratedScratchDb(server: ServerState, schema: Schema): Promise<ScratchDb> {
  const database = `erd_${randomBytes(4).toString('hex')}`;
  const admin = await adminConnection(server);
  try {
    await admin.query(
      sql`CREATE DATABASE ${sql.ident(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.close();
  }
  const url = userUrl(server, 'admin').replace(`/${server.database}?`, `/${database}?`);
  const exec = async (text: string) => {
    const conn = await connectSingle(server.name, parseConnectionUrl('scratch', url), {
      connectTimeoutMs: 3000,
      keepAliveMs: 0,
    });
    try {
      await conn.query(sql.raw(text));
    } finally {
      await conn.close();
    }
  };
  const info = parseServer(server.version, server.flavor);
  if (info === undefined) throw new Error(`cannot parse server version ${server.version}`);
  const { statements } = renderOps(diffSchemas(EMPTY_SCHEMA, schema), info, EMPTY_SCHEMA);
  for (const s of statements) await exec(s.sql);
  return {
    database,
    url,
    exec,
    async drop() {
      const a = await adminConnection(server);
      try {
        await a.query(sql`DROP DATABASE IF EXISTS ${sql.ident(database)}`);
      } finally {
        await a.close();
      }
    },
  };
}

/**
 * Creates `erd_<random>` and runs `statements` in it on one connection with foreign-key checks off, so a
 * corpus dump (Sakila) loads whatever order its tables come in.
 */
export async function sqlScratchDb(server: ServerState, statements: readonly string[]): Promise<ScratchDb> {
  const db = await migratedScratchDb(server, EMPTY_SCHEMA);
  const conn = await connectSingle(server.name, parseConnectionUrl('scratch', db.url), {
    connectTimeoutMs: 3000,
    keepAliveMs: 0,
  });
  try {
    await conn.query(sql.raw('SET SESSION foreign_key_checks = 0'));
    for (const s of statements) await conn.query(sql.raw(s));
  } finally {
    await conn.close();
  }
  return db;
}
