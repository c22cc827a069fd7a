import { isAppError } from '../../errors/index.js';

/** A statement that only reads: SELECT, SHOW or WITH … SELECT (leading comments allowed). */
const READ = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(?:select|show|with)\b/i;
/** Reads that lock rows, write files or variables, or change session state are not safe to repeat. */
const NOT_IDEMPOTENT =
  /\bfor\s+update\b|\bfor\s+share\b|\block\s+in\s+share\s+mode\b|\binto\s+(?:outfile|dumpfile|@)|\b(?:get_lock|release_lock|release_all_locks|nextval|setval|last_insert_id|master_gtid_wait|wait_for_executed_gtid_set)\s*\(/i;

/**
 * True for a statement that may run twice with no effect beyond the first run: a plain read. Used to retry
 * a read once on a fresh connection after the connection was lost (a failover, a server restart, a load
 * balancer dropping the flow). Writes are never retried here: a lost connection can follow a COMMIT that
 * already happened (research/scale-out.md §2); the HTTP layer's Idempotency-Key covers those.
 */
export function isIdempotentRead(sql: string): boolean {
  return READ.test(sql) && !NOT_IDEMPOTENT.test(sql);
}

/** True for the error of a connection that died under a statement (not a timeout, not a refused connect). */
export function isConnectionLost(error: unknown): boolean {
  return isAppError(error) && error.code === 'CAREPOOL_DB_CONNECTION_LOST';
}
