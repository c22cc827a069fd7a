import { AppError } from '../../errors/index.js';
import { defaultMigrationsDir, parseServer, type Renames, type ServerInfo } from '../../migrate/index.js';
import type { SourceContext } from '../../migrate/sources/index.js';
import { parseExclude } from '../../migrate/sources/exclude.js';
import type { CliContext } from '../context.js';

/** The options every command naming a schema source shares. */
export interface SourceOpts {
  dir?: string;
  models?: string;
  server?: string;
  exclude?: string;
}

/** Parses `--server flavor:version`, or a usage error quoting it. */
export function serverOption(value: string | undefined): ServerInfo | undefined {
  if (value === undefined) return undefined;
  const server = parseServer(value);
  if (!server)
    throw new AppError(
      'CAREPOOL_USAGE',
      `--server "${value}" is not FLAVOR:VERSION (e.g. mysql:8.0.36, mariadb:10.11)`,
    );
  return server;
}

/** The {@link SourceContext} of a command: its --dir, --models (or CAREPOOL_MODELS) and --server. */
export function sourceContext(ctx: CliContext, opts: SourceOpts): SourceContext {
  const server = serverOption(opts.server);
  const modelsPath = opts.models ?? process.env.CAREPOOL_MODELS;
  // Each workspace (one per .sql source, one per verification) notes the same fallback: say it once.
  const said = new Set<string>();
  return {
    targets: async () => (await ctx.registry()).list(),
    migrationsDir: opts.dir ?? defaultMigrationsDir(),
    ...(modelsPath ? { modelsPath } : {}),
    ...(server ? { server } : {}),
    ...(opts.exclude !== undefined ? { exclude: parseExclude(opts.exclude) } : {}),
    home: ctx.config().home,
    cwd: process.cwd(),
    onNote: (m) => {
      if (said.has(m)) return;
      said.add(m);
      ctx.out.note(m);
    },
  };
}

/** Help text of a SOURCE argument. */
export const SOURCE_HELP =
  'a target, models (--models PATH), chain (--dir), a .sql file or a directory of .sql files';

/** `--rename-table old:new` and `--rename-column table.old:new` values (renames are never guessed). */
export function parseRenames(opts: { renameTable?: string[]; renameColumn?: string[] }): Renames {
  const bad = (v: string, example: string) =>
    new AppError('CAREPOOL_USAGE', `rename "${v}" is not in the form ${example}`);
  const tables = (opts.renameTable ?? []).map((v) => {
    const [from, to] = v.split(':');
    if (!from || !to) throw bad(v, 'old:new');
    return { from, to };
  });
  const columns = (opts.renameColumn ?? []).map((v) => {
    const m = /^([^.]+)\.([^:]+):(.+)$/.exec(v);
    if (!m?.[1] || !m[2] || !m[3]) throw bad(v, 'table.old:new');
    return { table: m[1], from: m[2], to: m[3] };
  });
  return { tables, columns };
}

/** Help text of `--exclude`. */
export const EXCLUDE_HELP =
  'leave tables and objects out of the comparison: names or patterns, comma-separated (audit_*,tmp_?)';
