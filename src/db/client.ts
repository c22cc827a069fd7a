import type { QueryResult } from './driver.js';
import type { Pool, PooledConnection } from './pool/pool.js';
import { isConnectionLost, isIdempotentRead } from './pool/retry.js';
import type { SqlQuery } from './sql.js';

/**
 * The small port every capability uses to talk to a database: statements built with the `sql` tag, and
 * transactions. Services depend on this, never on the driver.
 */
export interface SqlClient {
  query<Row = Record<string, unknown>>(q: SqlQuery): Promise<QueryResult<Row>>;
  /** Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}

/** A {@link SqlClient} bound to one borrowed connection. */
export class ConnectionClient implements SqlClient {
  readonly #conn: PooledConnection;

  constructor(conn: PooledConnection) {
    this.#conn = conn;
  }

  query<Row>(q: SqlQuery): Promise<QueryResult<Row>> {
    return this.#conn.query<Row>(q.text, q.values);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return runTransaction(this.#conn, fn);
  }
}

/** A {@link SqlClient} over a pool: each query borrows a connection for just that statement. */
export class PoolClient implements SqlClient {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async query<Row>(q: SqlQuery): Promise<QueryResult<Row>> {
    const run = () => this.#pool.withConnection((conn) => conn.query<Row>(q.text, q.values));
    try {
      return await run();
    } catch (error) {
      // A read that lost its connection (failover, restart) runs once more on a fresh one; writes never.
      if (!isConnectionLost(error) || !isIdempotentRead(q.text)) throw error;
      return run();
    }
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const conn = await this.#pool.acquire('transaction');
    try {
      return await runTransaction(conn, fn);
    } finally {
      conn.release();
    }
  }
}

async function runTransaction<T>(conn: PooledConnection, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  await conn.query('BEGIN');
  let result: T;
  try {
    result = await fn(new ConnectionClient(conn));
  } catch (error) {
    try {
      await conn.query('ROLLBACK');
    } catch {
      // The connection broke; the server rolls back on disconnect. Do not lend it out again.
      conn.discard();
    }
    throw error;
  }
  try {
    await conn.query('COMMIT');
  } catch (error) {
    // A failed COMMIT leaves the outcome unknown to us: never reuse that session.
    conn.discard();
    throw error;
  }
  return result;
}
