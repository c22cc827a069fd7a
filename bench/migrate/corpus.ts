/**
 * The fidelity corpus in the migrate benchmark: Sakila and employees (test/migrate/fidelity/corpus), one at
 * a time in the bench database, introspected with the SHOW CREATE check and diffed against themselves, then
 * a one-column change verified in a workspace. carepool only: Alembic has no models of these schemas.
 */
import type { SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import type { Target } from '../../src/db/targets.js';
import { diffSchemas, normalizeCatalog } from '../../src/migrate/index.js';
import type { WorkspaceHost } from '../../src/migrate/workspace/index.js';
import { EMPLOYEES_TABLES, SAKILA_TABLES } from '../../test/migrate/fidelity/corpus.js';
import { median } from '../lib/measure.js';
import { mdTable } from '../lib/report.js';
import {
  liveTablesOf,
  readLiveCatalog,
  type Step,
  timed,
  verifiedRound,
  withExtraColumn,
} from './harness.js';

const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
const ms = (v: readonly Step[]) => median(v.map((s) => s.ms));
const mariadb = { flavor: 'mariadb', version: [10, 11, 0] } as const;

/**
 * Times each corpus schema (`rounds` after a warm-up) on `target`, whose database must hold no tables of
 * the corpus; returns one table row per schema: name, tables, unsupported, self-diff, with verification.
 */
export async function runCorpus(
  conn: SingleConnection,
  target: Target,
  wsHost: WorkspaceHost,
  genRounds: number,
): Promise<string[][]> {
  const corpus = [
    { name: 'Sakila', ddl: SAKILA_TABLES },
    { name: 'employees', ddl: EMPLOYEES_TABLES },
  ].map((c) => ({ ...c, steps: [] as Step[], verified: [] as Step[], tables: 0, unsupported: 0 }));
  // The fidelity corpus, one schema at a time: introspected (with the SHOW CREATE check), self-diffed,
  // and a one-column change verified in a workspace.
  for (const c of corpus) {
    for (const ddl of c.ddl) await conn.query(sql.raw(ddl));
    for (let round = 0; round <= genRounds; round++) {
      const step = await timed(async () => {
        const live = normalizeCatalog(await readLiveCatalog(target));
        return { live, ops: diffSchemas(live, live).length };
      });
      const own = step.value.live.tables.filter((tb) => tb.name !== 'alembic_version');
      c.unsupported = own.filter((tb) => tb.unsupported).length;
      c.tables = own.length;
      const first = own.find((tb) => !tb.unsupported);
      // With verification on, end to end as a user waits: the live read, then the workspace (as the commands).
      const verified = first
        ? await verifiedRound(
            wsHost,
            liveTablesOf(target),
            withExtraColumn({ tables: own }, first.name, 'bench_extra'),
            mariadb,
          )
        : undefined;
      if (round > 0) {
        c.steps.push(step);
        if (verified) c.verified.push(verified.total);
      }
    }
    await conn.query(sql.raw('SET FOREIGN_KEY_CHECKS = 0'));
    for (const ddl of c.ddl) {
      const name = /CREATE TABLE\s+`?(\w+)/i.exec(ddl)?.[1];
      if (name) await conn.query(sql.raw(`DROP TABLE IF EXISTS \`${name}\``));
    }
  }
  return corpus.map((c) => [
    c.name,
    String(c.tables),
    String(c.unsupported),
    fmt(ms(c.steps)),
    c.verified.length ? fmt(ms(c.verified)) : 'n/a',
  ]);
}

/** The corpus paragraph and table of the migrate section. */
export function corpusText(rows: string[][]): string {
  return [
    'Fidelity corpus (the schemas of test/migrate/fidelity/corpus, loaded into the same database after the',
    '200 tables are dropped): introspected with the SHOW CREATE check and diffed against itself, then, on one',
    'clock, with a one-column change verified in a workspace made after the live read (median of the',
    'rounds; Alembic has no models of these schemas, so they are timed for carepool only):',
    '',
    mdTable(
      ['schema', 'tables', 'unsupported', 'introspect + self-diff', 'introspect + diff + verification'],
      rows,
    ),
  ].join('\n');
}
