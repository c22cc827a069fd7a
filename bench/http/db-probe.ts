/**
 * What the database saw during one HTTP run, through an admin connection: statements executed (global
 * `Questions`, minus the probe's own), audit rows written, the server process's CPU time, and how many
 * connections the candidate's database user held (sampled from the process list).
 */
import { randomBytes } from 'node:crypto';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { treeCpuMs } from '../lib/proc.js';

/** Counters at one instant. */
export interface DbCounters {
  readonly questions: number;
  readonly auditMaxId: number;
  readonly dbCpuMs: number;
}

/** See the module comment. */
export class DbProbe {
  readonly #conn: Connection;
  readonly #mysqldPid: number;
  readonly #url: URL;
  #own = 0;

  private constructor(conn: Connection, mysqldPid: number, url: URL) {
    this.#conn = conn;
    this.#mysqldPid = mysqldPid;
    this.#url = url;
  }

  /** Connects as the sandbox's admin user. */
  static async open(adminUrl: string, mysqldPid: number): Promise<DbProbe> {
    const url = new URL(adminUrl);
    const conn = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    });
    return new DbProbe(conn, mysqldPid, url);
  }

  async #query<T extends RowDataPacket[]>(text: string, params: unknown[] = []): Promise<T> {
    this.#own++;
    const [rows] = await this.#conn.query<T>(text, params);
    return rows;
  }

  /**
   * Creates a database user with the app user's rights (DML on the benchmark database) and returns its
   * plain-TCP URL, so each candidate's connections show up under its own name.
   */
  async createAppUser(name: string): Promise<string> {
    const password = randomBytes(12).toString('hex');
    const db = this.#url.pathname.slice(1);
    await this.#query(`CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?`, [name, password]);
    await this.#query(`ALTER USER ?@'%' IDENTIFIED BY ?`, [name, password]);
    await this.#query(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${db}\`.* TO ?@'%'`, [name]);
    return `mysql://${name}:${password}@${this.#url.hostname}:${this.#url.port}/${db}?ssl-mode=DISABLED`;
  }

  /** Current counters; `questions` excludes every statement this probe sent, this one included. */
  async counters(): Promise<DbCounters> {
    const status = await this.#query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
    const audit = await this.#query<RowDataPacket[]>('SELECT COALESCE(MAX(id), 0) AS n FROM carepool_audit');
    return {
      questions: Number(status[0]?.Value ?? 0) - this.#own,
      auditMaxId: Number(audit[0]?.n ?? 0),
      dbCpuMs: treeCpuMs(this.#mysqldPid),
    };
  }

  /** Samples `user`'s open connections every 200 ms until `stop`, which resolves with the maximum seen. */
  watchConnections(user: string): { stop(): Promise<number> } {
    let max = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const rows = await this.#query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?',
          [user],
        ).catch(() => []);
        max = Math.max(max, Number(rows[0]?.n ?? 0));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        return max;
      },
    };
  }

  async close(): Promise<void> {
    await this.#conn.end();
  }
}
