import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { SqlClient } from './client.js';
import type { QueryResult as DriverResult } from './driver.js';
import type { Pool, PooledConnection } from './pool/pool.js';
import { isConnectionLost, isIdempotentRead } from './pool/retry.js';
import type { SqlQuery } from './sql.js';

/**
 * Kysely on top of carepool's own pool, so typed queries get the acquire timeout, validation, metrics and
 * error wrapping of ./pool. Kysely's MysqlDialect would want a mysql2 pool, which has none of those.
 */
export function createKysely<DB>(pool: Pool): Kysely<DB> {
  const dialect: Dialect = {
    createAdapter: () => new MysqlAdapter(),
    createDriver: () => new PoolDriver(pool),
    createIntrospector: (db) => new MysqlIntrospector(db),
    createQueryCompiler: () => new MysqlQueryCompiler(),
  };
  return new Kysely<DB>({ dialect });
}

class PoolConnection implements DatabaseConnection {
  lease: PooledConnection;
  /** Inside BEGIN … COMMIT: a lost connection took the transaction with it, so nothing is retried. */
  inTransaction = false;
  readonly #pool: Pool;

  constructor(lease: PooledConnection, pool: Pool) {
    this.lease = lease;
    this.#pool = pool;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    let result: DriverResult<R>;
    try {
      result = await this.lease.query<R>(compiled.sql, compiled.parameters);
    } catch (error) {
      // A read that lost its connection (failover, restart) runs once more on a fresh one.
      if (this.inTransaction || !isConnectionLost(error) || !isIdempotentRead(compiled.sql)) throw error;
      this.lease.discard();
      this.lease = await this.#pool.acquire('kysely retry');
      result = await this.lease.query<R>(compiled.sql, compiled.parameters);
    }
    return {
      rows: result.rows,
      ...(result.rows.length === 0 && result.affectedRows + result.insertId > 0
        ? { numAffectedRows: BigInt(result.affectedRows), insertId: BigInt(result.insertId) }
        : result.rows.length === 0
          ? { numAffectedRows: BigInt(result.affectedRows) }
          : {}),
    };
  }

  // Streaming is not offered; callers page with cursors instead.
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported by carepool; page with cursors instead');
  }
}

class PoolDriver implements Driver {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PoolConnection(await this.#pool.acquire('kysely'), this.#pool);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel) {
      await connection.executeQuery(
        CompiledQuery.raw(`set transaction isolation level ${settings.isolationLevel}`),
      );
    }
    await connection.executeQuery(CompiledQuery.raw('begin'));
    (connection as PoolConnection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PoolConnection).inTransaction = false;
    (connection as PoolConnection).lease.release();
  }

  // The pool's lifetime belongs to the target registry, not to Kysely.
  async destroy(): Promise<void> {}
}

/**
 * The {@link SqlClient} port over a Kysely transaction (or connection), so helpers written against the port
 * (idempotency keys, audit) can join a typed query's transaction.
 */
export function sqlClientOf<DB>(db: Kysely<DB>): SqlClient {
  const client: SqlClient = {
    async query<Row>(q: SqlQuery): Promise<DriverResult<Row>> {
      const r = await db.executeQuery<Row>(CompiledQuery.raw(q.text, [...q.values]));
      return {
        rows: r.rows,
        affectedRows: Number(r.numAffectedRows ?? 0),
        insertId: Number(r.insertId ?? 0),
      };
    },
    // Already inside the caller's transaction: nested work joins it.
    transaction: (fn) => fn(client),
  };
  return client;
}
