import { describe, expect, it } from 'vitest';
import {
  classifyOp,
  type Operation,
  parseServer,
  renderOps,
  type ServerInfo,
} from '../../src/migrate/index.js';
import { applyOps } from '../../src/migrate/ops/apply-ops.js';
import { columnChangeLoss } from '../../src/migrate/render/destructive.js';
import { type Column, models, type Schema } from '../../src/schema/index.js';

const server = (s: string): ServerInfo => {
  const v = parseServer(s);
  if (!v) throw new Error(s);
  return v;
};
const patients = models.tables.find((t) => t.name === 'patients');
const gender = patients?.columns.find((c) => c.name === 'gender');
if (!patients || !gender) throw new Error('models changed');
const addEmail = (after?: string): Operation => ({
  kind: 'addColumn',
  table: 'patients',
  column: { name: 'email', type: { kind: 'varchar', length: 254 }, nullable: true },
  ...(after ? { after } : {}),
});

describe('online DDL classification per flavor and version', () => {
  it('ADD COLUMN: INSTANT anywhere from MySQL 8.0.29 / MariaDB 10.4, only last before, INPLACE on older', () => {
    expect(classifyOp(addEmail('gender'), server('mysql:8.0.29'), models).algorithm).toBe('INSTANT');
    expect(classifyOp(addEmail('gender'), server('mysql:8.0.28'), models).algorithm).toBe('INPLACE');
    expect(classifyOp(addEmail(), server('mysql:8.0.28'), models).algorithm).toBe('INSTANT');
    expect(classifyOp(addEmail('gender'), server('mariadb:10.11'), models).algorithm).toBe('INSTANT');
  });

  it('ALTER COLUMN: default-only INSTANT, VARCHAR within its length prefix INPLACE, across it or a new type COPY', () => {
    const alter = (to: Extract<Operation, { kind: 'alterColumn' }>['to']): Operation => ({
      kind: 'alterColumn',
      table: 'patients',
      from: gender,
      to,
    });
    const mysql = server('mysql:8.0.36');
    expect(classifyOp(alter({ ...gender, default: { kind: 'literal', value: 'x' } }), mysql).algorithm).toBe(
      'INSTANT',
    );
    expect(classifyOp(alter({ ...gender, type: { kind: 'varchar', length: 60 } }), mysql).algorithm).toBe(
      'INPLACE',
    );
    expect(classifyOp(alter({ ...gender, type: { kind: 'varchar', length: 64 } }), mysql).algorithm).toBe(
      'COPY',
    );
    expect(classifyOp(alter({ ...gender, type: { kind: 'text' } }), mysql).algorithm).toBe('COPY');
  });

  it('renders ALGORITHM/LOCK clauses only where they are safe, and inverses for the journal', () => {
    const { statements } = renderOps(
      [
        addEmail(),
        {
          kind: 'createIndex',
          table: 'patients',
          index: { name: 'uq_patients_email', columns: ['email'], unique: true },
        },
        {
          kind: 'addForeignKey',
          table: 'patients',
          foreignKey: {
            name: 'fk_x',
            columns: ['id'],
            refTable: 'patients',
            refColumns: ['id'],
            onDelete: 'RESTRICT',
            onUpdate: 'RESTRICT',
          },
        },
      ],
      server('mysql:8.4.3'),
      models,
    );
    expect(statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE `patients` ADD COLUMN `email` VARCHAR(254) NULL, ALGORITHM=INSTANT',
      'ALTER TABLE `patients` ADD UNIQUE INDEX `uq_patients_email` (`email`), ALGORITHM=INPLACE, LOCK=NONE',
      'ALTER TABLE `patients` ADD CONSTRAINT `fk_x` FOREIGN KEY (`id`) REFERENCES `patients` (`id`) ON DELETE RESTRICT ON UPDATE RESTRICT',
    ]);
    expect(statements[0]?.inverse).toBe('ALTER TABLE `patients` DROP COLUMN `email`, ALGORITHM=INSTANT');
    expect(statements[2]?.online.algorithm).toBe('COPY');
  });

  it('quotes any identifier the server accepts (backticks doubled) and refuses the ones it would refuse', () => {
    const rename = (to: string) =>
      renderOps([{ kind: 'renameTable', from: 'patients', to }], server('mysql:8.0'), models).statements.map(
        (st) => st.sql,
      );
    // A backtick cannot end the identifier: the whole text stays one name.
    expect(rename('x`; DROP TABLE y; --')).toEqual(['RENAME TABLE `patients` TO `x``; DROP TABLE y; --`']);
    expect(rename('order items')).toEqual(['RENAME TABLE `patients` TO `order items`']);
    expect(rename('2fa-naïve')).toEqual(['RENAME TABLE `patients` TO `2fa-naïve`']);
    // What the server would refuse (every case: test/db/sql.test.ts) is a coded refusal with the reason.
    expect(() => rename('trailing ')).toThrow(/not a valid identifier: "trailing " \(it ends with a space\)/);
  });
});

