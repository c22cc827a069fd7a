import type { Command } from 'commander';
import { AppError } from '../../errors/index.js';
import {
  type Chain,
  defaultMigrationsDir,
  describeOperation,
  diffSchemas,
  loadChain,
  type MigrateEvent,
  mergeHeads,
  migrateFleet,
  offlineSql,
  parseServer,
  planTarget,
  schemaOf,
  type TargetResult,
  targetStatus,
} from '../../migrate/index.js';
import type { CliContext } from '../context.js';
import { desiredSchema, registerMigrateAdopt } from './migrate-adopt.js';
import { registerMigrateRevision } from './migrate-autogenerate.js';
import { EXCLUDE_HELP, SOURCE_HELP } from './schema-source.js';
import { excludeNames, parseExclude } from '../../migrate/sources/exclude.js';
import { table } from '../output.js';

interface CommonOpts {
  target?: string;
  json?: boolean;
  dir?: string;
}

const chainOf = (opts: CommonOpts): Promise<Chain> => loadChain(opts.dir ?? defaultMigrationsDir());

/** `carepool migrate …`: revisions, up/down (live or --sql), status, check, plan, stamp, merge, resolve. */
export function registerMigrate(program: Command, ctx: CliContext): void {
  const migrate = program
    .command('migrate')
    .description('schema migrations: autogenerate, up/down, plan, check, stamp, merge, resolve');
  const withCommon = (cmd: Command) =>
    cmd
      .option('--target <name>', 'target name, comma list or all')
      .option('--json', 'print JSON')
      .option('--dir <path>', 'migrations directory');

  registerMigrateRevision(migrate, ctx, withCommon);

  for (const [name, alias, direction] of [
    ['up', 'upgrade', 'up'],
    ['down', 'downgrade', 'down'],
  ] as const) {
    withCommon(migrate.command(`${name} [revision]`).alias(alias))
      .description(
        direction === 'up'
          ? 'apply revisions up to REV|head|heads|+N (default head)'
          : 'revert revisions down to REV|-N|base (default -1)',
      )
      .option('--sql', 'print the SQL instead of running it (offline: no connection)')
      .option(
        '--server <flavor:version>',
        'offline: the server to render for, e.g. mysql:8.0.36 or mariadb:10.11',
        'mysql:8.0.36',
      )
      .option(
        '--from <rev>',
        'offline: the revision the database is at (default base for up, heads for down)',
      )
      .option('--allow-destructive', 'run plans that drop or narrow data')
      .option('--stop-on-error', 'stop the other targets when one fails')
      .option('--lock-timeout <s>', 'seconds to wait for another run’s lock', '60')
      .action(
        async (
          rev: string | undefined,
          opts: CommonOpts & {
            sql?: boolean;
            server: string;
            from?: string;
            allowDestructive?: boolean;
            stopOnError?: boolean;
            lockTimeout: string;
          },
        ) => {
          const to = rev ?? (direction === 'up' ? 'head' : '-1');
          const chain = await chainOf(opts);
          if (opts.sql) {
            const server = parseServer(opts.server);
            if (!server)
              throw new AppError(
                'CAREPOOL_USAGE',
                `--server "${opts.server}" is not FLAVOR:VERSION (e.g. mysql:8.0.36, mariadb:10.11)`,
              );
            ctx.out.line(
              offlineSql(
                chain,
                { to, direction, server, ...(opts.from ? { from: opts.from } : {}) },
                `carepool migrate ${name} ${to} --sql`,
              ).trimEnd(),
            );
            return;
          }
          const targets = (await ctx.registry()).select(opts.target, { required: true });
          const results = await migrateFleet(targets, {
            to,
            direction,
            chain,
            allowDestructive: opts.allowDestructive ?? false,
            stopOnError: opts.stopOnError ?? false,
            lockTimeoutSeconds: Number(opts.lockTimeout),
            onEvent: (e) => progress(ctx, e),
          });
          if (opts.json) ctx.out.json({ results });
          else ctx.out.line(resultTable(results));
          if (results.some((r) => !r.ok)) ctx.exitCode = 1;
        },
      );
  }

  withCommon(migrate.command('plan [revision]'))
    .description(
      'show the statements up (or --down) would run on each live target, classified INSTANT/INPLACE/COPY',
    )
    .option('--down', 'plan a downgrade')
    .action(async (rev: string | undefined, opts: CommonOpts & { down?: boolean }) => {
      const chain = await chainOf(opts);
      const direction = opts.down ? 'down' : 'up';
      const targets = (await ctx.registry()).select(opts.target);
      const plans = await Promise.all(
        targets.map((t) => planTarget(t, chain, rev ?? (opts.down ? '-1' : 'head'), direction)),
      );
      if (opts.json) {
        ctx.out.json({
          plans: plans.map((p) => ({
            ...p,
            steps: p.steps.map((s) => ({
              revision: s.revision.id,
              direction: s.direction,
              statements: s.statements.map((st) => ({
                sql: st.sql,
                algorithm: st.online.algorithm,
                reason: st.online.reason,
              })),
            })),
          })),
        });
      } else {
        for (const p of plans) {
          ctx.out.line(`== ${p.target} (${p.server ?? 'unreachable'})`);
          if (p.error) ctx.out.line(`  ${p.error.code}: ${p.error.message}\n  hint: ${p.error.hint}`);
          if (p.ok && p.steps.length === 0) ctx.out.line('  up to date');
          for (const s of p.steps) {
            ctx.out.line(`-- ${s.revision.id} (${s.direction})`);
            for (const st of s.statements)
              ctx.out.line(
                `${st.online.algorithm ? `-- ${st.online.algorithm}: ${st.online.reason}\n` : ''}${st.sql};`,
              );
          }
          for (const d of p.destructive) ctx.out.line(`  ! destructive: ${d} (needs --allow-destructive)`);
          for (const w of p.warnings) ctx.out.line(`  ! ${w}`);
        }
      }
      if (plans.some((p) => !p.ok)) ctx.exitCode = 1;
    });

  for (const name of ['current', 'history', 'check'] as const) {
    const cmd = withCommon(migrate.command(name));
    if (name === 'check')
      cmd
        .option(
          '--schema <source>',
          `the desired schema (default: --models/CAREPOOL_MODELS, else the chain of --dir when given, else the built-in models): ${SOURCE_HELP}`,
        )
        .option('--models <path>', 'your own models module')
        .option('--server <flavor:version>', 'server a .sql source is normalised on')
        .option('--exclude <names>', EXCLUDE_HELP);
    cmd
      .description(
        name === 'current'
          ? 'the applied head revision(s) of each target'
          : name === 'history'
            ? 'the chain with what each target applied, when, by whom, how long'
            : 'exit 1 if any target (or the chain) differs from the models, or has edited/half-applied migrations',
      )
      .action(
        async (
          opts: CommonOpts & { schema?: string; models?: string; server?: string; exclude?: string },
        ) => {
          const chain = await chainOf(opts);
          const targets = (await ctx.registry()).select(opts.target);
          const desired = name === 'check' ? await desiredSchema(ctx, opts) : undefined;
          const exclude = parseExclude(opts.exclude);
          const statuses = await Promise.all(
            targets.map((t) =>
              targetStatus(t, chain, desired?.schema, {
                label: desired?.label ?? 'the models',
                ...(desired?.rawObjects ? { raw: desired.rawObjects } : {}),
                exclude,
              }),
            ),
          );
          const chainDrift =
            desired && desired.kind !== 'chain'
              ? diffSchemas(excludeNames(schemaOf(chain, new Set(chain.order)), exclude), desired.schema)
              : [];
          if (opts.json) {
            ctx.out.json({
              heads: chain.heads,
              targets: statuses,
              ...(name === 'check' ? { chainDrift: chainDrift.map(describeOperation) } : {}),
            });
          } else if (name === 'current') {
            ctx.out.line(
              table(
                ['target', 'current', 'pending', 'note'],
                statuses.map((s) => [
                  s.target,
                  s.current.join(',') || '(base)',
                  String(s.pending.length),
                  s.error?.code ?? (s.journal.length ? 'HALF-APPLIED: run resolve' : ''),
                ]),
              ),
            );
          } else if (name === 'history') {
            ctx.out.line(historyText(chain, statuses));
          } else {
            for (const s of statuses) {
              const problems = [
                ...(s.error ? [`${s.error.code}: ${s.error.message}`, `hint: ${s.error.hint}`] : []),
                ...(s.drift ?? []).map((o) => `drift: ${describeOperation(o)}`),
                ...s.edited.map((r) => `edited after apply: ${r}`),
                ...s.unknown.map((r) => `unknown applied revision: ${r}`),
                ...(s.journal.length ? [`half-applied: ${s.journal[0]?.revision}`] : []),
                ...(s.pending.length ? [`pending: ${s.pending.join(', ')}`] : []),
              ];
              // Objects left out of the comparison are said, never folded into "matches".
              const left = (s.notCompared ?? []).map((n) => `! ${n}`);
              ctx.out.line(
                `${s.target}: ${problems.length ? `\n  ${problems.join('\n  ')}` : `matches ${desired?.label ?? 'the models'}${left.length ? ` in what both sides track; ${left.length} object(s) NOT compared:` : ''}`}${left.length ? `\n  ${left.join('\n  ')}` : ''}`,
              );
            }
            if (chainDrift.length)
              ctx.out.line(
                `${chain.dir}: ${desired?.label ?? 'the models'} has changes no migration makes:\n  ${chainDrift.map(describeOperation).join('\n  ')}\n  run: carepool migrate revision --autogenerate -m "..."`,
              );
          }
          if (
            name === 'check' &&
            (chainDrift.length > 0 ||
              statuses.some(
                (s) =>
                  !s.ok ||
                  (s.drift?.length ?? 0) > 0 ||
                  s.edited.length ||
                  s.unknown.length ||
                  s.journal.length,
              ))
          ) {
            ctx.exitCode = 1;
          }
        },
      );
  }

  withCommon(migrate.command('heads'))
    .description('the head revision(s) of the chain (more than one: run merge)')
    .action(async (opts: CommonOpts) => {
      const chain = await chainOf(opts);
      if (opts.json) ctx.out.json({ heads: chain.heads });
      else ctx.out.line(chain.heads.map((h) => `${h} (head)`).join('\n') || '(no migrations)');
    });

  withCommon(migrate.command('merge'))
    .description('write a merge revision joining all heads')
    .option('-m, --message <msg>', 'message', 'merge heads')
    .action(async (opts: CommonOpts & { message: string }) => {
      const w = await mergeHeads(await chainOf(opts), opts.message);
      ctx.out.line(`wrote ${w.file} (parents: ${w.parents.join(', ')})`);
    });

  registerMigrateAdopt(migrate, ctx, withCommon);
}

