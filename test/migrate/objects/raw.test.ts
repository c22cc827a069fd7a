import { describe, expect, it } from 'vitest';
import { objectsNotCompared, rawObjectsOf, rawObjectStatement } from '../../../src/migrate/objects/raw.js';
import { trigger, view } from '../../../src/schema/objects.js';

describe('objects made by raw op.sql steps', () => {
  it('names the object a CREATE or DROP statement makes, from its head only', () => {
    expect(rawObjectStatement('CREATE TRIGGER t1 BEFORE UPDATE ON a FOR EACH ROW SET NEW.x = 1')).toEqual({
      action: 'create',
      kind: 'trigger',
      name: 't1',
    });
    expect(
      rawObjectStatement(
        "/* c */ CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`u`@`%` SQL SECURITY INVOKER VIEW `db`.`v x` AS SELECT 1",
      ),
    ).toEqual({ action: 'create', kind: 'view', name: 'v x' });
    expect(rawObjectStatement('DROP PROCEDURE IF EXISTS `p`')).toEqual({ action: 'drop', kind: 'procedure', name: 'p' });
    expect(rawObjectStatement('create function f() returns int return 1')?.kind).toBe('function');
    expect(rawObjectStatement('CREATE DEFINER=CURRENT_USER() AGGREGATE FUNCTION IF NOT EXISTS agg(x INT) RETURNS INT BEGIN RETURN 1; END')).toEqual({
      action: 'create',
      kind: 'function',
      name: 'agg',
    });
    expect(rawObjectStatement('ALTER TABLE a ADD COLUMN b INT')).toBeNull();
    expect(rawObjectStatement("UPDATE a SET b = 'CREATE TRIGGER x'")).toBeNull();
  });

  it('follows creates and drops through the revisions, and reports what a comparison leaves out', () => {
    const sqlOp = (up: string) => ({ kind: 'sql', up }) as const;
    const raw = rawObjectsOf([
      { id: '0001', up: [sqlOp('CREATE TRIGGER t1 BEFORE UPDATE ON a FOR EACH ROW SET @x = 1'), sqlOp('CREATE VIEW v AS SELECT 1')] },
      { id: '0002', up: [sqlOp('DROP VIEW v')] },
    ]);
    expect([...raw]).toEqual([['trigger:t1', '0001']]);
    const live = {
      tables: [],
      objects: [{ ...trigger('t1', { table: 'a', timing: 'BEFORE', event: 'UPDATE', body: 'SET @x = 1' }), sqlMode: '' }],
    };
    const notCompared = objectsNotCompared({ label: 'azure', schema: live }, { label: 'chain', schema: { tables: [] }, raw });
    expect(notCompared).toHaveLength(1);
    expect(notCompared[0]).toMatch(/^trigger t1 on a \(in azure\) not compared: chain does not track .*0001 creates it$/);
    // Both sides track objects: nothing is left out.
    expect(objectsNotCompared({ label: 'a', schema: live }, { label: 'b', schema: { tables: [], objects: [view('v', 'SELECT 1')] } })).toEqual([]);
  });
});
