/**
 * Migrations vs Alembic (issue 8, item 4), side by side in one run:
 * - the shipped chain up (and down) on two targets in parallel vs Alembic `upgrade head` (`downgrade base`)
 *   of the same revisions (bench/reference/alembic) on one of them, in-process and as CLI processes;
 * - introspection + diff of a live 200-table schema vs Alembic `revision --autogenerate` against the same
 *   database and an equivalent SQLAlchemy metadata.
 * Goals: chain <= 1.0x Alembic's time; autogenerate >= 10x faster. Writes the `migrate` section.
 * Run: `npm run bench -- migrate [--full]`.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import {
  diffSchemas,
  EMPTY_SCHEMA,
  loadChain,
  migrateFleet,
  normalizeCatalog,
  readCatalog,
  renderOps,
  targetDatabase,
} from '../../src/migrate/index.js';
import { connectSingle } from '../../src/db/connect.js';
import { verifiedPlan } from '../../src/migrate/diff/verify.js';
import type { WorkspaceHost } from '../../src/migrate/workspace/index.js';
import { type ServerState, userUrl } from '../../src/sandbox/index.js';
import { type Schema, schema, t, table } from '../../src/schema/index.js';
import { median } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';
import { SAKILA_TABLES } from '../../test/migrate/fidelity/corpus.js';
import { PYTHON, referenceStack } from '../reference/stack.js';
import { BEFORE_AFTER, profileCatalog, profileText, serverWork } from './profile.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ALEMBIC_DIR = join(ROOT, 'bench', 'reference', 'alembic');
const TABLES = 200;

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

/** Wall ms and CPU seconds of one timed step. */
interface Step {
  readonly ms: number;
  readonly cpu: number;
  readonly ops?: number | null;
}

/** SQLAlchemy URL of a sandbox user (handed to Python through the environment only). */
function pymysqlUrl(state: ServerState, role: 'migrator' | 'app'): string {
  const { user, password } = state.users[role];
  return `mysql+pymysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${state.port}/${state.database}?charset=utf8mb4`;
}

/** The long-lived Python process of bench/reference/alembic_bench.py: one command, one JSON answer. */
class AlembicDriver {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #stderr = '';

  constructor(url: string) {
    this.#child = spawn(PYTHON, [join(ROOT, 'bench', 'reference', 'alembic_bench.py')], {
      env: { ...process.env, CAREPOOL_BENCH_DB_URL: url },
    });
    this.#child.stderr.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async #next(): Promise<Record<string, unknown>> {
    for (;;) {
      const line = await this.#lines.next();
      if (line.done) throw new Error(`Alembic driver exited: ${this.#stderr}`);
      if (line.value.startsWith('{')) return JSON.parse(line.value) as Record<string, unknown>;
    }
  }

  async ready(): Promise<string> {
    return String((await this.#next()).alembic);
  }

  async run(command: string): Promise<Step> {
    this.#child.stdin.write(`${command}\n`);
    const answer = await this.#next();
    return { ms: Number(answer.ms), cpu: Number(answer.cpu), ops: answer.ops as number | null };
  }

  close(): void {
    this.#child.stdin.end();
  }
}

/** Times a carepool step in this process. */
async function timed<T>(fn: () => Promise<T>): Promise<Step & { value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1e6, value };
}

