/**
 * carepool's library API: the CLI and the web app both call these, and so can other programs.
 */
export * from './config/index.js';
export { ConnectionClient, PoolClient, type SqlClient } from './db/client.js';
export { connectSingle, type SingleConnection } from './db/connect.js';
export type { Database } from './db/database.js';
export type { QueryResult } from './db/driver.js';
export { wrapDriverError } from './db/errors.js';
export { PoolMetrics } from './db/pool/metrics.js';
export { ObserverHub, type PoolObserver } from './db/pool/observer.js';
export { Pool, type PooledConnection, type PoolStats } from './db/pool/pool.js';
export { isIdent, type SqlQuery, sql } from './db/sql.js';
export { type Target, TargetRegistry } from './db/targets.js';
export * from './errors/index.js';
export * from './schema/index.js';
