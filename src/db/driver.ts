/**
 * The one file that imports the MySQL driver (mysql2). Everything else talks to {@link RawConnection}.
 *
 * Why mysql2: it is the driver the Cloud SQL Node.js connector supports (the mariadb connector is not), it is
 * the most used MySQL driver for Node, and bench/driver.ts measured it against the mariadb connector on the
 * queries carepool runs (docs/benchmarks.md). Its own pool is not used: it has no acquire timeout (#673), no
 * validation of idle connections (#683) and an inert idleTimeout (#2493), so ./pool/ implements those.
 */
import type { Readable } from 'node:stream';
import mysql, { type Connection, type FieldPacket, type ResultSetHeader, type TypeCast } from 'mysql2';
import type { ConnectionSpec } from '../config/index.js';
import { currentGtidCapture, gtidOfStateChanges } from './gtid.js';
import type { TlsPlan } from './tls.js';

/** The result of one statement. */
export interface QueryResult<Row> {
  /** Rows of a SELECT (empty for other statements). */
  readonly rows: Row[];
  /** Rows changed by INSERT/UPDATE/DELETE. */
  readonly affectedRows: number;
  /** AUTO_INCREMENT id of the first inserted row (0 when none). */
  readonly insertId: number;
}

/** A single open connection to a server. */
export interface RawConnection {
  /** The server's connection id (`CONNECTION_ID()`), used by KILL and PROCESSLIST. */
  readonly threadId: number;
  /** True once the connection saw a fatal error or was closed; it must not be reused. */
  readonly broken: boolean;
  /** True when the session is encrypted. */
  readonly tls: boolean;
  /** The version string the server sent in its greeting (MariaDB's contains "MariaDB"). */
  readonly serverVersion: string;
  /**
   * Runs one statement with `?` placeholders; values are escaped by the driver, never concatenated by us.
   * With `timeoutMs` > 0, a statement that has not answered by then is abandoned: the socket is destroyed
   * (the connection is broken from then on) and the promise rejects with code `CAREPOOL_STATEMENT_TIMEOUT`.
   * Stopping the query on the server is the caller's job (KILL over another connection).
   */
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    timeoutMs?: number,
  ): Promise<QueryResult<Row>>;
  /** A COM_PING round trip, failing after `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** Ends the session politely (COM_QUIT), destroying the socket if that takes longer than 1 s. */
  close(): Promise<void>;
  /** Drops the socket at once. */
  destroy(): void;
  /** Called once when the connection breaks while idle or in use. */
  onBroken(listener: (error: unknown) => void): void;
}

/** Options for {@link openConnection}. */
export interface OpenOptions {
  readonly connectTimeoutMs: number;
  readonly keepAliveMs: number;
  readonly tls: TlsPlan;
  /** Lets LOAD DATA LOCAL INFILE read from streams carepool provides (never from the file system). */
  readonly infileStreamFactory?: (path: string) => NodeJS.ReadableStream;
  /**
   * Lets one query text hold several statements (`;`-separated), answered in one round trip. Only for
   * dedicated connections that send carepool's own SQL (catalog reads); never for pooled ones.
   */
  readonly multipleStatements?: boolean;
}

// TINYINT(1) is MySQL's BOOLEAN: read it as a boolean, like the models declare it.
// Spatial values stay the server's bytes (SRID + WKB): mysql2 would parse them into {x, y} objects, which
// drop the SRID and cannot be written back (copy and sync failed with error 1416 on GEOMETRY columns).
const typeCast: TypeCast = (field, next) => {
  if (field.type === 'TINY' && field.length === 1) {
    const value = field.string();
    return value === null ? null : value === '1';
  }
  if (field.type === 'GEOMETRY') return field.buffer();
  return next();
};

/**
 * Opens one connection, bounded by `connectTimeoutMs` for TCP + TLS + authentication as a whole (enforced
 * here too, since the driver bounded only TCP + greeting before 3.23.3). With ssl-mode PREFERRED it tries
 * TLS and falls back to plain only when the server has no TLS, as the mysql client does.
 */
export async function openConnection(spec: ConnectionSpec, options: OpenOptions): Promise<RawConnection> {
  if (options.tls.mode === 'try') {
    try {
      return await connectOnce(spec, options, true);
    } catch (error) {
      if ((error as { code?: string }).code !== 'HANDSHAKE_NO_SSL_SUPPORT') throw error;
      return connectOnce(spec, options, false);
    }
  }
  return connectOnce(spec, options, options.tls.mode === 'on');
}

