import type { Command } from 'commander';
import { type VerifyResult, verifyTables } from '../../move/index.js';
import { appendOnlyLines, differenceLine, recordVerify } from '../../move/move-state.js';

export { differenceLine };
import { AppError } from '../../errors/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { tableList } from './copy.js';
import { intOption } from './seed.js';

/** The human report of a verify run. */
export function verifyReport(r: VerifyResult): string {
  const lines = [
    table(
      ['table', `rows ${r.from}`, `rows ${r.to}`, 'chunks', 'mismatched', 'differences'],
      r.tables.map((t) => [t.table, t.sourceRows, t.destRows, t.chunks, t.mismatchedChunks, t.differences]),
    ),
    ...appendOnlyLines(r.tables, r.from, r.to, 'verify'),
    ...r.differences.map((d) => differenceLine(d, r.from, r.to)),
  ];
  if (r.differenceCount > r.differences.length)
    lines.push(`... and ${r.differenceCount - r.differences.length} more (raise --limit or use --json)`);
  lines.push(
    r.identical
      ? `${r.from} and ${r.to} hold the same rows (${r.rowsPerSecond} rows/s)`
      : `${r.differenceCount} row(s) differ between ${r.from} and ${r.to}; carepool sync --from ${r.from} --to ${r.to} repairs ${r.to}`,
  );
  return lines.join('\n');
}

/**
 * `carepool verify A B` (or `--from A --to B`, as copy and sync take them): per-server chunk checksums,
 * differing rows named. Exit 0 same, 1 differ, 2 usage.
 */
export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      'prove two targets hold the same rows, or name every row that differs (exit 0 same, 1 differ)',
    )
    .argument('[from]', 'source target (the reference); or --from')
    .argument('[to]', 'target to check against it; or --to')
    .option('--from <target>', 'source target, as copy and sync take it')
    .option('--to <target>', 'target to check, as copy and sync take it')
    .option('--tables <t,...>', 'only these tables (default: all)')
    .option(
      '--append-only <t,...>',
      'tables that are logs which only grow (besides carepool_audit): compared by content, rows only on the destination kept',
    )
    .option('--limit <n>', 'differing rows to list', intOption(1, 10_000_000), 10_000)
    .option(
      '--max-threads-running <n>',
      'pause while a server runs more threads than this',
      intOption(1, 10_000),
      25,
    )
    .option('--json', 'print JSON')
    .action(
      async (
        fromArg: string | undefined,
        toArg: string | undefined,
        opts: {
          from?: string;
          to?: string;
          tables?: string;
          appendOnly?: string;
          limit: number;
          maxThreadsRunning: number;
          json?: boolean;
        },
      ) => {
        const fromName = pick('from', fromArg, opts.from);
        const toName = pick('to', toArg, opts.to);
        const registry = await ctx.registry();
        const tables = tableList(opts.tables);
        const appendOnly = tableList(opts.appendOnly, '--append-only');
        const result = await verifyTables(registry.get(fromName), registry.get(toName), {
          ...(tables ? { tables } : {}),
          ...(appendOnly ? { appendOnly } : {}),
          limit: opts.limit,
          maxThreadsRunning: opts.maxThreadsRunning,
        });
        await recordVerify(ctx.config().home, result).catch(() => undefined);
        if (opts.json) ctx.out.json({ verify: result });
        else ctx.out.line(verifyReport(result));
        if (!result.identical) ctx.exitCode = 1;
      },
    );
}

/** The target named by position or by option (the same name twice is fine; two different ones are not). */
function pick(which: 'from' | 'to', positional: string | undefined, option: string | undefined): string {
  if (positional !== undefined && option !== undefined && positional !== option)
    throw new AppError(
      'CAREPOOL_USAGE',
      `verify got two ${which === 'from' ? 'sources' : 'destinations'}: "${positional}" and --${which} "${option}"`,
    );
  const name = option ?? positional;
  if (name === undefined)
    throw new AppError(
      'CAREPOOL_USAGE',
      `verify needs a ${which === 'from' ? 'source' : 'destination'}: carepool verify A B (or --from A --to B)`,
    );
  return name;
}
