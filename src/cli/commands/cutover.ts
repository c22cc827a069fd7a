import type { Command } from 'commander';
import { type CutoverResult, cutover } from '../../move/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { tableList } from './copy.js';
import { intOption } from './seed.js';

/** The human report of a cutover: each phase, then the outcome and the write downtime. */
export function cutoverReport(r: CutoverResult): string {
  return [
    table(
      ['phase', 'ok', 'ms', 'detail'],
      r.phases.map((p) => [p.phase, p.ok ? 'yes' : 'FAILED', p.ms, p.detail]),
    ),
    r.ok
      ? `cutover ${r.from} → ${r.to} done; writes were blocked for ${((r.writeDowntimeMs ?? 0) / 1000).toFixed(2)} s`
      : `cutover ${r.from} → ${r.to} failed${r.rolledBack ? `; ${r.from} is writable again` : ''}`,
  ].join('\n');
}

/** `carepool cutover --from A --to B`: switch writes to a replica with seconds of write downtime. */
export function registerCutover(program: Command, ctx: CliContext): void {
  program
    .command('cutover')
    .description(
      'switch writes from --from to its replica --to: read-only, wait, verify, promote (rolls back on failure)',
    )
    .requiredOption('--from <target>', 'current source (made read-only)')
    .requiredOption('--to <target>', 'replica to promote')
    .option('--wait <seconds>', 'how long the replica may take to catch up', intOption(1, 3600), 30)
    .option('--no-verify', 'skip the final verify while writes are blocked')
    .option('--tables <t,...>', 'tables the final verify checks (default: all)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        from: string;
        to: string;
        wait: number;
        verify: boolean;
        tables?: string;
        json?: boolean;
      }) => {
        const registry = await ctx.registry();
        const tables = tableList(opts.tables);
        const result = await cutover(registry.get(opts.from), registry.get(opts.to), {
          waitSeconds: opts.wait,
          verify: opts.verify,
          ...(tables ? { tables } : {}),
        });
        if (opts.json) ctx.out.json({ cutover: result });
        else ctx.out.line(cutoverReport(result));
        if (!result.ok) ctx.exitCode = 1;
      },
    );
}