function connectOnce(spec: ConnectionSpec, options: OpenOptions, useTls: boolean): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const conn = mysql.createConnection({
      host: spec.host,
      port: spec.port,
      user: spec.user,
      password: spec.password.reveal(),
      database: spec.database,
      connectTimeout: options.connectTimeoutMs,
      enableKeepAlive: options.keepAliveMs > 0,
      keepAliveInitialDelay: options.keepAliveMs,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      multipleStatements: options.multipleStatements === true,
      // carepool sends text-protocol queries only (never `execute`): mysql2's default 16,000-entry
      // prepared-statement cache per connection cost ~0.9 ms of CPU to allocate on every connect.
      maxPreparedStatements: 1,
      // mysql2 asks for CLIENT_IGNORE_SPACE by default, which makes the server add IGNORE_SPACE to the
      // session's sql_mode. Triggers, routines and events store the creating session's sql_mode, so objects
      // carepool created would differ from the same DDL run by the mysql/mariadb clients (and diff as changed),
      // and IGNORE_SPACE turns function names into reserved words. Sessions get the server's own sql_mode.
      flags: ['-IGNORE_SPACE'],
      typeCast,
      ...(useTls && options.tls.options ? { ssl: { ...options.tls.options } } : {}),
      ...(options.infileStreamFactory
        ? {
            infileStreamFactory: options.infileStreamFactory as (path: string) => Readable,
          }
        : {}),
    });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      conn.destroy();
      reject(Object.assign(new Error('connect timeout'), { code: 'CAREPOOL_CONNECT_TIMEOUT' }));
    }, options.connectTimeoutMs);
    conn.once('connect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(new Mysql2Connection(conn, useTls));
    });
    conn.once('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.destroy();
      reject(error);
    });
  });
}

/** The code of the error {@link RawConnection.query} rejects with when its client-side timer fires. */
export const STATEMENT_TIMEOUT_CODE = 'CAREPOOL_STATEMENT_TIMEOUT';

class Mysql2Connection implements RawConnection {
  readonly threadId: number;
  readonly tls: boolean;
  readonly serverVersion: string;
  #broken = false;
  #listeners: ((error: unknown) => void)[] = [];
  readonly #conn: Connection;

  constructor(conn: Connection, tls: boolean) {
    this.#conn = conn;
    this.threadId = conn.threadId ?? 0;
    this.tls = tls;
    // mysql2 keeps the greeting on an internal field; its typings do not declare it.
    const greeting = (conn as unknown as { _handshakePacket?: { serverVersion?: string } })._handshakePacket;
    this.serverVersion = greeting?.serverVersion ?? '';
    // A server-side KILL, a restart or a dropped flow arrives here while the connection sits idle.
    conn.on('error', (error) => this.#markBroken(error));
    conn.on('end', () => this.#markBroken(new Error('connection ended by the server')));
  }

  get broken(): boolean {
    return this.#broken;
  }

  onBroken(listener: (error: unknown) => void): void {
    this.#listeners.push(listener);
  }

  #markBroken(error: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    for (const listener of this.#listeners) listener(error);
  }

  query<Row>(sql: string, params: readonly unknown[] = [], timeoutMs = 0): Promise<QueryResult<Row>> {
    // Read in the caller's async context: mysql2's callback runs in the socket's.
    const capture = currentGtidCapture();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          const error = Object.assign(
            new Error(`the statement did not answer within ${timeoutMs} ms; the connection was dropped`),
            { code: STATEMENT_TIMEOUT_CODE, timeoutMs },
          );
          this.#markBroken(error);
          this.#conn.destroy();
          reject(error);
        }, timeoutMs);
      }
      this.#conn.query(
        sql,
        params as unknown[],
        (error: unknown, result: unknown, _fields?: FieldPacket[]) => {
          if (timedOut) return;
          if (timer !== undefined) clearTimeout(timer);
          if (error) {
            if ((error as { fatal?: boolean }).fatal) this.#markBroken(error);
            reject(error);
            return;
          }
          if (Array.isArray(result)) {
            resolve({ rows: result as Row[], affectedRows: 0, insertId: 0 });
          } else {
            const header = result as ResultSetHeader;
            if (capture !== undefined) {
              const gtid = gtidOfStateChanges((header as { stateChanges?: unknown }).stateChanges);
              if (gtid !== undefined) capture.last = gtid;
            }
            resolve({
              rows: [],
              affectedRows: header.affectedRows ?? 0,
              insertId: Number(header.insertId ?? 0),
            });
          }
        },
      );
    });
  }

  ping(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        this.#markBroken(new Error('ping timeout'));
        this.#conn.destroy();
        reject(Object.assign(new Error(`ping got no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      this.#conn.ping((error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) {
          this.#markBroken(error);
          reject(error);
        } else resolve();
      });
    });
  }

  close(): Promise<void> {
    this.#broken = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#conn.destroy();
        resolve();
      }, 1000);
      this.#conn.end(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  destroy(): void {
    this.#broken = true;
    this.#conn.destroy();
  }
}