describe('destructive check and classification for every type family', () => {
  const c = (type: Column['type'], extra: Partial<Column> = {}): Column => ({
    name: 'x',
    type,
    nullable: true,
    ...extra,
  });
  const loss = (a: Column, b: Column) => columnChangeLoss('t', a, b);
  const algo = (a: Column, b: Column) =>
    classifyOp({ kind: 'alterColumn', table: 't', from: a, to: b }, server('mariadb:10.11')).algorithm;

  it('widening keeps data, narrowing and reinterpretation do not', () => {
    expect(loss(c({ kind: 'blob' }), c({ kind: 'mediumblob' }))).toBeNull();
    expect(loss(c({ kind: 'mediumblob' }), c({ kind: 'blob' }))).toMatch(/narrows/);
    expect(loss(c({ kind: 'blob' }), c({ kind: 'mediumtext' }))).toMatch(/text and binary/);
    expect(loss(c({ kind: 'int' }), c({ kind: 'bigint' }))).toBeNull();
    expect(loss(c({ kind: 'int' }), c({ kind: 'int', unsigned: true }))).toMatch(/range/);
    expect(loss(c({ kind: 'tinyint', unsigned: true }), c({ kind: 'smallint' }))).toBeNull();
    expect(loss(c({ kind: 'boolean' }), c({ kind: 'tinyint' }))).toBeNull();
    expect(
      loss(c({ kind: 'decimal', precision: 10, scale: 2 }), c({ kind: 'decimal', precision: 12, scale: 2 })),
    ).toBeNull();
    expect(
      loss(c({ kind: 'decimal', precision: 10, scale: 2 }), c({ kind: 'decimal', precision: 10, scale: 1 })),
    ).toMatch(/DECIMAL/);
    expect(loss(c({ kind: 'double' }), c({ kind: 'float' }))).toMatch(/precision/);
    expect(loss(c({ kind: 'varchar', length: 50 }), c({ kind: 'text' }))).toBeNull();
    expect(loss(c({ kind: 'text' }), c({ kind: 'varchar', length: 50 }))).toMatch(/narrows/);
    expect(loss(c({ kind: 'varbinary', length: 8 }), c({ kind: 'binary', length: 8 }))).toMatch(/pads/);
    expect(
      loss(c({ kind: 'set', values: ['a', 'b'] }), c({ kind: 'set', values: ['a', 'b', 'c'] })),
    ).toBeNull();
    expect(loss(c({ kind: 'set', values: ['a', 'b'] }), c({ kind: 'enum', values: ['a', 'b'] }))).toMatch(
      /SET to ENUM/,
    );
    expect(loss(c({ kind: 'enum', values: ['a', 'b'] }), c({ kind: 'enum', values: ['b', 'a'] }))).toBeNull();
    expect(loss(c({ kind: 'enum', values: ['a', 'b'] }), c({ kind: 'enum', values: ['a'] }))).toMatch(
      /removes ENUM members b/,
    );
    expect(loss(c({ kind: 'datetime', fsp: 6 }), c({ kind: 'datetime', fsp: 3 }))).toMatch(/fractional/);
    expect(loss(c({ kind: 'point' }), c({ kind: 'geometry' }))).toBeNull();
    expect(loss(c({ kind: 'geometry' }), c({ kind: 'point' }))).toMatch(/GEOMETRY to POINT/);
    expect(loss(c({ kind: 'text' }), c({ kind: 'json' }))).toMatch(/valid JSON/);
    expect(loss(c({ kind: 'bit', length: 8 }), c({ kind: 'bit', length: 4 }))).toMatch(/BIT/);
    expect(
      loss(c({ kind: 'text' }), c({ kind: 'text' }, { charset: 'latin1', collation: 'latin1_swedish_ci' })),
    ).toMatch(/character set/);
    expect(
      loss(
        c({ kind: 'text' }, { charset: 'latin1', collation: 'latin1_swedish_ci' }),
        c({ kind: 'text' }, { charset: 'utf8mb4', collation: 'utf8mb4_bin' }),
      ),
    ).toBeNull();
  });

  it('ENUM/SET appends are INSTANT within their storage size, anything else COPY', () => {
    expect(algo(c({ kind: 'set', values: ['a'] }), c({ kind: 'set', values: ['a', 'b'] }))).toBe('INSTANT');
    const eight = ['1', '2', '3', '4', '5', '6', '7', '8'];
    expect(algo(c({ kind: 'set', values: eight }), c({ kind: 'set', values: [...eight, '9'] }))).toBe('COPY');
    expect(algo(c({ kind: 'enum', values: ['a', 'b'] }), c({ kind: 'enum', values: ['b', 'a'] }))).toBe(
      'COPY',
    );
    expect(algo(c({ kind: 'blob' }), c({ kind: 'mediumblob' }))).toBe('COPY');
    expect(
      algo(c({ kind: 'text' }), c({ kind: 'text' }, { collation: 'utf8mb4_bin', charset: 'utf8mb4' })),
    ).toBe('COPY');
    expect(
      algo(
        c({ kind: 'varchar', length: 10 }, { charset: 'latin1' }),
        c({ kind: 'varchar', length: 200 }, { charset: 'latin1' }),
      ),
    ).toBe('INPLACE');
    expect(algo(c({ kind: 'varchar', length: 10 }), c({ kind: 'varchar', length: 200 }))).toBe('COPY');
  });
});

