import type { ConnectionSpec, PoolSettings } from '../config/index.js';
import type { SqlClient } from './client.js';
import type { QueryResult, RawConnection } from './driver.js';
import { openConnection } from './driver.js';
import { wrapDriverError } from './errors.js';
import { infileStream } from './infile.js';
import type { SqlQuery } from './sql.js';
import { tlsPlan } from './tls.js';

/** A single unpooled connection: migrations (lock + DDL), the doctor and admin tasks use it. */
export interface SingleConnection extends SqlClient {
  readonly threadId: number;
  readonly tls: boolean;
  close(): Promise<void>;
  /** Drops the socket at once (tests use it to simulate a crash). */
  destroy(): void;
  /**
   * Present only on a connection opened with `multipleStatements`: runs the statements in one round trip
   * and returns each one's rows, in order. A failing statement rejects the whole call (the ones before it
   * ran); use it for reads.
   */
  queryBatch?<Row = Record<string, unknown>>(queries: readonly SqlQuery[]): Promise<Row[][]>;
}

/** Opens one connection with the target's connect timeout, keepalive and TLS; errors are wrapped. */
export async function connectSingle(
  target: string,
  spec: ConnectionSpec,
  settings: Pick<PoolSettings, 'connectTimeoutMs' | 'keepAliveMs'>,
  options: {
    /** Answer the server's `LOAD DATA LOCAL INFILE` requests with streams carepool offered (./infile.ts). */
    readonly infile?: boolean;
    /** The variable TLS errors name (default: "the target URL"). */
    readonly urlVariable?: string;
    /** Adds {@link SingleConnection.queryBatch} (the session accepts several statements per query). */
    readonly multipleStatements?: boolean;
  } = {},
): Promise<SingleConnection> {
  const ctx = { target, host: spec.host, port: spec.port, user: spec.user, password: spec.password };
  let raw: RawConnection;
  try {
    raw = await openConnection(spec, {
      connectTimeoutMs: settings.connectTimeoutMs,
      keepAliveMs: settings.keepAliveMs,
      tls: tlsPlan(spec, options.urlVariable),
      ...(options.infile ? { infileStreamFactory: infileStream } : {}),
      ...(options.multipleStatements ? { multipleStatements: true } : {}),
    });
  } catch (error) {
    throw wrapDriverError(error, ctx);
  }
  const client: SingleConnection = {
    threadId: raw.threadId,
    tls: raw.tls,
    async query<Row>(q: SqlQuery): Promise<QueryResult<Row>> {
      try {
        return await raw.query<Row>(q.text, q.values);
      } catch (error) {
        throw wrapDriverError(error, ctx);
      }
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      await raw.query('BEGIN');
      try {
        const result = await fn(client);
        await raw.query('COMMIT');
        return result;
      } catch (error) {
        await raw.query('ROLLBACK').catch(() => raw.destroy());
        throw error;
      }
    },
    close: () => raw.close(),
    destroy: () => raw.destroy(),
  };
  if (!options.multipleStatements) return client;
  return {
    ...client,
    async queryBatch<Row>(queries: readonly SqlQuery[]): Promise<Row[][]> {
      if (queries.length === 0) return [];
      const text = queries.map((q) => q.text).join(';\n');
      const values = queries.flatMap((q) => q.values);
      try {
        const { rows } = await raw.query<unknown>(text, values);
        // One statement answers with its rows; several with one entry per statement (rows, or a header).
        const sets = queries.length === 1 ? [rows] : rows;
        return sets.map((set) => (Array.isArray(set) ? (set as Row[]) : []));
      } catch (error) {
        throw wrapDriverError(error, ctx);
      }
    },
  };
}
