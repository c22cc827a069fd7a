import dns from 'node:dns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSpec } from '../../src/config/index.js';
import { PoolClient } from '../../src/db/client.js';
import { openConnection } from '../../src/db/driver.js';
import { wrapDriverError } from '../../src/db/errors.js';
import { createKysely } from '../../src/db/kysely.js';
import { Pool } from '../../src/db/pool/pool.js';
import { isIdempotentRead } from '../../src/db/pool/retry.js';
import { sql } from '../../src/db/sql.js';
import { tlsPlan } from '../../src/db/tls.js';
import { isAppError } from '../../src/errors/index.js';
import { adminConnection, sandboxServers } from '../harness/targets.js';
import { createTestUser } from '../harness/users.js';

/**
 * Failover behaviour of the pool (issue 18 item 5): managed failover moves the primary by DNS, so every new
 * connection must resolve the name again (and pooled ones must not live forever); a read that loses its
 * connection runs once more on a fresh one, a write never does.
 */
const NAME = 'primary.carepool.test';

/** Where NAME points now; the test's resolver answers from this, like a DNS record with TTL 0. */
let record: string | undefined = '127.0.0.1';
let lookups = 0;
const realLookup = dns.lookup;

function fakeDns(): void {
  // net.connect resolves through dns.lookup on every connect (Node keeps no cache of its own): count the
  // calls and answer NAME from `record`; every other name goes to the real resolver.
  (dns as { lookup: unknown }).lookup = (
    host: string,
    options: unknown,
    callback: (...args: unknown[]) => void,
  ) => {
    const cb = typeof options === 'function' ? (options as typeof callback) : callback;
    const all = typeof options === 'object' && (options as { all?: boolean } | null)?.all === true;
    if (host !== NAME) return (realLookup as (...a: unknown[]) => void)(host, options, callback);
    lookups++;
    if (record === undefined) {
      process.nextTick(cb, Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    } else if (all) process.nextTick(cb, null, [{ address: record, family: 4 }]);
    else process.nextTick(cb, null, record, 4);
  };
}

let testUser: Awaited<ReturnType<typeof createTestUser>>;
let spec: ConnectionSpec;
beforeAll(async () => {
  testUser = await createTestUser(sandboxServers().gcp);
  spec = { ...testUser.spec, host: NAME };
  fakeDns();
});
afterEach(() => {
  record = '127.0.0.1';
});
afterAll(async () => {
  (dns as { lookup: unknown }).lookup = realLookup;
  await testUser?.drop();
});

const open = () => openConnection(spec, { connectTimeoutMs: 3000, keepAliveMs: 1000, tls: tlsPlan(spec) });

function makePool(maxLifetimeMs = 1_800_000): Pool {
  const ctx = {
    target: 'failover',
    host: spec.host,
    port: spec.port,
    user: spec.user,
    password: spec.password,
  };
  return new Pool({
    name: 'failover',
    max: 4,
    min: 0,
    connectTimeoutMs: 3000,
    acquireTimeoutMs: 3000,
    idleTimeoutMs: 0,
    maxLifetimeMs,
    keepAliveMs: 1000,
    validationIdleMs: 500,
    leakDetectionMs: 0,
    housekeepingMs: 100,
    open,
    wrapError: (e) => wrapDriverError(e, ctx),
  });
}

describe('failover: DNS is resolved again for every new connection', () => {
  it('each connect looks the name up (no cache in Node or mysql2), and follows the record when it moves', async () => {
    const before = lookups;
    for (let i = 0; i < 3; i++) (await open()).destroy();
    expect(lookups - before).toBe(3);
    // The old primary's name stops resolving (or points nowhere): connects fail by name...
    record = undefined;
    const failed = await open().then(
      () => undefined,
      (e: unknown) =>
        wrapDriverError(e, { target: 'failover', host: NAME, port: spec.port, user: spec.user }),
    );
    expect(failed?.code).toBe('CAREPOOL_DB_HOST_NOT_FOUND');
    // ...and the first connect after the record moves reaches the server it names now.
    record = '127.0.0.1';
    const conn = await open();
    expect((await conn.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    conn.destroy();
  });

  it('a pooled connection retires at the max lifetime, so even a busy pool re-resolves the name', async () => {
    const pool = makePool(1000);
    const client = new PoolClient(pool);
    try {
      await client.query(sql`SELECT 1`);
      const start = lookups;
      const first = pool.stats().created;
      // Keep the pool busy for 2.5 lifetimes: its connection never idles out, it retires.
      const until = Date.now() + 2500;
      while (Date.now() < until) await client.query(sql`SELECT 1`);
      expect(pool.stats().created - first).toBeGreaterThanOrEqual(2);
      expect(lookups - start).toBe(pool.stats().created - first);
    } finally {
      await pool.close(1000);
    }
  });
});

describe('failover: a read that loses its connection is retried once on a fresh one; writes never', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = makePool();
  });
  afterAll(async () => {
    await pool.close(1000);
  });

  /** Runs `statement`; once the server shows it running, KILLs that connection from the admin side. */
  async function underKill<T>(
    marker: string,
    run: () => Promise<T>,
  ): Promise<{ result?: T; error?: unknown; killed: number }> {
    const admin = await adminConnection(sandboxServers().gcp);
    try {
      const running = run().then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      let killed = 0;
      for (let i = 0; i < 100 && killed === 0; i++) {
        const { rows } = await admin.query<{ id: number }>(
          sql`SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ${testUser.user} AND INFO LIKE ${`%${marker}%`}`,
        );
        if (rows[0]) {
          killed = Number(rows[0].id);
          await admin.query(sql`KILL CONNECTION ${sql.raw(String(killed))}`);
        } else await new Promise((r) => setTimeout(r, 20));
      }
      return { ...(await running), killed };
    } finally {
      await admin.close();
    }
  }

  it('retries a plain read (sql tag and Kysely) on a new connection and answers', async () => {
    const client = new PoolClient(pool);
    const viaTag = await underKill('retry-tag', () =>
      client.query<{ id: number }>(sql`SELECT /* retry-tag */ CONNECTION_ID() AS id, SLEEP(1) AS s`),
    );
    expect(viaTag.error).toBeUndefined();
    expect(viaTag.killed).toBeGreaterThan(0);
    expect(Number(viaTag.result?.rows[0]?.id)).not.toBe(viaTag.killed);

    const db = createKysely<Record<string, never>>(pool);
    const viaKysely = await underKill('retry-kysely', async () => {
      const { rows } = await sql_raw(db, 'SELECT /* retry-kysely */ CONNECTION_ID() AS id, SLEEP(1) AS s');
      return rows;
    });
    expect(viaKysely.error).toBeUndefined();
    expect(Number((viaKysely.result?.[0] as { id?: number } | undefined)?.id)).not.toBe(viaKysely.killed);
  });

  it('does not retry a write or a locking read: the caller gets CAREPOOL_DB_CONNECTION_LOST', async () => {
    const client = new PoolClient(pool);
    // Any statement that is not a plain read (here DO, as a stand-in for a write that is under way).
    const write = await underKill('no-retry-write', () =>
      client.query(sql`DO /* no-retry-write */ SLEEP(1)`),
    );
    expect(isAppError(write.error) && write.error.code).toBe('CAREPOOL_DB_CONNECTION_LOST');
    expect(isIdempotentRead('SELECT * FROM patients FOR UPDATE')).toBe(false);
    expect(isIdempotentRead('SELECT GET_LOCK("x", 1)')).toBe(false);
    expect(isIdempotentRead('/* c */ select 1')).toBe(true);
    expect(isIdempotentRead('INSERT INTO t SELECT 1')).toBe(false);
  });
});

async function sql_raw(
  db: ReturnType<typeof createKysely<Record<string, never>>>,
  text: string,
): Promise<{ rows: unknown[] }> {
  const { CompiledQuery } = await import('kysely');
  return db.executeQuery(CompiledQuery.raw(text, []));
}
