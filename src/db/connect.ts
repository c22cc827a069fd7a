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
  return client;
}
