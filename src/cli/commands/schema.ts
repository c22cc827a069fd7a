import type { Command } from 'commander';
import { AppError } from '../../errors/index.js';
import {
  DEFAULT_OFFLINE_SERVER,
  defaultMigrationsDir,
  describeOperation,
  diffSchemas,
  EMPTY_SCHEMA,
  introspectSchema,
  loadChain,
  parseServer,
  renderOps,
  schemaOf,
  targetDatabase,
} from '../../migrate/index.js';
import { models, type Schema } from '../../schema/index.js';
import type { CliContext } from '../context.js';

/**
 * `carepool schema diff A B` (A, B: a target name, `models`, or `chain` = the migrations at head, in
 * memory) and `carepool schema dump`. diff exits 1 when they differ.
 */
export function registerSchema(program: Command, ctx: CliContext): void {
  const schema = program
    .command('schema')
    .description('compare and print schemas of targets, the models and the migration chain');

  const load = async (source: string, dir: string | undefined): Promise<Schema> => {
    if (source === 'models') return models;
    if (source === 'chain') {
      const chain = await loadChain(dir ?? defaultMigrationsDir());
      return schemaOf(chain, new Set(chain.order));
    }
    const target = (await ctx.registry()).get(source);
    const conn = await target.connectMigrator();
    try {
      return await introspectSchema(conn, targetDatabase(target));
    } finally {
      await conn.close();
    }
  };

  schema
    .command('diff <a> <b>')
    .description('what turns A into B (exit 1 when they differ); A and B: a target, models or chain')
    .option('--json', 'print JSON')
    .option('--sql', 'print the statements too')
    .option('--server <flavor:version>', 'render --sql for this server', 'mysql:8.0.36')
    .option('--dir <path>', 'migrations directory (for chain)')
    .action(
      async (a: string, b: string, opts: { json?: boolean; sql?: boolean; server: string; dir?: string }) => {
        const [sa, sb] = await Promise.all([load(a, opts.dir), load(b, opts.dir)]);
        const ops = diffSchemas(sa, sb);
        if (opts.json)
          ctx.out.json({
            from: a,
            to: b,
            equal: ops.length === 0,
            operations: ops,
            summary: ops.map(describeOperation),
          });
        else if (ops.length === 0) ctx.out.line(`${a} and ${b} have the same schema`);
        else {
          ctx.out.line(
            `${ops.length} difference(s) from ${a} to ${b}:\n  ${ops.map(describeOperation).join('\n  ')}`,
          );
          if (opts.sql) {
            const server = parseServer(opts.server) ?? DEFAULT_OFFLINE_SERVER;
            ctx.out.line(
              renderOps(ops, server, sa)
                .statements.map((s) => `${s.sql};`)
                .join('\n'),
            );
          }
        }
        if (ops.length > 0) ctx.exitCode = 1;
      },
    );

  schema
    .command('dump')
    .description('print a target’s schema (or --target models|chain) as CREATE TABLE statements or JSON')
    .option('--target <name>', 'a target, models or chain (default: the first target)')
    .option('--json', 'print JSON')
    .option('--server <flavor:version>', 'render for this server', 'mysql:8.0.36')
    .option('--dir <path>', 'migrations directory (for chain)')
    .action(async (opts: { target?: string; json?: boolean; server: string; dir?: string }) => {
      const source = opts.target ?? (await ctx.registry()).names()[0];
      if (!source) throw new AppError('CAREPOOL_USAGE', 'name a target with --target');
      const s = await load(source, opts.dir);
      if (opts.json) ctx.out.json(s);
      else {
        const server = parseServer(opts.server) ?? DEFAULT_OFFLINE_SERVER;
        ctx.out.line(
          renderOps(diffSchemas(EMPTY_SCHEMA, s), server, EMPTY_SCHEMA)
            .statements.map((st) => `${st.sql};`)
            .join('\n\n'),
        );
      }
    });
}
