import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/config/index.js';
import { connectSingle } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import { isAppError } from '../../../src/errors/index.js';
import { parseServer } from '../../../src/migrate/index.js';
import {
  LEFTOVER_AGE_SECONDS,
  sandboxHosts,
  targetHost,
  WORKSPACE_PREFIX,
  type WorkspaceHost,
  withWorkspace,
} from '../../../src/migrate/workspace/index.js';
import { userUrl } from '../../../src/sandbox/index.js';
import { createScratchDatabases, type ScratchDatabases } from '../../harness/migrate.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';

let scratch: ScratchDatabases;
beforeAll(async () => {
  scratch = await createScratchDatabases('clinic_ws');
});
afterAll(async () => {
  await scratch?.drop();
});

const adminHost = (): WorkspaceHost => {
  const s = sandboxServers().gcp;
  return {
    label: 'sandbox gcp (admin)',
    connect: () =>
      connectSingle('gcp', parseConnectionUrl('admin', userUrl(s, 'admin')), {
        connectTimeoutMs: 3000,
        keepAliveMs: 0,
      }),
  };
};

const schemaNames = async (): Promise<string[]> => {
  const admin = await adminConnection(sandboxServers().gcp);
  try {
    const { rows } = await admin.query<{ n: string }>(
      sql`SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '\\_carepool\\_ws\\_%'`,
    );
    return rows.map((r) => r.n);
  } finally {
    await admin.close();
  }
};

