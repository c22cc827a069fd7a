import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { sql } from '../../../src/db/sql.js';
import { describeOperation, diffSchemas, introspectSchema, renderOps } from '../../../src/migrate/index.js';
import { dumpDatabase, foreignKeyOrder } from '../../../src/migrate/objects/dump.js';
import { runStatement } from '../../../src/migrate/objects/session.js';
import { splitScript } from '../../../src/migrate/workspace/script.js';
import { adminConnection, sandboxServers } from '../../harness/targets.js';

const suffix = randomBytes(3).toString('hex');
const SRC = `clinic_dump_src_${suffix}`;
const DST = `clinic_dump_dst_${suffix}`;
let admin: SingleConnection;

/** Every kind of object, a circular FK, a view reading a view named to sort before it, odd sql_mode/charset. */
const SOURCE = `
CREATE TABLE a (id INT PRIMARY KEY, b_id INT NULL, note VARCHAR(20) DEFAULT 'x;y', KEY ix_b (b_id)) ENGINE=InnoDB;
CREATE TABLE b (id INT PRIMARY KEY, a_id INT NULL, KEY ix_a (a_id),
  CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE SET NULL) ENGINE=InnoDB;
ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES b (id);
CREATE TABLE c (id INT PRIMARY KEY, parent INT NULL, a_id INT NOT NULL,
  CONSTRAINT fk_c_parent FOREIGN KEY (parent) REFERENCES c (id), CONSTRAINT fk_c_a FOREIGN KEY (a_id) REFERENCES a (id));
CREATE FUNCTION f_double(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
DELIMITER ;;
CREATE PROCEDURE p_count(OUT n INT)
BEGIN
  SELECT COUNT(*) INTO n FROM a; -- a comment; with a semicolon
  SET n = n + 1;
END;;
DELIMITER ;
CREATE VIEW v_base AS SELECT id, f_double(id) AS twice FROM a;
CREATE VIEW v0_top AS SELECT id, twice FROM v_base WHERE twice > 2 WITH CASCADED CHECK OPTION;
SET SESSION sql_mode = 'ANSI_QUOTES,NO_ENGINE_SUBSTITUTION';
DELIMITER //
CREATE TRIGGER trg_a_bi BEFORE INSERT ON a FOR EACH ROW
BEGIN
  IF NEW.note IS NULL THEN SET NEW.note = 'n/a'; END IF;
END //
DELIMITER ;
SET SESSION sql_mode = DEFAULT;
SET NAMES latin1;
CREATE TRIGGER trg_c_bu BEFORE UPDATE ON c FOR EACH ROW SET NEW.parent = NEW.parent;
SET NAMES utf8mb4;
`;

async function load(database: string, script: string): Promise<void> {
  await admin.query(sql.raw(`USE \`${database}\``));
  for (const st of splitScript(script)) await admin.query(sql.raw(st));
  await admin.query(sql.raw('SET SESSION sql_mode = DEFAULT'));
  await admin.query(sql.raw('SET NAMES utf8mb4'));
}

/** SHOW CREATE of every table, view, trigger and routine, with the database name taken out. */
async function showAll(database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // SHOW CREATE VIEW leaves out the qualifier of the session's current database: read both from elsewhere.
  await admin.query(sql.raw('USE information_schema'));
  const list = await admin.query<{ kind: string; name: string }>(sql`
    SELECT IF(TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE') AS kind, TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${database}
    UNION ALL SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${database}
    UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ${database}`);
  for (const { kind, name } of list.rows) {
    const { rows } = await admin.query<Record<string, unknown>>(
      sql.raw(`SHOW CREATE ${kind} \`${database}\`.\`${name}\``),
    );
    const row = { ...rows[0] };
    delete row.Created;
    out[`${kind} ${name}`] = JSON.stringify(row).split(database).join('DB');
  }
  return out;
}

beforeAll(async () => {
  admin = await adminConnection(sandboxServers().gcp);
  for (const db of [SRC, DST]) await admin.query(sql.raw(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`));
  await load(SRC, SOURCE);
});
afterAll(async () => {
  for (const db of [SRC, DST]) await admin?.query(sql.raw(`DROP DATABASE IF EXISTS \`${db}\``));
  await admin?.close();
});

