import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SingleConnection } from '../../../src/db/connect.js';
import { diffSchemas, EMPTY_SCHEMA, renderOps, type ServerInfo } from '../../../src/migrate/index.js';
import { renderShowCreate } from '../../../src/migrate/render/show-create.js';
import { EMPLOYEES_TABLES, REFUSED_TABLES, SAKILA_TABLES, SYNTHETIC_TABLES } from './corpus.js';
import { dropAll, introspect, run, showCreates, openScratchPair, type ScratchPair } from './live-helpers.js';

let pair: ScratchPair;
let a: SingleConnection;
let b: SingleConnection;
let dbA: string;
let dbB: string;
let server: ServerInfo;

beforeAll(async () => {
  pair = await openScratchPair('fid_rt');
  ({ a, b, dbA, dbB, server } = pair);
});
afterAll(() => pair?.close());

/**
 * Loads `ddl` into A, introspects it, renders every table from the model alone into the empty B (in the
 * order the diff creates tables, FK cycles closed by trailing ALTERs) and requires B's SHOW CREATE TABLE to
 * equal A's for every table, the model's rendering to equal the server's text, and both diffs to be empty.
 */
async function roundTrip(ddl: readonly string[]): Promise<void> {
  await dropAll(a, dbA);
  await dropAll(b, dbB);
  await run(a, ['SET FOREIGN_KEY_CHECKS=0', ...ddl, 'SET FOREIGN_KEY_CHECKS=1']);
  const source = await introspect(a, dbA);
  expect(
    source.tables.filter((t) => t.unsupported).map((t) => `${t.name}: ${t.unsupported?.reason}`),
  ).toEqual([]);
  const original = await showCreates(a, dbA);
  for (const t of source.tables)
    expect(sortKeys(renderShowCreate(t, server)), t.name).toBe(
      sortKeys(stripAutoIncrement(original[t.name])),
    );
  const ops = diffSchemas(EMPTY_SCHEMA, source);
  const { statements } = renderOps(ops, server, EMPTY_SCHEMA);
  await run(
    b,
    statements.map((s) => s.sql),
  );
  const copy = await showCreates(b, dbB);
  for (const name of Object.keys(original))
    expect(sortKeys(stripAutoIncrement(copy[name])), name).toBe(sortKeys(stripAutoIncrement(original[name])));
  expect(diffSchemas(source, source)).toEqual([]);
  expect(diffSchemas(source, await introspect(b, dbB))).toEqual([]);
}

const stripAutoIncrement = (text: string | undefined) => (text ?? '').replace(/ AUTO_INCREMENT=\d+/, '');

/**
 * Secondary index and constraint order is InnoDB's creation order (cosmetic, as in Skeema): key lines and
 * constraint lines are compared as sets; everything else, column order included, line by line.
 */
function sortKeys(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/,$/, ''));
  const sorted = (re: RegExp) => {
    const group = lines.filter((l) => re.test(l)).sort();
    let k = 0;
    for (let i = 0; i < lines.length; i++) if (re.test(lines[i] ?? '')) lines[i] = group[k++] ?? '';
  };
  sorted(/^ {2}(UNIQUE |FULLTEXT |SPATIAL )?KEY /);
  sorted(/^ {2}CONSTRAINT /);
  return lines.join('\n');
}

describe('fidelity corpus on live MariaDB: SHOW CREATE rendered from the model, dump round trip, self-diff', () => {
  it('the synthetic schema with every modelled feature', async () => {
    await roundTrip(SYNTHETIC_TABLES);
  });

  it('Sakila 1.5 (spatial, FULLTEXT, MyISAM, ENUM/SET/YEAR/BLOB, circular FK)', async () => {
    expect(SAKILA_TABLES.length).toBe(16);
    await roundTrip(SAKILA_TABLES);
  });

  it('employees (composite keys, ENUM, ON DELETE CASCADE)', async () => {
    expect(EMPLOYEES_TABLES.length).toBe(6);
    await roundTrip(EMPLOYEES_TABLES);
  });

  it('refuses by name and reason what the model cannot represent, and generates no DDL for it', async () => {
    await dropAll(a, dbA);
    await run(
      a,
      REFUSED_TABLES.map((t) => t.ddl),
    );
    const live = await introspect(a, dbA);
    for (const r of REFUSED_TABLES) {
      const t = live.tables.find((x) => x.name === r.name);
      expect(t?.unsupported?.reason ?? `${r.name}: supported?`, r.name).toMatch(r.reason);
    }
    // Unchanged unsupported tables are no difference; any change to one is refused, never guessed.
    expect(diffSchemas(live, live)).toEqual([]);
    expect(() => diffSchemas(live, EMPTY_SCHEMA)).toThrow(
      /CAREPOOL_MIGRATE_UNSUPPORTED_TABLE|no DDL generated/,
    );
  });
});
