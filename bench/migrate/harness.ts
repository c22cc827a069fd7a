/**
 * The pieces of the migrate benchmark that are not the run itself: the synthetic 200-table schema, the
 * long-lived Alembic process, and the timers (in-process steps and whole command-line processes).
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import type { Target, TargetRegistry } from '../../src/db/targets.js';
import { normalizeCatalog, type RawCatalog, readCatalog, targetDatabase } from '../../src/migrate/index.js';
import { parseExclude } from '../../src/migrate/sources/exclude.js';
import { type Comparison, compareSources, type SourceContext } from '../../src/migrate/sources/index.js';
import type { ServerState } from '../../src/sandbox/index.js';
import { type Schema, schema, t, table } from '../../src/schema/index.js';
import { PYTHON } from '../reference/stack.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The Alembic twin of the chain (bench/reference/alembic). */
export const ALEMBIC_DIR = join(ROOT, 'bench', 'reference', 'alembic');

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
export interface Step {
  readonly ms: number;
  readonly cpu: number;
  readonly ops?: number | null;
}

/** SQLAlchemy URL of a sandbox user (handed to Python through the environment only). */
export function pymysqlUrl(state: ServerState, role: 'migrator' | 'app'): string {
  const { user, password } = state.users[role];
  return `mysql+pymysql://${user}:${encodeURIComponent(password)}@127.0.0.1:${state.port}/${state.database}?charset=utf8mb4`;
}

/** The long-lived Python process of bench/reference/alembic_bench.py: one command, one JSON answer. */
export class AlembicDriver {
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
export async function timed<T>(fn: () => Promise<T>): Promise<Step & { value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1e6, value };
}

