import { describe, expect, it } from 'vitest';
import {
  classifyOp,
  type Operation,
  parseServer,
  renderOps,
  type ServerInfo,
} from '../../src/migrate/index.js';
import { models } from '../../src/schema/index.js';

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

  it('refuses identifiers that are not plain names (no string-built SQL)', () => {
    expect(() =>
      renderOps(
        [{ kind: 'renameTable', from: 'patients', to: 'x`; DROP TABLE y; --' }],
        server('mysql:8.0'),
        models,
      ),
    ).toThrow(/not a valid identifier/);
  });
});
