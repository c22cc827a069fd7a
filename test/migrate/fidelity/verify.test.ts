import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { leaseVerification, verifiedPlan, verifyIn } from '../../../src/migrate/diff/verify.js';
import { dumpDatabase } from '../../../src/migrate/objects/dump.js';
import { diffSchemas, introspectSchema, renderOps, type ServerInfo } from '../../../src/migrate/index.js';
import { view } from '../../../src/schema/objects.js';
import { sandboxHosts, type WorkspaceHost } from '../../../src/migrate/workspace/index.js';
import { withWorkspace } from '../../../src/migrate/workspace/index.js';
import type { Schema } from '../../../src/schema/index.js';
import { SAKILA_TABLES } from './corpus.js';
import { dropAll, introspect, run, openScratchPair, type ScratchPair } from './live-helpers.js';

let pair: ScratchPair;
let a: SingleConnection;
let b: SingleConnection;
let dbA: string;
let dbB: string;
let server: ServerInfo;

beforeAll(async () => {
  pair = await openScratchPair('fid_ve');
  ({ a, b, dbA, dbB, server } = pair);
});
afterAll(() => pair?.close());

const hosts = () => sandboxHosts(inject('sandboxHome'), inject('sandbox'));

describe('every change is verified on a scratch copy before it is shown or applied', () => {
  it('Sakila: a change to film (SET member, BLOB widening, CHECK, comment) converges on a copy of the affected tables only', async () => {
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    const load = ['SET FOREIGN_KEY_CHECKS=0', ...SAKILA_TABLES, 'SET FOREIGN_KEY_CHECKS=1'];
    await Promise.all([run(a, load), run(b, load)]);
    await run(b, [
      "ALTER TABLE film MODIFY special_features SET('Trailers','Commentaries','Deleted Scenes','Behind the Scenes','Bloopers') DEFAULT NULL",
      "ALTER TABLE film ADD CONSTRAINT ck_length CHECK (length > 0), COMMENT='films'",
      'ALTER TABLE staff MODIFY picture MEDIUMBLOB',
    ]);
    const from = await introspect(a, dbA);
    const to = await introspect(b, dbB);
    const plan = await verifiedPlan(await hosts(), from, to, server);
    expect(plan.host).toMatch(/sandbox/);
    expect(plan.ops.map((o) => o.kind).sort()).toEqual(['alterColumn', 'alterColumn', 'alterTable']);
    // Only film and staff are copied (with FOREIGN_KEY_CHECKS=0 their FKs to language, store … load as is).
    expect(plan.tables).toEqual(['film', 'staff']);
    await run(
      a,
      plan.statements.map((s) => s.sql),
    );
    expect(diffSchemas(await introspect(a, dbA), to)).toEqual([]);
  });

  it('refuses statements that do not reach the desired schema, naming what still differs', async () => {
    await dropAll(a, dbA);
    await run(a, ['CREATE TABLE t (id INT NOT NULL PRIMARY KEY, note VARCHAR(10) NULL)']);
    const from = await introspect(a, dbA);
    const t = from.tables[0];
    if (!t) throw new Error('no table');
    const to: Schema = {
      tables: [
        { ...t, columns: t.columns.map((c) => (c.name === 'note' ? { ...c, comment: 'wanted' } : c)) },
      ],
    };
    // Statements for a different change (a wrong renderer would produce such): the re-diff is not empty.
    const wrong = renderOps(
      diffSchemas(from, { tables: [{ ...t, comment: 'something else' }] }),
      server,
      from,
    ).statements;
    await expect(
      withWorkspace(await hosts(), (ws) => verifyIn(ws, from, to, wrong, server), { server }),
    ).rejects.toMatchObject({ code: 'CAREPOOL_MIGRATE_NOT_CONVERGED', message: /alter column t\.note/ });
  });

  it('MariaDB: an SRID is read back (GEOMETRY_COLUMNS, SHOW CREATE hides it) and an SRID change converges', async () => {
    await dropAll(a, dbA);
    await run(a, [
      'CREATE TABLE g (id INT NOT NULL PRIMARY KEY, p POINT NOT NULL, q GEOMETRY REF_SYSTEM_ID=3857)',
    ]);
    const from = await introspect(a, dbA);
    const t = from.tables[0];
    if (!t) throw new Error('no table');
    expect(t.unsupported).toBeUndefined();
    expect(t.columns.find((c) => c.name === 'q')?.type).toEqual({ kind: 'geometry', srid: 3857 });
    expect(t.columns.find((c) => c.name === 'p')?.type).toEqual({ kind: 'point' });
    const to: Schema = {
      tables: [
        {
          ...t,
          columns: t.columns.map((c) => (c.name === 'p' ? { ...c, type: { kind: 'point', srid: 4326 } } : c)),
        },
      ],
    };
    const plan = await verifiedPlan(await hosts(), from, to, server);
    expect(plan.statements.map((st) => st.sql).join('\n')).toMatch(/`p` POINT REF_SYSTEM_ID=4326 NOT NULL/);
    await run(
      a,
      plan.statements.map((st) => st.sql),
    );
    expect(diffSchemas(await introspect(a, dbA), to)).toEqual([]);
    // A dump puts the SRIDs SHOW CREATE leaves out back in.
    const dump = await dumpDatabase(a, dbA, server, { source: 'g', definer: false });
    expect(dump).toContain('`p` point REF_SYSTEM_ID=4326 NOT NULL');
    expect(dump).toContain('`q` geometry REF_SYSTEM_ID=3857 DEFAULT NULL');
  });

  it('view and trigger changes are replayed on a copy of the tables they name and read back; unnormalised text is refused', async () => {
    await Promise.all([dropAll(a, dbA), dropAll(b, dbB)]);
    const schema = (plus: number, cols: string) => [
      'DROP VIEW IF EXISTS v',
      'CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a INT NOT NULL)',
      'CREATE TABLE other (id INT NOT NULL PRIMARY KEY)',
      `CREATE VIEW v AS SELECT ${cols} FROM t`,
      `CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = NEW.a + ${plus}`,
    ];
    await Promise.all([run(a, schema(1, 'a')), run(b, schema(2, 'id, a'))]);
    try {
      const from = await introspectSchema(a, dbA);
      const to = await introspectSchema(b, dbB);
      const plan = await verifiedPlan(await hosts(), from, to, server);
      expect(plan.objects).toEqual(['trigger tr', 'view v', 'trigger tr']);
      // Only the tables the objects name were copied (none of their own changed).
      expect(plan.tables).toEqual([]);
      expect(plan.host).toMatch(/^(target|sandbox) /);
      // A desired view written by hand and not normalised on a server reads back differently: refused.
      const raw: Schema = {
        ...to,
        objects: (to.objects ?? []).map((o) => (o.name === 'v' ? view('v', 'select id,a from t') : o)),
      };
      await expect(verifiedPlan(await hosts(), from, raw, server)).rejects.toMatchObject({
        code: 'CAREPOOL_MIGRATE_NOT_CONVERGED',
      });
    } finally {
      await Promise.all([run(a, ['DROP VIEW IF EXISTS v']), run(b, ['DROP VIEW IF EXISTS v'])]);
    }
  });

  it('a lease taken before the live read: no change creates no database; a change is proven in it and dropped', async () => {
    await dropAll(a, dbA);
    await run(a, ['CREATE TABLE t (id INT NOT NULL PRIMARY KEY, note VARCHAR(10) NULL)']);
    const sent: string[] = [];
    // The sandbox hosts, recording every statement their workspace connections send.
    const recording = (await hosts()).map((h): WorkspaceHost => ({
      ...h,
      connect: async () => {
        const conn = await h.connect();
        return {
          ...conn,
          query: (q) => {
            sent.push(/^USE /.test(q.text) ? 'USE' : q.text.trim().split(/\s+/).slice(0, 2).join(' '));
            return conn.query(q);
          },
        };
      },
    }));
    const idle = leaseVerification(recording, server);
    const from = await introspect(a, dbA);
    const same = await verifiedPlan(idle, from, from, server);
    await idle.release();
    expect(same).toMatchObject({ ops: [], host: null });
    expect(sent.filter((s) => /^(CREATE|DROP|USE)/.test(s))).toEqual([]);
    await expect(idle.use(async () => 1)).rejects.toMatchObject({ code: 'CAREPOOL_INTERNAL' });

    sent.length = 0;
    const lease = leaseVerification(recording, server);
    const t = from.tables[0];
    if (!t) throw new Error('no table');
    const to: Schema = { tables: [{ ...t, comment: 'wanted' }] };
    const plan = await verifiedPlan(lease, await introspect(a, dbA), to, server);
    await lease.release();
    expect(plan.tables).toEqual(['t']);
    expect(plan.host).toMatch(/^sandbox /);
    // One statement sets the session (binlog off, FK checks off); the copy, the replay, the drop follow.
    expect(sent.filter((s) => /^(SET|CREATE|ALTER|DROP|USE)/.test(s))).toEqual([
      'SET SESSION',
      'CREATE DATABASE',
      'USE',
      'CREATE TABLE',
      'ALTER TABLE',
      'DROP DATABASE',
    ]);
  });
});