describe('in-memory replay keeps index parts in step with their columns', () => {
  it('drop and rename a column that an index uses with a prefix and DESC', () => {
    const start: Schema = {
      tables: [
        {
          name: 't',
          columns: [
            { name: 'id', type: { kind: 'int' }, nullable: false },
            { name: 'a', type: { kind: 'text' }, nullable: true },
            { name: 'b', type: { kind: 'int' }, nullable: true },
          ],
          primaryKey: ['id'],
          indexes: [
            {
              name: 'ix',
              columns: ['a', 'b'],
              unique: false,
              parts: [
                { column: 'a', length: 10 },
                { column: 'b', desc: true },
              ],
            },
          ],
          foreignKeys: [],
        },
      ],
    };
    const renamed = applyOps(start, [{ kind: 'renameColumn', table: 't', from: 'b', to: 'c' }]);
    expect(renamed.tables[0]?.indexes[0]?.parts).toEqual([
      { column: 'a', length: 10 },
      { column: 'c', desc: true },
    ]);
    const dropped = applyOps(renamed, [
      { kind: 'dropColumn', table: 't', column: { name: 'a', type: { kind: 'text' }, nullable: true } },
    ]);
    expect(dropped.tables[0]?.indexes).toEqual([
      { name: 'ix', columns: ['c'], unique: false, parts: [{ column: 'c', desc: true }] },
    ]);
  });
});
