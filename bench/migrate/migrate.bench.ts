/**
 * Migrations vs Alembic (issue 8, item 4), side by side in one run:
 * - the shipped chain up (and down) on two targets in parallel vs Alembic `upgrade head` (`downgrade base`)
 *   of the same revisions (bench/reference/alembic) on one of them, in-process and as CLI processes;
 * - introspection + diff of a live 200-table schema vs Alembic `revision --autogenerate` against the same
 *   database and an equivalent SQLAlchemy metadata.
 * Goals: chain <= 1.0x Alembic's time; autogenerate >= 10x faster. Writes the `migrate` section.
 * Run: `npm run bench -- migrate [--full]`. Pieces: harness.ts (Alembic, timers), corpus.ts, profile.ts.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import {
  diffSchemas,
  EMPTY_SCHEMA,
  loadChain,
  migrateFleet,
  normalizeCatalog,
  renderOps,
  targetDatabase,
} from '../../src/migrate/index.js';
import { connectSingle } from '../../src/db/connect.js';
import type { WorkspaceHost } from '../../src/migrate/workspace/index.js';
import { userUrl } from '../../src/sandbox/index.js';
import { median } from '../lib/measure.js';
import { machineLine, mdTable, writeSection } from '../lib/report.js';
import { startBenchServer } from '../lib/server.js';
import { referenceStack } from '../reference/stack.js';
import {
  AlembicDriver,
  catalogConnection,
  mirroredRevisions,
  cliProcesses,
  commandRound,
  commandSources,
  liveTablesOf,
  perRoundSpeedup,
  readLiveCatalog,
  pymysqlUrl,
  type Step,
  syntheticSchema,
  timed,
  withExtraColumn,
  writeModels,
} from './harness.js';
import { corpusText, runCorpus } from './corpus.js';
import { BEFORE_AFTER, profileCatalog, profileText, serverWork } from './profile.js';
import {
  BATCH_BEFORE_AFTER,
  COMMAND_PATH_BEFORE_AFTER,
  measureVerification,
  VERIFY_BEFORE_AFTER,
  verificationText,
} from './verify-profile.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TABLES = 200;

/** Runs the benchmark and returns its markdown section. */
export async function runMigrateBench(full: boolean): Promise<string> {
  // The chain takes ~50 ms a round and autogenerate ~0.5 s: enough rounds for medians on a shared machine.
  const rounds = full ? 41 : 15;
  const genRounds = full ? 25 : 15;
  // Autogenerate warm-up rounds (both tools, interleaved, discarded). Just after its 200 tables are created
  // the server is still busy with them and Node has not compiled the hot paths: measured on a quiet machine
  // (load 1), carepool's first 8-12 rounds took 2-3x the steady time (verified: 96-135 ms, then 40-50 ms),
  // so a single warm-up left most of the 7 measured rounds in that phase.
  const genWarmup = full ? 10 : 8;
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
    // Like with like: up to the last revision Alembic mirrors; newer ones are timed, not compared.
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
    const bin = join(ROOT, 'dist', 'cli', 'bin.js');
    const cli =
      existsSync(bin) && alembic
        ? await cliProcesses({ bin, to, rounds: cliRounds, cwd, carepoolEnv: env, alembicUrl })
        : { carepool: [], alembic: [] };

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
      verified: [],
    };
    // "With verification on": the desired schema differs in one table (a new column on t100, in the middle
    // of the FK chain); timed as `schema diff a models --sql` runs it (commandRound: compareSources, the
    // command's own library call), the workspace made on target a's server by its migrator, which has the
    // workspace grant docs/migrations.md#workspaces recommends.
    const changed = withExtraColumn(big, 't100', 'extra');
    const sourcesFor = (modelsPath: string) => commandSources(registry, cwd, modelsPath);
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
    let verification: Awaited<ReturnType<typeof measureVerification>> | undefined;
    let corpusRows: string[][] = [];
    let alembicOps: number | null | undefined;
    try {
      // Alembic's ledger is not part of either model; carepool's ledger is excluded on both sides.
      await conn.query(sql`DROP TABLE IF EXISTS alembic_version`);
      // Target a's migrator gets what docs/migrations.md#workspaces recommends for workspaces on the
      // target's own server: the `_carepool_ws_%` databases, and BINLOG ADMIN so they stay out of the binlog.
      const admin = await wsHost.connect();
      try {
        const migrator = `'${a.state.users.migrator.user}'@'%'`;
        await admin.query(sql.raw(`GRANT ALL ON \`\\_carepool\\_ws\\_%\`.* TO ${migrator}`));
        await admin.query(sql.raw(`GRANT BINLOG ADMIN ON *.* TO ${migrator}`));
      } finally {
        await admin.close();
      }
      const plainSources = sourcesFor(await writeModels(cwd, 'models-200', big));
      const changedSources = sourcesFor(await writeModels(cwd, 'models-200-changed', changed));
      const { statements } = renderOps(
        diffSchemas(EMPTY_SCHEMA, big),
        { flavor: 'mariadb', version: [10, 11, 0] },
        EMPTY_SCHEMA,
      );
      for (const st of statements) await conn.query(sql.raw(st.sql));
      const carepoolAutogen = async () => {
        // introspectSchema in its two halves: the catalog read (on the migrator's own batching connection,
        // opened and closed on the clock, as the commands read a target) and the normaliser.
        const read = await timed(() => readLiveCatalog(target));
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
        const unsupported = live.value.tables.filter((tb) => tb.unsupported);
        if (unsupported.length > 0) throw new Error(`${unsupported.length} tables read as unsupported`);
        // `schema diff a models` as the command runs it (its library call, on one clock): the headline row.
        const plain = await commandRound(plainSources, 'a', false);
        if (plain.value.ops.length > 0) throw new Error(`false diff: ${plain.value.ops.length} operations`);
        gen.carepool?.push(plain);
        // The same with verification on (`--sql`), timed end to end as a user waits for it.
        const v = await commandRound(changedSources, 'a', true);
        const plan = v.value.proof?.verified ? v.value.proof.plan : undefined;
        if (v.value.ops.length !== 1 || plan?.tables.length !== 1 || !plan.host)
          throw new Error(`verified plan: ${JSON.stringify(v.value.proof)}`);
        gen.verified?.push(v);
      };
      const alembicAutogen = async () => {
        if (!alembic) return;
        const step = await alembic.run(`autogenerate ${TABLES}`);
        alembicOps = step.ops;
        gen.alembic?.push(step);
      };
      for (let round = 0; round < genWarmup; round++) {
        await carepoolAutogen();
        await alembicAutogen();
      }
      for (const s of Object.values(gen)) s.length = 0;
      for (let round = 0; round < genRounds; round++) {
        for (const fn of round % 2 ? [alembicAutogen, carepoolAutogen] : [carepoolAutogen, alembicAutogen])
          await fn();
      }
      catalog = await profileCatalog(conn, targetDatabase(target), genRounds, {
        pool: target.sql,
        openBatch: () => catalogConnection(target),
      });
      const from = await liveTablesOf(target)();
      verification = await measureVerification(wsHost, from, changed, mariadb, genRounds);
      await conn.query(sql`SET FOREIGN_KEY_CHECKS = 0`);
      for (const st of statements)
        if (st.op.kind === 'createTable')
          await conn.query(sql`DROP TABLE IF EXISTS ${sql.ident(st.op.table.name)}`);
      corpusRows = await runCorpus(conn, target, cwd, sourcesFor, genRounds);
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
      // Interleaved rounds: the per-round ratio is less exposed to passing load than that of the medians.
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
        `(median of ${genRounds} interleaved rounds after ${genWarmup} warm-up rounds of each; carepool's bookkeeping tables excluded on both sides):`,
        '',
        mdTable(
          ['tool', 'what it does', 'time', 'CPU s (client)', 'differences found'],
          [
            [
              'carepool',
              '`schema diff a models` as the command runs it (compareSources: the models module, the live catalog and objects read on two migrator connections opened and closed on the clock, the normaliser with the fidelity check, the diff); in brackets its pieces timed alone: catalog read on one connection, normaliser, diff',
              `${fmt(ms(gen.carepool))} (catalog ${fmt(ms(gen.read))}, normalise ${fmt(ms(gen.normalize))}, diff ${fmt(ms(gen.diff))})`,
              cpu(gen.carepool).toFixed(3),
              '0',
            ],
            [
              'carepool, with verification',
              '`schema diff a models --sql` as the command runs it, on one clock until the workspace DROP is done: the same, against models with one changed table, with the workspace started beside the live read (connect and session settings overlap it) + render + replay on a scratch copy + re-introspect + re-diff',
              fmt(ms(gen.verified)),
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
        `with verification on, **${(ms(gen.alembic) / ms(gen.verified)).toFixed(1)}x** (goal >= 10x: ${ms(gen.alembic) / ms(gen.verified) >= 10 ? 'met' : 'missed'}; per round ${perRoundSpeedup(gen.alembic, gen.verified)}), and`,
        `introspection + diff + verification of ${TABLES} tables took ${fmt(ms(gen.verified))} (goal < 1 s: ${ms(gen.verified) < 1000 ? 'met' : 'missed'}).`,
        'Introspection now also reads SHOW CREATE TABLE of every table and checks each against the model rendered\nback (the fidelity check, docs/schema-model.md); that is part of the catalog and normalise times above.',
        '',
        corpusText(corpusRows),
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
        ...(verification ? [verificationText({ ...verification, readMs: ms(gen.read) }), ''] : []),
        BEFORE_AFTER,
        '',
        VERIFY_BEFORE_AFTER,
        '',
        BATCH_BEFORE_AFTER,
        '',
        COMMAND_PATH_BEFORE_AFTER,
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