describe('workspace on the real sandbox MariaDB', () => {
  it('creates a uniquely named database, runs DDL in it, introspects it and always drops it', async () => {
    let seen = '';
    const schema = await withWorkspace(adminHost(), async (ws) => {
      seen = ws.database;
      expect(ws.database.startsWith(WORKSPACE_PREFIX)).toBe(true);
      expect(ws.server.flavor).toBe('mariadb');
      await ws.exec([
        'CREATE TABLE a (id INT PRIMARY KEY, note VARCHAR(20))',
        'CREATE TABLE b (id INT PRIMARY KEY, a_id INT, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id))',
      ]);
      expect(await schemaNames()).toContain(ws.database);
      return ws.introspect();
    });
    expect(schema.tables.map((t) => t.name)).toEqual(['a', 'b']);
    expect(schema.tables[1]?.foreignKeys[0]?.refTable).toBe('a');
    expect(await schemaNames()).not.toContain(seen);
  });

  it('drops the workspace when fn throws, and reports a failed statement with its number', async () => {
    let seen = '';
    const error = await withWorkspace(adminHost(), async (ws) => {
      seen = ws.database;
      await ws.exec(['CREATE TABLE a (id INT PRIMARY KEY)', 'CREATE TABLE a (id INT)'], 'x.sql');
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_MIGRATE_WORKSPACE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/x\.sql: statement 2 failed/);
    expect(await schemaNames()).not.toContain(seen);
  });

  it('refuses to introspect a workspace holding rows', async () => {
    const error = await withWorkspace(adminHost(), async (ws) => {
      await ws.exec([
        'CREATE TABLE a (id INT PRIMARY KEY)',
        'CREATE TABLE b (id INT)',
        'INSERT INTO b VALUES (1)',
      ]);
      return ws.introspect();
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_MIGRATE_WORKSPACE_NOT_EMPTY')).toBe(true);
    expect((error as Error).message).toMatch(/rows in b/);
  });

  it('a user without CREATE DATABASE gets a coded error with the GRANT hint; the sandbox is the fallback', async () => {
    const denied = await withWorkspace(targetHost(scratch.registry.get('gcp')), async () => 1).catch(
      (e: unknown) => e,
    );
    expect(isAppError(denied, 'CAREPOOL_MIGRATE_WORKSPACE_DENIED')).toBe(true);
    expect((denied as { hint: string }).hint).toMatch(/GRANT ALL ON/);
    const notes: string[] = [];
    const hosts = [targetHost(scratch.registry.get('gcp')), adminHost()];
    const used = await withWorkspace(hosts, async (ws) => ws.host, { onNote: (m) => notes.push(m) });
    expect(used).toBe('sandbox gcp (admin)');
    expect(notes.join('\n')).toMatch(/target gcp: no CREATE DATABASE grant/);
  });

  it('refuses a server of another flavor or version with the list of what is available', async () => {
    const error = await withWorkspace(adminHost(), async () => 1, {
      server: parseServer('mysql:8.0') ?? { flavor: 'mysql', version: [8, 0, 0] },
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'CAREPOOL_MIGRATE_WORKSPACE_NO_SERVER')).toBe(true);
    expect((error as Error).message).toMatch(/mariadb 1\d\.\d+/);
  });

  it('sandboxHosts finds the running sandbox servers with their versions', async () => {
    const { inject } = await import('vitest');
    const hosts = await sandboxHosts(inject('sandboxHome'), inject('sandbox'));
    expect(hosts.map((h) => h.label).sort()).toEqual(
      expect.arrayContaining(['sandbox azure', 'sandbox gcp']),
    );
    expect(hosts.every((h) => h.server?.flavor === 'mariadb')).toBe(true);
  });

  it('drops leftovers older than an hour, keeps younger ones and ones holding rows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = `${WORKSPACE_PREFIX}${(now - LEFTOVER_AGE_SECONDS - 60).toString(36)}_deadbeef`;
    const oldFull = `${WORKSPACE_PREFIX}${(now - LEFTOVER_AGE_SECONDS - 60).toString(36)}_feedf00d`;
    const young = `${WORKSPACE_PREFIX}${(now - 60).toString(36)}_cafebabe`;
    const admin = await adminConnection(sandboxServers().gcp);
    try {
      for (const n of [old, oldFull, young]) await admin.query(sql.raw(`CREATE DATABASE \`${n}\``));
      await admin.query(sql.raw(`CREATE TABLE \`${oldFull}\`.t (id INT)`));
      await admin.query(sql.raw(`INSERT INTO \`${oldFull}\`.t VALUES (1)`));
      const notes: string[] = [];
      await withWorkspace(adminHost(), async () => undefined, { onNote: (m) => notes.push(m) });
      const left = await schemaNames();
      expect(left).not.toContain(old);
      expect(left).toContain(young);
      expect(left).toContain(oldFull);
      expect(notes.join('\n')).toMatch(new RegExp(`kept ${oldFull}`));
    } finally {
      for (const n of [old, oldFull, young]) await admin.query(sql.raw(`DROP DATABASE IF EXISTS \`${n}\``));
      await admin.close();
    }
  });

  it('keeps workspace DDL out of the binary log; a user who may not turn it off still gets a workspace', async () => {
    const admin = await adminConnection(sandboxServers().gcp);
    // Events of every binary log file of the server that name `database`.
    const logged = async (database: string) => {
      let n = 0;
      const logs = await admin.query<{ Log_name: string }>(sql.raw('SHOW BINARY LOGS'));
      for (const { Log_name: file } of logs.rows) {
        const { rows } = await admin.query<{ Info?: string }>(sql`SHOW BINLOG EVENTS IN ${file}`);
        n += rows.filter((r) => String(r.Info ?? '').includes(database)).length;
      }
      return n;
    };
    const ddl = ['CREATE TABLE a (id INT PRIMARY KEY)', 'ALTER TABLE a ADD COLUMN b INT NULL'];
    const user = `ws_limited_${process.pid}`;
    const password = `pw_${Date.now().toString(36)}`;
    try {
      const unlogged = await withWorkspace(adminHost(), async (ws) => {
        await ws.exec(ddl);
        return ws.database;
      });
      expect(await logged(unlogged)).toBe(0);
      // CREATE/DROP on workspace databases only: no SUPER, no BINLOG ADMIN, so sql_log_bin stays on.
      await admin.query(sql.raw(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`));
      await admin.query(
        sql.raw(
          `GRANT CREATE, DROP, ALTER, INDEX, REFERENCES, SELECT ON \`\\_carepool\\_ws\\_%\`.* TO '${user}'@'%'`,
        ),
      );
      const s = sandboxServers().gcp;
      const url = userUrl(s, 'admin')
        .replace(/\/\/[^@]+@/, `//${user}:${password}@`)
        .replace(`/${s.database}?`, '/information_schema?');
      const limited: WorkspaceHost = {
        label: 'limited user',
        connect: () =>
          connectSingle('gcp', parseConnectionUrl('limited', url), {
            connectTimeoutMs: 3000,
            keepAliveMs: 0,
          }),
      };
      const { database, schema } = await withWorkspace(limited, async (ws) => {
        await ws.exec(ddl);
        return { database: ws.database, schema: await ws.introspect({ tablesOnly: true }) };
      });
      expect(schema.tables.map((t) => t.columns.map((c) => c.name))).toEqual([['id', 'b']]);
      // The refusal was ignored: that workspace was logged as before.
      expect(await logged(database)).toBeGreaterThan(0);
    } finally {
      await admin.query(sql.raw(`DROP USER IF EXISTS '${user}'@'%'`));
      await admin.close();
    }
  });
});