/** Wall time of a whole command-line process, as a user runs it. */
export function processMs(
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
export function mirroredRevisions(): Set<string> {
  return new Set(
    readdirSync(join(ALEMBIC_DIR, 'versions'))
      .filter((f) => f.endsWith('.py'))
      .map((f) => f.slice(0, -3)),
  );
}

/** `rounds` of `migrate up` then `down` as command-line processes, carepool and Alembic, in wall ms. */
export async function cliProcesses(o: {
  readonly bin: string;
  readonly to: string;
  readonly rounds: number;
  readonly cwd: string;
  readonly carepoolEnv: Record<string, string>;
  readonly alembicUrl: string;
}): Promise<{ carepool: number[]; alembic: number[] }> {
  const cli = { carepool: [] as number[], alembic: [] as number[] };
  const carepoolEnv = { ...process.env, ...o.carepoolEnv };
  const alembicEnv = { ...process.env, CAREPOOL_BENCH_DB_URL: o.alembicUrl };
  const ini = join(ALEMBIC_DIR, 'alembic.ini');
  for (let round = 0; round < o.rounds; round++) {
    cli.carepool.push(
      await processMs(
        process.execPath,
        [o.bin, 'migrate', 'up', o.to, '--target', 'all'],
        carepoolEnv,
        o.cwd,
      ),
    );
    await processMs(
      process.execPath,
      [o.bin, 'migrate', 'down', 'base', '--target', 'all', '--allow-destructive'],
      carepoolEnv,
      o.cwd,
    );
    cli.alembic.push(
      await processMs(PYTHON, ['-m', 'alembic', '-c', ini, 'upgrade', 'head'], alembicEnv, o.cwd),
    );
    await processMs(PYTHON, ['-m', 'alembic', '-c', ini, 'downgrade', 'base'], alembicEnv, o.cwd);
  }
  return cli;
}

/** `schema` with one more nullable VARCHAR(20) column on `table`: the one-table change verification proves. */
export function withExtraColumn(schema: Schema, table: string, column: string): Schema {
  return {
    tables: schema.tables.map((tb) =>
      tb.name === table
        ? {
            ...tb,
            columns: [...tb.columns, { name: column, type: { kind: 'varchar', length: 20 }, nullable: true }],
          }
        : tb,
    ),
  };
}

/**
 * The schema sources of `schema diff a models --sql` as the CLI builds them (src/cli/commands/schema-source):
 * the configured targets, `models` from a module file, no sandbox (`home` holds none: the workspace is made
 * on the target's own server, whose migrator has the grant docs/migrations.md#workspaces recommends), and
 * `--exclude alembic_version` (Alembic's ledger, which its autogenerate creates, is not in the models).
 */
export function commandSources(registry: TargetRegistry, dir: string, modelsPath: string): SourceContext {
  return {
    targets: async () => registry.list(),
    migrationsDir: join(dir, 'migrations'),
    modelsPath,
    home: dir,
    cwd: dir,
    exclude: parseExclude('alembic_version'),
  };
}

/** Writes `schema` as a models module (`export default {...}`) named `name` in `dir`; returns its path. */
export async function writeModels(dir: string, name: string, schema: Schema): Promise<string> {
  const path = join(dir, `${name}.mjs`);
  await writeFile(path, `export default ${JSON.stringify(schema)};\n`);
  return path;
}

/**
 * One `schema diff a models [--sql]` as the command runs it, on one clock: compareSources, the library call
 * the command makes (both sources loaded, the live catalog read on the migrator's connections, the diff;
 * with `verify` the workspace started beside the read, the change replayed on a scratch copy, re-read,
 * re-diffed, and the workspace dropped before the clock stops). Only printing is left out.
 */
export function commandRound(
  sources: SourceContext,
  target: string,
  verify: boolean,
): Promise<Step & { value: Comparison }> {
  return timed(() => compareSources(sources, target, 'models', { verify }));
}

/**
 * A dedicated connection to `target` as its migrator, opened with `multipleStatements`: readCatalog sends
 * every SHOW CREATE TABLE on it in one round trip (`options.batch`), or the whole read in two.
 */
export function catalogConnection(target: Target): Promise<SingleConnection> {
  return connectSingle(target.name, target.config.migrateUrl ?? target.config.url, target.config.pool, {
    multipleStatements: true,
  });
}

/**
 * The live catalog as the commands read a target (src/migrate/sources): on the migrator's own connection,
 * opened with `multipleStatements` on the caller's clock, the whole read in two round trips (every SHOW
 * CREATE TABLE in the second). The profile (profileCatalog) also times the pool with and without a batch
 * connection for the SHOW CREATEs, which the commands do not use.
 */
export async function readLiveCatalog(target: Target): Promise<RawCatalog> {
  const conn = await target.connectMigrator({ multipleStatements: true });
  try {
    return await readCatalog(conn, targetDatabase(target));
  } finally {
    await conn.close();
  }
}

/**
 * Reads `target`'s live tables as autogenerate does ({@link readLiveCatalog}, the normaliser), without
 * Alembic's ledger: Alembic's autogenerate creates its empty alembic_version table, which is not part of
 * the models.
 */
export function liveTablesOf(target: Target): () => Promise<Schema> {
  return async () => ({
    tables: normalizeCatalog(await readLiveCatalog(target)).tables.filter(
      (tb) => tb.name !== 'alembic_version',
    ),
  });
}

/** `median 9.1x (quartiles 8.2-10.3x)` of Alembic's time over carepool's, round by round (interleaved). */
export function perRoundSpeedup(alembic: readonly Step[] = [], carepool: readonly Step[] = []): string {
  const r = carepool
    .map((s, i) => (alembic[i]?.ms ?? Number.NaN) / s.ms)
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  const at = (q: number) => (r[Math.floor(q * (r.length - 1))] ?? Number.NaN).toFixed(1);
  const mid =
    r.length % 2 ? r[(r.length - 1) / 2] : ((r[r.length / 2 - 1] ?? 0) + (r[r.length / 2] ?? 0)) / 2;
  return `median ${(mid ?? Number.NaN).toFixed(1)}x, quartiles ${at(0.25)}-${at(0.75)}x`;
}
