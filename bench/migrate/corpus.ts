/**
 * The fidelity corpus in the migrate benchmark: Sakila and employees (test/migrate/fidelity/corpus), one at
 * a time in the bench database, introspected with the SHOW CREATE check and diffed against themselves, then
 * a one-column change verified in a workspace. carepool only: Alembic has no models of these schemas.
 */
import type { SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import type { Target } from '../../src/db/targets.js';
import { diffSchemas, normalizeCatalog } from '../../src/migrate/index.js';
import type { SourceContext } from '../../src/migrate/sources/index.js';
import { EMPLOYEES_TABLES, SAKILA_TABLES } from '../../test/migrate/fidelity/corpus.js';
import { median } from '../lib/measure.js';
import { mdTable } from '../lib/report.js';
import { commandRound, readLiveCatalog, type Step, timed, withExtraColumn, writeModels } from './harness.js';

const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
const ms = (v: readonly Step[]) => median(v.map((s) => s.ms));

/**
 * Times each corpus schema (`rounds` after a warm-up) on `target`, whose database must hold no tables of
 * the corpus; returns one table row per schema: name, tables, unsupported, self-diff, with verification
 * (`schema diff TARGET models --sql` as the command runs it, the models module written to `dir` and
 * named in the sources `sourcesFor` makes).
 */
export async function runCorpus(
  conn: SingleConnection,
  target: Target,
  dir: string,
  sourcesFor: (modelsPath: string) => SourceContext,
  genRounds: number,
): Promise<string[][]> {
  const corpus = [
    { name: 'Sakila', ddl: SAKILA_TABLES },
    { name: 'employees', ddl: EMPLOYEES_TABLES },
  ].map((c) => ({ ...c, steps: [] as Step[], verified: [] as Step[], tables: 0, unsupported: 0 }));
  // The fidelity corpus, one schema at a time: introspected (with the SHOW CREATE check), self-diffed,
  // and a one-column change verified in a workspace.
  for (const c of corpus) {
    let sources: SourceContext | undefined;
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
      // With verification on, end to end as a user waits: `schema diff TARGET models --sql`'s library call.
      if (first && round === 0) {
        const desired = withExtraColumn({ tables: own }, first.name, 'bench_extra');
        sources = sourcesFor(await writeModels(dir, `corpus-${c.name}`, desired));
      }
      const verified = sources ? await commandRound(sources, target.name, true) : undefined;
      if (verified && (verified.value.ops.length !== 1 || !verified.value.proof?.verified))
        throw new Error(`${c.name}: verified plan ${JSON.stringify(verified.value.proof)}`);
      if (round > 0) {
        c.steps.push(step);
        if (verified) c.verified.push(verified);
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
    'clock, with a one-column change verified as `schema diff a models --sql` runs it (compareSources, the',
    'workspace started beside the live read; median of the rounds; Alembic has no models of these schemas,',
    'so they are timed for carepool only):',
    '',
    mdTable(
      ['schema', 'tables', 'unsupported', 'introspect + self-diff', 'introspect + diff + verification'],
      rows,
    ),
  ].join('\n');
}