describe('views, triggers, routines and a faithful dump (real sandbox MariaDB)', () => {
  it('introspects every object with its server text, sql_mode and character set, without definer or database', async () => {
    const schema = await introspectSchema(admin, SRC);
    const objects = schema.objects ?? [];
    expect(objects.map((o) => `${o.kind}:${o.name}`)).toEqual([
      'function:f_double',
      'procedure:p_count',
      'view:v0_top',
      'view:v_base',
      'trigger:trg_a_bi',
      'trigger:trg_c_bu',
    ]);
    const trg = objects.find((o) => o.name === 'trg_a_bi');
    expect(trg?.table).toBe('a');
    expect(trg?.sqlMode).toMatch(/ANSI_QUOTES/);
    expect(objects.find((o) => o.name === 'trg_c_bu')?.charset?.client).toBe('latin1');
    const view = objects.find((o) => o.name === 'v0_top');
    expect(view?.dependsOn).toEqual(['v_base']);
    for (const o of objects) {
      expect(o.create).not.toMatch(/DEFINER=/);
      expect(o.create).not.toContain(SRC);
    }
  });

  it('orders tables so referenced ones come first, moving only the cycle’s FK to a trailing ALTER', async () => {
    const schema = await introspectSchema(admin, SRC);
    const { order, late } = foreignKeyOrder(schema.tables);
    expect(order.map((t) => t.name)).toEqual(['b', 'a', 'c']);
    expect([...late.entries()]).toEqual([['b', ['fk_b_a']]]);
  });

  it('round trip: dump -> empty database -> SHOW CREATE of every table, view, trigger and routine identical', async () => {
    const dump = await dumpDatabase(admin, SRC, undefined, { source: SRC });
    expect(dump).toMatch(/DELIMITER ;;/);
    expect(dump.indexOf('VIEW `v_base`')).toBeLessThan(dump.indexOf('VIEW `v0_top`'));
    expect(dump).toMatch(/ALTER TABLE `b` ADD CONSTRAINT `fk_b_a` FOREIGN KEY/);
    expect(dump).not.toMatch(/DEFINER=/);
    await load(DST, dump);
    const [src, dst] = await Promise.all([showAll(SRC), showAll(DST)]);
    expect(Object.keys(dst).sort()).toEqual(Object.keys(src).sort());
    expect(Object.keys(src)).toHaveLength(9);
    expect(dst).toEqual(src);
    expect(diffSchemas(await introspectSchema(admin, SRC), await introspectSchema(admin, DST))).toEqual([]);
  });

  it('diff sees a replaced view and a dropped trigger; its statements converge', async () => {
    await admin.query(sql.raw(`USE \`${DST}\``));
    await admin.query(
      sql.raw('CREATE OR REPLACE VIEW v_base AS SELECT id, f_double(id) + 1 AS twice FROM a'),
    );
    await admin.query(sql.raw('DROP TRIGGER trg_a_bi'));
    const from = await introspectSchema(admin, DST);
    const to = await introspectSchema(admin, SRC);
    const ops = diffSchemas(from, to);
    expect(ops.map(describeOperation)).toEqual(['replace view v_base', 'create trigger trg_a_bi on a']);
    const { statements } = renderOps(ops, { flavor: 'mariadb', version: [10, 11, 0] }, from);
    expect(statements[0]?.sql).toMatch(/^CREATE OR REPLACE ALGORITHM/);
    for (const st of statements) await runStatement(admin, st);
    expect(diffSchemas(await introspectSchema(admin, DST), to)).toEqual([]);
    expect((await showAll(DST))['TRIGGER trg_a_bi']).toEqual((await showAll(SRC))['TRIGGER trg_a_bi']);
  });

  it('a changed trigger is a drop and a create; inverses go back', async () => {
    await admin.query(sql.raw(`USE \`${DST}\``));
    await admin.query(sql.raw('DROP TRIGGER trg_c_bu'));
    await admin.query(
      sql.raw('CREATE TRIGGER trg_c_bu BEFORE UPDATE ON c FOR EACH ROW SET NEW.a_id = NEW.a_id'),
    );
    const ops = diffSchemas(await introspectSchema(admin, DST), await introspectSchema(admin, SRC));
    expect(ops.map(describeOperation)).toEqual([
      'drop trigger trg_c_bu on c',
      'create trigger trg_c_bu on c',
    ]);
  });
});

describe('splitScript', () => {
  it('splits at the delimiter, not inside quotes or comments, and follows DELIMITER lines', () => {
    expect(
      splitScript(
        "SELECT 'a;b'; -- x;y\nSELECT `c;d` /* ; */;\nDELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\n# done;\n",
      ),
    ).toEqual(["SELECT 'a;b'", '-- x;y\nSELECT `c;d` /* ; */', 'CREATE PROCEDURE p() BEGIN SELECT 1; END']);
  });
});
