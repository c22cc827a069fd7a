import type { ConnectionSpec } from '../config/index.js';
import type { SingleConnection } from '../db/connect.js';
import type { Target } from '../db/targets.js';
import { connectHealthy } from '../galera/dedicated.js';

/**
 * One dedicated session on a target for the move commands: a snapshot reader on the source, a loader on
 * the destination. It runs as the migrator user when the target has one (copy creates tables, and the
 * snapshot locks need LOCK TABLES / RELOAD, which the app user lacks), and it may answer the target's
 * `LOAD DATA LOCAL INFILE` requests with streams carepool offered (src/db/infile.ts), never files.
 */
export interface MoveSession extends SingleConnection {
  readonly target: string;
}

/** The connection settings a move session of `target` uses (the migrator URL, else the app URL). */
export function moveSpec(target: Target): ConnectionSpec {
  return target.config.migrateUrl ?? target.config.url;
}

/**
 * Opens a {@link MoveSession} on `target` with its connect timeout, keepalive and TLS settings; on a
 * multi-host URL, on the first healthy host (src/galera/dedicated.ts), not blindly the first one, or on
 * `at` (one host of it, from healthyHost) to keep several sessions on one node.
 */
export async function openMoveSession(target: Target, at?: ConnectionSpec): Promise<MoveSession> {
  const conn = await connectHealthy(target.name, at ?? moveSpec(target), target.config.pool, {
    infile: true,
    urlVariable: `CAREPOOL_TARGET_${target.name.toUpperCase()}_URL`,
  });
  return Object.assign(conn, { target: target.name });
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