function progress(ctx: CliContext, e: MigrateEvent): void {
  if (e.type === 'step')
    ctx.out.note(`[${e.target}] ${e.revision} ${e.direction} (${e.index + 1}/${e.total})`);
  else if (e.type === 'warning') ctx.out.note(`[${e.target}] warning: ${e.message}`);
  else ctx.out.progress(`[${e.target}] ${e.revision} statement ${e.seq + 1}/${e.count}`);
}

/** The final table of a fleet run: which targets converged. */
export function resultTable(results: readonly TargetResult[]): string {
  const rows = results.map((r) => [
    r.target,
    r.ok ? 'ok' : 'FAILED',
    r.server ?? '-',
    r.before.at(-1) ?? '(base)',
    r.after.at(-1) ?? '(base)',
    String(r.steps.filter((s) => s.ok).length),
    `${r.steps.reduce((n, s) => n + s.durationMs, 0)} ms`,
  ]);
  const errors = results
    .filter((r) => r.error)
    .map((r) => `\n${r.target}: ${r.error?.code}: ${r.error?.message}\n  hint: ${r.error?.hint}`);
  return table(['target', 'result', 'server', 'from', 'to', 'revisions', 'time'], rows) + errors.join('');
}

function historyText(chain: Chain, statuses: Awaited<ReturnType<typeof targetStatus>>[]): string {
  const rows = [...chain.order].reverse().map((id) => {
    const rev = chain.revisions.get(id);
    const marks = statuses.map((s) => {
      const h = s.history.find((x) => x.revision === id);
      return h
        ? `${h.appliedAt.slice(0, 19)} ${h.durationMs ?? '-'} ms ${h.appliedBy}${s.edited.includes(id) ? ' EDITED' : ''}`
        : '-';
    });
    return [
      `${id}${chain.heads.includes(id) ? ' (head)' : ''}`,
      `${rev?.parents.join(',') || '(base)'}`,
      rev?.message ?? '',
      ...marks,
    ];
  });
  return table(['revision', 'parents', 'message', ...statuses.map((s) => s.target)], rows);
}