/** Wall time of a whole command-line process, as a user runs it. */
function processMs(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) =>
    execFile(file, args, { env, cwd }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.slice(-1500)}`))
        : resolve(performance.now() - t0),
    ),
  );
}

/** Revision ids Alembic mirrors (bench/reference/alembic/versions/<id>.py). */
function mirroredRevisions(): Set<string> {
  return new Set(
    readdirSync(join(ALEMBIC_DIR, 'versions'))
      .filter((f) => f.endsWith('.py'))
      .map((f) => f.slice(0, -3)),
  );
}

/** Runs the benchmark and returns its markdown section. */
export async function runMigrateBench(full: boolean): Promise<string> {
  // The chain takes ~50 ms a round and autogenerate ~0.5 s: enough rounds for medians on a shared machine.
  const rounds = full ? 41 : 15;
  const genRounds = full ? 15 : 7;
  const cliRounds = full ? 5 : 2;
  const stack = await referenceStack();
  const load = loadavg()[0] ?? 0;
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
  const alembicUrl = pymysqlUrl(a.state, 'migrator');
  const alembic = stack.ok ? new AlembicDriver(alembicUrl) : null;
  const cwd = await mkdtemp(join(tmpdir(), 'carepool-migrate-bench-'));
  try {
    const alembicVersion = alembic ? await alembic.ready() : null;
    const chain = await loadChain(join(ROOT, 'migrations'));
    // Compare like with like: carepool runs up to the last revision Alembic mirrors (all of them today;
    // a newer carepool revision without an Alembic twin is timed separately, not compared).
    const mirrored = mirroredRevisions();
    const compared = chain.order.filter((id) => mirrored.has(id));
    const to = compared.at(-1) ?? 'head';
    const partial = compared.length < chain.order.length;

    const samples: Record<string, Step[]> = {
      'carepool up': [],
      'carepool down': [],
      'alembic up': [],
      'alembic down': [],
    };
    const carepoolRound = async () => {
      const up = await timed(() => migrateFleet(registry.list(), { to, chain }));
      if (!up.value.every((r) => r.ok)) throw new Error(JSON.stringify(up.value.map((r) => r.error)));
      samples['carepool up']?.push(up);
      const down = await timed(() =>
        migrateFleet(registry.list(), { to: 'base', direction: 'down', chain, allowDestructive: true }),
      );
      if (!down.value.every((r) => r.ok)) throw new Error(JSON.stringify(down.value.map((r) => r.error)));
      samples['carepool down']?.push(down);
    };
    const alembicRound = async () => {
      if (!alembic) return;
      samples['alembic up']?.push(await alembic.run('upgrade'));
      samples['alembic down']?.push(await alembic.run('downgrade'));
    };
    // One warm-up each (JIT, imports, first connections), then interleaved rounds A B, B A, ...
    await carepoolRound();
    await alembicRound();
    for (const s of Object.values(samples)) s.length = 0;
    for (let round = 0; round < rounds; round++) {
      for (const fn of round % 2 ? [alembicRound, carepoolRound] : [carepoolRound, alembicRound]) await fn();
    }

    // What one run costs a server: statements and connections target a saw (the other target sees the same).
    const statusConn = await registry.get('a').connectMigrator();
    let ddl = 0;
    let work: {
      carepool: Awaited<ReturnType<typeof serverWork>>;
      alembic?: Awaited<ReturnType<typeof serverWork>>;
    };
    try {
      work = {
        carepool: await serverWork(statusConn, async () => {
          const [first] = await migrateFleet(registry.list(), { to, chain });
          ddl = first?.steps.reduce((n, s) => n + s.statements.length, 0) ?? 0;
        }),
      };
      await migrateFleet(registry.list(), { to: 'base', direction: 'down', chain, allowDestructive: true });
      if (alembic) {
        work.alembic = await serverWork(statusConn, () => alembic.run('upgrade'));
        await alembic.run('downgrade');
      }
    } finally {
      await statusConn.close();
    }

    // The same, as command-line processes (interpreter start and imports included): what a user waits for.
    const cli: Record<string, number[]> = { carepool: [], alembic: [] };
    const bin = join(ROOT, 'dist', 'cli', 'bin.js');
    const hasDist = existsSync(bin);
    if (hasDist && alembic) {
      const carepoolEnv = { ...process.env, ...env };
      const alembicEnv = { ...process.env, CAREPOOL_BENCH_DB_URL: alembicUrl };
      const ini = join(ALEMBIC_DIR, 'alembic.ini');
      for (let round = 0; round < cliRounds; round++) {
        cli.carepool?.push(
          await processMs(process.execPath, [bin, 'migrate', 'up', to, '--target', 'all'], carepoolEnv, cwd),
        );
        await processMs(
          process.execPath,
          [bin, 'migrate', 'down', 'base', '--target', 'all', '--allow-destructive'],
          carepoolEnv,
          cwd,
        );
        cli.alembic?.push(
          await processMs(PYTHON, ['-m', 'alembic', '-c', ini, 'upgrade', 'head'], alembicEnv, cwd),
        );
        await processMs(PYTHON, ['-m', 'alembic', '-c', ini, 'downgrade', 'base'], alembicEnv, cwd);
      }
    }

    // 200 tables on target a, created through carepool's renderer; then carepool introspect + diff and
    // Alembic autogenerate (reflect + compare + write a revision file) against the same live database.
    const big = syntheticSchema(TABLES);
    const target = registry.get('a');
    const conn = await target.connectMigrator();
    const gen: Record<string, Step[]> = {
      read: [],
      normalize: [],
      diff: [],
      carepool: [],
      alembic: [],
      verify: [],
      verified: [],
    };
    // "With verification on": the desired schema differs in one table (a new column on t100, in the middle
    // of the FK chain); carepool introspects, diffs, renders and proves the statements on a scratch copy in
    // a workspace on the same server (verifiedPlan), as `schema diff --sql` and autogenerate do.
    const changed: Schema = {
      tables: big.tables.map((tb) =>
        tb.name === 't100'
          ? {
              ...tb,
              columns: [
                ...tb.columns,
                { name: 'extra', type: { kind: 'varchar', length: 20 }, nullable: true },
              ],
            }
          : tb,
      ),
    };
    const wsHost: WorkspaceHost = {
      label: 'bench server a',
      connect: () =>
        connectSingle(
          'bench admin',
          parseConnectionUrl('bench admin', userUrl(a.state, 'admin', 'DISABLED')),
          {
            connectTimeoutMs: 5000,
            keepAliveMs: 0,
          },
        ),
    };
    const mariadb = { flavor: 'mariadb', version: [10, 11, 0] } as const;
    let catalog: Awaited<ReturnType<typeof profileCatalog>> | undefined;
    const corpus = { steps: [] as Step[], tables: 0, unsupported: 0 };
    let alembicOps: number | null | undefined;
    try {
      // Alembic's ledger is not part of either model; carepool's ledger is excluded on both sides.
      await conn.query(sql`DROP TABLE IF EXISTS alembic_version`);
      const { statements } = renderOps(
        diffSchemas(EMPTY_SCHEMA, big),
        { flavor: 'mariadb', version: [10, 11, 0] },
        EMPTY_SCHEMA,
      );
      for (const st of statements) await conn.query(sql.raw(st.sql));
      const carepoolAutogen = async () => {
        // introspectSchema in its two halves: the catalog queries (over the pool) and the normaliser.
        const read = await timed(() => readCatalog(target.sql, targetDatabase(target)));
        const live = await timed(async () => normalizeCatalog(read.value));
        // Alembic's autogenerate creates its (empty) alembic_version table; it is Alembic's ledger, not part
        // of the models, so it is left out here as env.py leaves carepool's ledger tables out for Alembic.
        const diff = await timed(async () =>
          diffSchemas({ tables: live.value.tables.filter((tb) => tb.name !== 'alembic_version') }, big),
        );
        if (diff.value.length > 0)
          throw new Error(`false diff on the ${TABLES}-table schema: ${diff.value.length} operations`);
        gen.read?.push(read);
        gen.normalize?.push(live);
        gen.diff?.push(diff);
        gen.carepool?.push({ ms: read.ms + live.ms + diff.ms, cpu: read.cpu + live.cpu + diff.cpu });
        const unsupported = live.value.tables.filter((tb) => tb.unsupported);
        if (unsupported.length > 0) throw new Error(`${unsupported.length} tables read as unsupported`);
        const liveTables = { tables: live.value.tables.filter((tb) => tb.name !== 'alembic_version') };
        const verify = await timed(() => verifiedPlan(wsHost, liveTables, changed, mariadb));
        if (verify.value.ops.length !== 1 || verify.value.tables.length !== 1)
          throw new Error(
            `verified plan: ${verify.value.ops.length} ops on ${verify.value.tables.join(', ')}`,
          );
        gen.verify?.push(verify);
        gen.verified?.push({ ms: read.ms + live.ms + verify.ms, cpu: read.cpu + live.cpu + verify.cpu });
      };
      const alembicAutogen = async () => {
        if (!alembic) return;
        const step = await alembic.run(`autogenerate ${TABLES}`);
        alembicOps = step.ops;
        gen.alembic?.push(step);
      };
      await carepoolAutogen();
      await alembicAutogen();
      for (const s of Object.values(gen)) s.length = 0;
      for (let round = 0; round < genRounds; round++) {
        for (const fn of round % 2 ? [alembicAutogen, carepoolAutogen] : [carepoolAutogen, alembicAutogen])
          await fn();
      }
      catalog = await profileCatalog(conn, targetDatabase(target), genRounds);
      await conn.query(sql`SET FOREIGN_KEY_CHECKS = 0`);
      for (const st of statements)
        if (st.op.kind === 'createTable')
          await conn.query(sql`DROP TABLE IF EXISTS ${sql.ident(st.op.table.name)}`);
      // The fidelity corpus: Sakila's 16 tables, introspected (with the SHOW CREATE check) and self-diffed.
      for (const ddl of SAKILA_TABLES) await conn.query(sql.raw(ddl));
      for (let round = 0; round <= genRounds; round++) {
        const step = await timed(async () => {
          const live = normalizeCatalog(await readCatalog(target.sql, targetDatabase(target)));
          return { live, ops: diffSchemas(live, live).length };
        });
        corpus.unsupported = step.value.live.tables.filter((tb) => tb.unsupported).length;
        corpus.tables = step.value.live.tables.length;
        if (round > 0) corpus.steps.push(step);
      }
      for (const name of ['payment', 'rental', 'customer', 'inventory', 'film_actor', 'film_category'])
        await conn.query(sql.raw(`DROP TABLE IF EXISTS \`${name}\``));
      await conn.query(sql.raw('SET FOREIGN_KEY_CHECKS = 0'));
      for (const ddl of SAKILA_TABLES) {
        const name = /CREATE TABLE\s+`?(\w+)/i.exec(ddl)?.[1];
        if (name) await conn.query(sql.raw(`DROP TABLE IF EXISTS \`${name}\``));
      }
    } finally {
      await conn.close();
    }

    const ms = (v: readonly Step[] | undefined) => median((v ?? []).map((s) => s.ms));
    const cpu = (v: readonly Step[] | undefined) => median((v ?? []).map((s) => s.cpu));
    const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);
    const chainDesc = `${compared.length} revisions (${compared.join(', ')})`;
    const lines = [
      '## Migrations: carepool vs Alembic',
      '',
      machineLine(
        `MariaDB ${a.state.version} on loopback, ${stack.versions}, load average ${load.toFixed(1)} at start`,
      ),
      '',
      `Chain: ${chainDesc}; bench/reference/alembic/versions holds the same revisions as Alembic files`,
      '(same tables, columns, indexes, FKs and defaults; Alembic emits the indexes as separate CREATE INDEX).',
      `carepool migrates **two** targets in parallel (advisory lock, ledger, per-statement journal on each);`,
      'Alembic migrates **one** (`alembic_version` only). In-process: one warm-up, then the median of',
      `${rounds} interleaved rounds; Alembic runs in one long-lived Python process (\`bench/reference/alembic_bench.py\`),`,
      'so neither side pays interpreter start-up there. "CLI" rows time the whole command as a user runs it',
      `(\`node dist/cli/bin.js migrate up ${to} --target all\` vs \`python3 -m alembic upgrade head\`; Debian's`,
      `python3-alembic ships no \`alembic\` script), median of ${cliRounds}.`,
      ...(partial
        ? [
            '',
            `migrations/ also holds ${chain.order.filter((id) => !mirrored.has(id)).join(', ')}, which has no Alembic twin yet; it is not part of the comparison.`,
          ]
        : []),
      '',
    ];
    if (alembic) {
      const up = ms(samples['carepool up']) / ms(samples['alembic up']);
      const down = ms(samples['carepool down']) / ms(samples['alembic down']);
      lines.push(
        mdTable(
          [
            'step',
            'carepool (2 targets)',
            'Alembic (1 target)',
            'time ratio carepool ÷ Alembic',
            'CPU s carepool / Alembic',
          ],
          [
            [
              'up (in-process)',
              fmt(ms(samples['carepool up'])),
              fmt(ms(samples['alembic up'])),
              `**${up.toFixed(2)}** (goal <= 1.0)`,
              `${cpu(samples['carepool up']).toFixed(3)} / ${cpu(samples['alembic up']).toFixed(3)}`,
            ],
            [
              'down to base (in-process)',
              fmt(ms(samples['carepool down'])),
              fmt(ms(samples['alembic down'])),
              down.toFixed(2),
              `${cpu(samples['carepool down']).toFixed(3)} / ${cpu(samples['alembic down']).toFixed(3)}`,
            ],
            ...(cli.carepool?.length
              ? [
                  [
                    'up, CLI process',
                    fmt(median(cli.carepool)),
                    fmt(median(cli.alembic ?? [])),
                    (median(cli.carepool) / median(cli.alembic ?? [])).toFixed(2),
                    '',
                  ],
                ]
              : []),
          ],
        ),
      );
      if (!cli.carepool?.length) lines.push('', 'CLI rows skipped: `dist/` is not built (`npm run build`).');
      // Rounds interleave, so each carepool run has an Alembic run beside it: the ratio per round is less
      // exposed to load that comes and goes than the ratio of the medians.
      const paired = (cp: readonly Step[] = [], al: readonly Step[] = []) =>
        cp.map((s, i) => s.ms / (al[i]?.ms ?? Number.NaN)).filter(Number.isFinite);
      const spread = (v: readonly number[]) => {
        const s = [...v].sort((x, y) => x - y);
        const at = (q: number) => (s[Math.floor(q * (s.length - 1))] ?? Number.NaN).toFixed(2);
        return `median ${median(s).toFixed(2)} (quartiles ${at(0.25)}-${at(0.75)})`;
      };
      lines.push(
        '',
        `Per-round ratio carepool ÷ Alembic (each run against the Alembic run beside it): up ${spread(paired(samples['carepool up'], samples['alembic up']))}, down ${spread(paired(samples['carepool down'], samples['alembic down']))}.`,
      );
      const speedup = ms(gen.alembic) / ms(gen.carepool);
      lines.push(
        '',
        `Autogenerate against a live database of ${TABLES} tables / ${TABLES * 8} columns / ${TABLES - 1} FKs / ${TABLES} secondary indexes`,
        `(median of ${genRounds} interleaved rounds after a warm-up; carepool's bookkeeping tables excluded on both sides):`,
        '',
        mdTable(
          ['tool', 'what it does', 'time', 'CPU s (client)', 'differences found'],
          [
            [
              'carepool',
              'introspect (batched information_schema queries, normaliser) + diff against the models',
              `${fmt(ms(gen.carepool))} (catalog ${fmt(ms(gen.read))}, normalise ${fmt(ms(gen.normalize))}, diff ${fmt(ms(gen.diff))})`,
              cpu(gen.carepool).toFixed(3),
              '0',
            ],
            [
              'carepool, with verification',
              'introspect + diff against models with one changed table + render + replay on a scratch copy in a workspace + re-introspect + re-diff',
              `${fmt(ms(gen.verified))} (verification ${fmt(ms(gen.verify))})`,
              cpu(gen.verified).toFixed(3),
              '1 (verified)',
            ],
            [
              `Alembic ${alembicVersion}`,
              '`revision --autogenerate` (reflection per table, compare_type + compare_server_default, writes the file)',
              fmt(ms(gen.alembic)),
              cpu(gen.alembic).toFixed(3),
              String(alembicOps ?? '?'),
            ],
          ],
        ),
        '',
        `carepool is **${speedup.toFixed(1)}x** faster at autogenerate (goal >= 10x: ${speedup >= 10 ? 'met' : 'missed'} in this run);`,
        `with verification on, **${(ms(gen.alembic) / ms(gen.verified)).toFixed(1)}x** (goal >= 10x: ${ms(gen.alembic) / ms(gen.verified) >= 10 ? 'met' : 'missed'}), and`,
        `introspection + diff + verification of ${TABLES} tables took ${fmt(ms(gen.verified))} (goal < 1 s: ${ms(gen.verified) < 1000 ? 'met' : 'missed'}).`,
        'Introspection now also reads SHOW CREATE TABLE of every table and checks each against the model rendered',
        'back (the fidelity check, docs/schema-model.md); that is part of the catalog and normalise times above.',
        '',
        `Fidelity corpus: Sakila's ${SAKILA_TABLES.length} tables (ENUM, SET, YEAR, BLOB, GEOMETRY + SPATIAL, FULLTEXT on MyISAM, a circular FK;`,
        `the database held ${corpus.tables} tables in all, Alembic's alembic_version included)`,
        `introspected with the SHOW CREATE check and diffed against itself in ${fmt(ms(corpus.steps))} (median of ${corpus.steps.length});`,
        `${corpus.unsupported} table(s) read as unsupported.`,
        '',
        ...(catalog
          ? [
              profileText({
                tables: TABLES,
                catalog,
                read: ms(gen.read),
                normalize: ms(gen.normalize),
                diff: ms(gen.diff),
                cpuMs: cpu(gen.carepool) * 1000,
                chain: { ...work, ddl },
              }),
              '',
            ]
          : []),
        BEFORE_AFTER,
      );
    } else {
      lines.push(
        mdTable(
          ['step', 'carepool (2 targets)'],
          [
            ['up', fmt(ms(samples['carepool up']))],
            ['down to base', fmt(ms(samples['carepool down']))],
            [`introspect ${TABLES} tables + diff`, fmt(ms(gen.carepool))],
          ],
        ),
        '',
        `Alembic side not run: ${stack.ok ? '' : stack.reason}`,
      );
    }
    lines.push('', 'Command: `npm run bench -- migrate` (`--full` for more rounds).');
    const md = lines.join('\n');
    await writeSection('migrate', md);
    return md;
  } finally {
    alembic?.close();
    await registry.close(500);
    await Promise.all([a.stop(), b.stop()]);
    await rm(cwd, { recursive: true, force: true });
  }
}
