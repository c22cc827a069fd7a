import type { ConnectionSpec } from '../config/index.js';
import type { SqlClient } from '../db/client.js';
import { type QueryResult, type RawConnection, openConnection } from '../db/driver.js';
import { wrapDriverError } from '../db/errors.js';
import { infileStream } from '../db/infile.js';
import { type SqlQuery, sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import { tlsPlan } from '../db/tls.js';

/**
 * One dedicated session on a target for the move commands: a snapshot reader on the source, a loader on
 * the destination. It runs as the migrator user when the target has one (copy creates tables, and the
 * snapshot locks need LOCK TABLES / RELOAD, which the app user lacks), and it may answer the target's
 * `LOAD DATA LOCAL INFILE` requests with streams carepool offered (src/db/infile.ts), never files.
 */
export interface MoveSession extends SqlClient {
  readonly target: string;
  readonly threadId: number;
  close(): Promise<void>;
  /** Drops the socket at once (a session whose state is unknown after an error). */
  destroy(): void;
}

/** The connection settings a move session of `target` uses (the migrator URL, else the app URL). */
export function moveSpec(target: Target): ConnectionSpec {
  return target.config.migrateUrl ?? target.config.url;
}

/** Opens a {@link MoveSession} on `target` with its connect timeout, keepalive and TLS settings. */
export async function openMoveSession(target: Target): Promise<MoveSession> {
  const spec = moveSpec(target);
  const ctx = {
    target: target.name,
    host: spec.host,
    port: spec.port,
    user: spec.user,
    password: spec.password,
  };
  let raw: RawConnection;
  try {
    raw = await openConnection(spec, {
      connectTimeoutMs: target.config.pool.connectTimeoutMs,
      keepAliveMs: target.config.pool.keepAliveMs,
      tls: tlsPlan(spec, `CAREPOOL_TARGET_${target.name.toUpperCase()}_URL`),
      infileStreamFactory: infileStream,
    });
  } catch (error) {
    throw wrapDriverError(error, ctx);
  }
  const session: MoveSession = {
    target: target.name,
    threadId: raw.threadId,
    async query<Row>(q: SqlQuery): Promise<QueryResult<Row>> {
      try {
        return await raw.query<Row>(q.text, q.values);
      } catch (error) {
        throw wrapDriverError(error, ctx);
      }
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      await session.query(sql`BEGIN`);
      try {
        const result = await fn(session);
        await session.query(sql`COMMIT`);
        return result;
      } catch (error) {
        await raw.query('ROLLBACK').catch(() => raw.destroy());
        throw error;
      }
    },
    close: () => raw.close(),
    destroy: () => raw.destroy(),
  };
  return session;
}

/** Runs `fn` with a fresh session on `target`, closing it afterwards (destroying it after an error). */
export async function withMoveSession<T>(target: Target, fn: (s: MoveSession) => Promise<T>): Promise<T> {
  const session = await openMoveSession(target);
  try {
    const result = await fn(session);
    await session.close();
    return result;
  } catch (error) {
    session.destroy();
    throw error;
  }
}
