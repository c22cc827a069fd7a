import type { Command } from 'commander';
import { type SyncResult, syncTables } from '../../move/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { tableList } from './copy.js';
import { appendOnlyLines } from '../../move/move-state.js';
import { intOption } from './seed.js';

/** The human summary of a sync. */
export function syncSummary(r: SyncResult): string {
  const verb = r.dryRun ? 'would' : '';
  return [
    table(
      ['table', `rows ${r.from}`, `rows ${r.to}`, 'differences'],
      r.tables.map((t) => [t.table, t.sourceRows, t.destRows, t.differences]),
    ),
    ...appendOnlyLines(r.tables, r.from, r.to, r.dryRun ? 'dry-run' : 'sync'),
    `${r.dryRun ? 'dry run: ' : ''}${r.to} ${verb ? `${verb} get` : 'got'} ${r.inserted} inserted, ${r.replaced} replaced, ${r.deleted} deleted row(s) in ${r.statements} statement(s) (${(r.ms / 1000).toFixed(1)} s)`,
  ].join('\n');
}

/** `carepool sync --from A --to B`: make B's rows equal A's (B is the only side written). */
export function registerSync(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description(
      "make the destination's rows equal the source's (deletes, inserts and replaces rows on --to only)",
    )
    .requiredOption('--from <target>', 'source target (the reference, never written)')
    .requiredOption('--to <target>', 'destination target to repair')
    .option('--tables <t,...>', 'only these tables (default: all)')
    .option(
      '--append-only <t,...>',
      'tables that are logs which only grow (besides carepool_audit): the source rows they lack are appended, nothing deleted',
    )
    .option('--dry-run', 'print the SQL instead of running it')
    .option('--batch-rows <n>', 'rows per transaction', intOption(1, 100_000), 500)
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        from: string;
        to: string;
        tables?: string;
        appendOnly?: string;
        dryRun?: boolean;
        batchRows: number;
        json?: boolean;
      }) => {
        const registry = await ctx.registry();
        const tables = tableList(opts.tables);
        const statements: string[] = [];
        if (opts.dryRun && !opts.json)
          ctx.out.line(`-- carepool sync --from ${opts.from} --to ${opts.to} (dry run): SQL for ${opts.to}`);
        const appendOnly = tableList(opts.appendOnly, '--append-only');
        const result = await syncTables(registry.get(opts.from), registry.get(opts.to), {
          ...(tables ? { tables } : {}),
          ...(appendOnly ? { appendOnly } : {}),
          dryRun: opts.dryRun === true,
          batchRows: opts.batchRows,
          onStatement: (text) => {
            if (!opts.dryRun) return;
            if (opts.json) statements.push(text);
            else ctx.out.line(text);
          },
        });
        if (opts.json) ctx.out.json({ sync: { ...result, ...(opts.dryRun ? { sql: statements } : {}) } });
        else if (opts.dryRun) ctx.out.line(`-- ${syncSummary(result).split('\n').join('\n-- ')}`);
        else ctx.out.line(syncSummary(result));
      },
    );
}
