import type { Command } from 'commander';
import type { Target } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import { baselineTarget } from '../../migrate/apply/baseline.js';
import {
  defaultMigrationsDir,
  describeOperation,
  loadChain,
  resolveRevision,
  resolveTarget,
  stampTarget,
} from '../../migrate/index.js';
import { type LoadedSource, loadSource } from '../../migrate/sources/index.js';
import type { CliContext } from '../context.js';
import { parseExclude } from '../../migrate/sources/exclude.js';
import { EXCLUDE_HELP, SOURCE_HELP, sourceContext } from './schema-source.js';

interface CommonOpts {
  target?: string;
  json?: boolean;
  dir?: string;
}

/**
 * The schema `migrate check` compares targets with: `--schema SOURCE`; else `--models`/CAREPOOL_MODELS;
 * else, when `--dir` names another migrations folder, that chain at its heads (its own desired state,
 * not carepool's built-in models); else the built-in models.
 */
export async function desiredSchema(
  ctx: CliContext,
  opts: CommonOpts & { schema?: string; models?: string; server?: string; exclude?: string },
): Promise<LoadedSource> {
  const sources = sourceContext(ctx, opts);
  const spec = opts.schema ?? (opts.models || process.env.CAREPOOL_MODELS || !opts.dir ? 'models' : 'chain');
  return loadSource(spec, sources);
}

