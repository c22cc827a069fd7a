import type { Command } from 'commander';
import { AppError } from '../../errors/index.js';
import { describeOperation, renderOps } from '../../migrate/index.js';
import { objectsNotCompared } from '../../migrate/objects/raw.js';
import { scriptStatement } from '../../migrate/objects/session.js';
import { compareSources, dumpSource, loadSource, verifiedWhat } from '../../migrate/sources/index.js';
import type { CliContext } from '../context.js';
import { EXCLUDE_HELP, SOURCE_HELP, type SourceOpts, serverOption, sourceContext } from './schema-source.js';

/**
 * `carepool schema diff FROM TO` and `carepool schema dump --target SOURCE`, where a source is a target,
 * `models`, `chain`, or .sql files (normalised in a workspace). diff exits 1 when they differ.
 */
export function registerSchema(program: Command, ctx: CliContext): void {
  const schema = program
    .command('schema')
    .description('compare and dump schemas of targets, models, the migration chain or .sql files');
  const withSource = (cmd: Command) =>
    cmd
      .option('--dir <path>', 'migrations directory (for chain)')
      .option(
        '--models <path>',
        'your own models module (default: CAREPOOL_MODELS, else the built-in models)',
      )
      .option('--server <flavor:version>', 'server a .sql source is normalised on and SQL is rendered for')
      .option('--exclude <names>', EXCLUDE_HELP);

  withSource(schema.command('diff <from> <to>'))
    .description(`what turns FROM into TO (exit 1 when they differ); each: ${SOURCE_HELP}`)
    .option('--json', 'print JSON')
    .option('--sql', 'print the statements too')
    .action(async (a: string, b: string, opts: SourceOpts & { json?: boolean; sql?: boolean }) => {
      const sources = sourceContext(ctx, opts);
      // With --sql (as a script, not --json) the change is proven before it is shown (compareSources:
      // replayed on a scratch copy of the affected tables in a workspace, re-read, re-diffed).
      const wanted = serverOption(opts.server);
      const cmp = await compareSources(sources, a, b, {
        verify: (opts.sql && !opts.json) ?? false,
        ...(wanted ? { server: wanted } : {}),
      });
      const { from: sa, to: sb, ops, server, proof } = cmp;
      // Objects one side cannot compare (it does not track them, or raw op.sql made them): said, not hidden.
      const side = (s: typeof sa, label: string) => ({
        label,
        schema: s.schema,
        ...(s.rawObjects ? { raw: s.rawObjects } : {}),
      });
      const notCompared = objectsNotCompared(side(sa, a), side(sb, b));
      if (opts.json)
        ctx.out.json({
          from: a,
          to: b,
          equal: ops.length === 0,
          operations: ops,
          summary: ops.map(describeOperation),
          notCompared,
        });
      else if (ops.length === 0) {
        for (const n of notCompared) ctx.out.note(`NOT compared: ${n}`);
        ctx.out.line(
          `${a} and ${b} have the same schema${notCompared.length ? ` in what both track (${notCompared.length} object(s) not compared, see above)` : ''}`,
        );
      } else {
        for (const n of notCompared) ctx.out.note(`NOT compared: ${n}`);
        // With --sql the whole output is a script to apply as printed: the summary becomes SQL comments.
        const c = opts.sql ? '-- ' : '';
        ctx.out.line(
          `${c}${ops.length} difference(s) from ${a} to ${b}:\n${c}  ${ops.map(describeOperation).join(`\n${c}  `)}`,
        );
        if (opts.sql && proof) {
          // Statements for the server FROM lives on (they are applied to it), else --server, else MySQL 8.0.
          if (proof.verified) {
            if (proof.plan.host) ctx.out.note(`verified on ${proof.plan.host}: ${verifiedWhat(proof.plan)}`);
          } else ctx.out.note(`NOT verified (${proof.reason}); review the statements before applying them`);
          ctx.out.line(renderOps(ops, server, sa.schema).statements.map(scriptStatement).join('\n'));
        }
      }
      if (ops.length > 0) ctx.exitCode = 1;
    });

  withSource(schema.command('dump'))
    .description(
      'print a loadable, faithful dump: tables in FK order, views, triggers and routines (or --json: the model)',
    )
    .option('--target <source>', `${SOURCE_HELP} (default: the first target)`)
    .option(
      '--definer',
      'keep each view/trigger/routine’s DEFINER (default: none, they belong to the loader)',
    )
    .option('--json', 'print the schema model as JSON')
    .action(async (opts: SourceOpts & { target?: string; json?: boolean; definer?: boolean }) => {
      const source = opts.target ?? (await ctx.registry()).names()[0];
      if (!source) throw new AppError('CAREPOOL_USAGE', 'name a schema source with --target');
      const sources = sourceContext(ctx, opts);
      if (opts.json) ctx.out.json((await loadSource(source, sources)).schema);
      else ctx.out.line((await dumpSource(source, sources, { definer: opts.definer ?? false })).trimEnd());
    });
}
