/**
 * Migration engine benchmark: the shipped chain up on two targets in parallel (and back down), and
 * introspection + autogenerate on a 200-table schema. Writes the `migrate` section of docs/benchmarks.md.
 * Run: `node --import tsx bench/migrate/migrate.bench.ts [--full]`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import {
  diffSchemas,
  EMPTY_SCHEMA,
  introspectSchema,
  loadChain,
  migrateFleet,
  renderOps,
  targetDatabase,
} from '../../src/migrate/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { type Schema, schema, t, table } from '../../src/schema/index.js';
import { median } from '../lib/measure.js';
import { machineLine, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';

/** A synthetic schema of `n` tables (8 columns, one index, one FK to the previous table). */
export function syntheticSchema(n: number): Schema {
  const models = Array.from({ length: n }, (_, i) =>
    table(
      `t${String(i).padStart(3, '0')}`,
      {
        id: t.id(),
        parent_id: t.int(),
        name: t.varchar(100),
        code: t.char(8),
        amount: t.decimal(10, 2),
        active: t.boolean(),
        created: t.datetime(3),
        note: t.text(),
      },
      {
        indexes: [{ columns: ['name', 'code'] }],
        ...(i > 0
          ? {
              foreignKeys: [
                {
                  columns: ['parent_id'],
                  references: { table: `t${String(i - 1).padStart(3, '0')}`, columns: ['id'] },
                },
              ],
            }
          : {}),
      },
    ),
  );
  return schema(...models);
}

async function alembicVersion(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      'import alembic; print(alembic.__version__)',
    ]);
    return stdout.trim();
  } catch {
    return null;
  }
}

/** Runs the benchmark and returns its markdown section. */
export async function runMigrateBench(full: boolean): Promise<string> {
  const rounds = full ? 7 : 3;
  const [a, b] = await Promise.all([startBenchServer(), startBenchServer()]);
  const env: Record<string, string> = { CAREPOOL_TARGETS: 'a,b' };
  for (const [name, s] of [
    ['A', a],
    ['B', b],
  ] as const) {
    env[`CAREPOOL_TARGET_${name}_URL`] = userUrl(s.state, 'app', 'DISABLED');
    env[`CAREPOOL_TARGET_${name}_MIGRATE_URL`] = userUrl(s.state, 'migrator', 'DISABLED');
  }
  const registry = new TargetRegistry(loadConfig({ env, dotenv: false }));
  try {
    const chain = await loadChain(join(import.meta.dirname, '..', '..', 'migrations'));
    const ups: number[] = [];
    const downs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now();
      const up = await migrateFleet(registry.list(), { to: 'head', chain });
      ups.push(performance.now() - t0);
      if (!up.every((r) => r.ok)) throw new Error(JSON.stringify(up.map((r) => r.error)));
      t0 = performance.now();
      await migrateFleet(registry.list(), { to: 'base', direction: 'down', chain, allowDestructive: true });
      downs.push(performance.now() - t0);
    }

    // 200 tables on target a, created through the renderer, then introspected and diffed.
    const big = syntheticSchema(200);
    const target = registry.get('a');
    const conn = await target.connectMigrator();
    const introspections: number[] = [];
    const diffs: number[] = [];
    try {
      const { statements } = renderOps(
        diffSchemas(EMPTY_SCHEMA, big),
        { flavor: 'mariadb', version: [10, 11, 0] },
        EMPTY_SCHEMA,
      );
      for (const st of statements) await conn.query(sql.raw(st.sql));
      for (let i = 0; i < rounds; i++) {
        let t0 = performance.now();
        const live = await introspectSchema(conn, targetDatabase(target));
        introspections.push(performance.now() - t0);
        t0 = performance.now();
        const ops = diffSchemas(live, big);
        diffs.push(performance.now() - t0);
        if (ops.length > 0) throw new Error(`false diff on the 200-table schema: ${ops.length} operations`);
      }
      for (const st of [...statements].reverse())
        await conn.query(
          sql.raw(`DROP TABLE IF EXISTS \`${st.op.kind === 'createTable' ? st.op.table.name : 'x'}\``),
        );
    } finally {
      await conn.close();
    }
    const alembic = await alembicVersion();
    const ms = (v: number[]) => `${median(v).toFixed(0)} ms`;
    return [
      '## Migrations: full chain on two targets, introspection of 200 tables',
      '',
      machineLine(`MariaDB ${a.state.version}, ${rounds} rounds, medians`),
      '',
      '| measurement | carepool |',
      '| --- | --- |',
      `| \`migrate up head\`, 2 revisions, 2 targets in parallel (lock, bookkeeping, journal per statement) | ${ms(ups)} |`,
      `| \`migrate down base\`, same | ${ms(downs)} |`,
      `| introspect 200 tables / 1,600 columns / 199 FKs (5 batched information_schema queries) | ${ms(introspections)} |`,
      `| diff 200 live tables against the models (no false diff) | ${ms(diffs)} |`,
      '',
      alembic
        ? `Alembic ${alembic} is installed; its side of the comparison is not automated yet.`
        : "Alembic: Debian's python3-alembic is not installed on this machine, so the Alembic `upgrade head` side was not run (it is not installed by the benchmark on purpose).",
    ].join('\n');
  } finally {
    await registry.close(500);
    await Promise.all([a.stop(), b.stop()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const section = await runMigrateBench(process.argv.includes('--full'));
  await writeSection('migrate', section);
  process.stdout.write(`${section}\n`);
}