/** `carepool migrate stamp | baseline | resolve`: adopting databases and settling interrupted runs. */
export function registerMigrateAdopt(
  migrate: Command,
  ctx: CliContext,
  withCommon: (c: Command) => Command,
): void {
  const chainOf = (opts: CommonOpts) => loadChain(opts.dir ?? defaultMigrationsDir());

  withCommon(migrate.command('stamp <revision>'))
    .description(
      'adopt an existing database at REV (an id or a unique prefix) after verifying its schema matches',
    )
    .option(
      '--force',
      'stamp even if the schema differs: the difference is written as an adopt revision on top of REV',
    )
    .option('--schema <source>', `verify against this schema instead of the chain at REV: ${SOURCE_HELP}`)
    .option('--models <path>', 'your own models module (for --schema models)')
    .option('--server <flavor:version>', 'server a .sql source is normalised on')
    .option('--exclude <names>', EXCLUDE_HELP)
    .action(
      async (
        rev: string,
        opts: CommonOpts & {
          force?: boolean;
          schema?: string;
          models?: string;
          server?: string;
          exclude?: string;
        },
      ) => {
        // A prefix naming no revision, or several, is a usage error before any target is touched.
        resolveRevision(await chainOf(opts), rev);
        const targets = (await ctx.registry()).select(opts.target, { required: true });
        const sources = sourceContext(ctx, opts);
        const source = opts.schema ? await loadSource(opts.schema, sources) : undefined;
        const results = [];
        // One at a time: a forced stamp may write an adopt revision the next target can reuse.
        for (const t of targets)
          results.push(
            await stampTarget(t, rev, {
              chain: await chainOf(opts),
              force: opts.force ?? false,
              ...(source ? { expected: { schema: source.schema, label: source.label } } : {}),
              ...(sources.exclude ? { exclude: sources.exclude } : {}),
            }),
          );
        if (opts.json)
          ctx.out.json({
            results: results.map((r) => ({ ...r, differences: r.differences.map(describeOperation) })),
          });
        else
          for (const r of results)
            ctx.out.line(
              r.ok
                ? `${r.target}: stamped ${r.applied.at(-1) ?? rev} (${r.applied.length} revisions recorded)${
                    r.adopted
                      ? `\n  the database differs from ${rev}: ${r.adopted.written ? 'wrote' : 'reused'} ${r.adopted.file}, recorded as applied:\n  ${r.differences.map(describeOperation).join('\n  ')}`
                      : ''
                  }`
                : `${r.target}: ${r.error?.code} ${r.error?.message}\n  hint: ${r.error?.hint}${r.differences.length ? `\n  ${r.differences.map(describeOperation).join('\n  ')}` : ''}`,
            );
        if (results.some((r) => !r.ok)) ctx.exitCode = 1;
      },
    );

  withCommon(migrate.command('baseline'))
    .description(
      'bring an existing database under migrations: write a first revision of what it holds, stamp it',
    )
    .requiredOption('--from <target>', 'the target whose schema becomes the baseline')
    .option('-m, --message <msg>', 'the revision message')
    .option('--exclude <names>', `${EXCLUDE_HELP}; they stay in the database, outside the chain`)
    .action(async (opts: CommonOpts & { from: string; message?: string; exclude?: string }) => {
      const target = (await ctx.registry()).get(opts.from);
      const chain = await chainOf(opts);
      const b = await baselineTarget(target, chain, opts.message, parseExclude(opts.exclude));
      if (b.notIncluded && !opts.json) ctx.out.note(`NOT included: ${b.notIncluded}`);
      if (opts.json) ctx.out.json(b);
      else
        ctx.out.line(
          b.stamp.ok
            ? `wrote ${b.file} (${b.operations} operations) and stamped ${b.target} at ${b.id}`
            : `wrote ${b.file}, but stamping ${b.target} failed: ${b.stamp.error?.code} ${b.stamp.error?.message}\n  hint: ${b.stamp.error?.hint}`,
        );
      if (!b.stamp.ok) ctx.exitCode = 1;
    });

  withCommon(migrate.command('resolve'))
    .description('show a half-applied revision, then --resume, --mark-applied or --revert it')
    .option('--resume', 'run the statements that did not land')
    .option('--mark-applied', 'record it as applied (you fixed it by hand)')
    .option('--revert', 'undo the statements that landed')
    .option('--wait', 'when the dead run’s statement still runs on the server, wait for it to end first')
    .option('--kill', 'when the dead run’s statement still runs on the server, KILL it first')
    .action(
      async (
        opts: CommonOpts & {
          resume?: boolean;
          markApplied?: boolean;
          revert?: boolean;
          wait?: boolean;
          kill?: boolean;
        },
      ) => {
        const chosen = [
          opts.resume && 'resume',
          opts.markApplied && 'mark-applied',
          opts.revert && 'revert',
        ].filter(Boolean) as ('resume' | 'mark-applied' | 'revert')[];
        if (chosen.length > 1)
          throw new AppError('CAREPOOL_USAGE', 'choose one of --resume, --mark-applied, --revert');
        if (opts.wait && opts.kill) throw new AppError('CAREPOOL_USAGE', 'choose one of --wait, --kill');
        const action = chosen[0] ?? 'show';
        const chain = await chainOf(opts);
        const registry = await ctx.registry();
        const targets: readonly Target[] =
          action === 'show' ? registry.select(opts.target) : registry.select(opts.target, { required: true });
        const running = opts.kill ? 'kill' : opts.wait ? 'wait' : 'refuse';
        const results = await Promise.all(targets.map((t) => resolveTarget(t, action, { chain, running })));
        if (opts.json) ctx.out.json({ results });
        else {
          for (const r of results) {
            if (!r.ok)
              ctx.out.line(`${r.target}: ${r.error?.code} ${r.error?.message}\n  hint: ${r.error?.hint}`);
            else if (r.revision === null) ctx.out.line(`${r.target}: nothing half-applied`);
            else {
              ctx.out.line(
                `${r.target}: ${r.revision} (${r.direction}) ${action === 'show' ? 'is half-applied' : `${action}: done, ${r.executed.length} statement(s) run`}`,
              );
              for (const e of r.entries)
                ctx.out.line(
                  `  ${e.seq + 1}. [${e.status}${e.status !== 'done' && e.landed !== null ? `, landed: ${e.landed}` : ''}${e.running ? `, STILL RUNNING as connection ${e.running.connectionId} (${e.running.seconds} s)` : ''}] ${e.statement.split('\n')[0]}${e.error ? `\n     error: ${e.error}` : ''}`,
                );
              if (action === 'show')
                ctx.out.line(
                  `  next: carepool migrate resolve --target ${r.target} --resume | --mark-applied | --revert${r.entries.some((e) => e.running) ? ' (with --wait or --kill)' : ''}`,
                );
            }
          }
        }
        if (results.some((r) => !r.ok)) ctx.exitCode = 1;
      },
    );
}
