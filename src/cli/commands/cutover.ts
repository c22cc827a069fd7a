import type { Command } from 'commander';
import { type CutoverResult, cutover } from '../../move/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { tableList } from './copy.js';
import { withMoveRegistry } from './move-registry.js';
import { intOption } from './seed.js';

/** The human report of a cutover: each phase, then the outcome and the write downtime. */
export function cutoverReport(r: CutoverResult): string {
  return [
    table(
      ['phase', 'ok', 'ms', 'detail'],
      r.phases.map((p) => [p.phase, p.ok ? 'yes' : 'FAILED', p.ms, p.detail]),
    ),
    r.ok
      ? `cutover ${r.from} → ${r.to} done; ${r.writeDowntimeMs === null ? 'writes were blocked since the interrupted run (not measured)' : `writes were blocked for ${(r.writeDowntimeMs / 1000).toFixed(2)} s`}${r.phases.some((p) => p.phase === 'reverse-replication' && !p.ok) ? ` (reverse replication failed: ${r.from} stays read-only)` : ''}`
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
    .option('--reverse', 'after the switch, replicate --to back into --from (which stays read-only)')
    .option('--reverse-ca <file>', "CA of --to's certificate for the reverse channel")
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        from: string;
        to: string;
        wait: number;
        verify: boolean;
        tables?: string;
        reverse?: boolean;
        reverseCa?: string;
        json?: boolean;
      }) => {
        const tables = tableList(opts.tables);
        const result = await withMoveRegistry(ctx, (registry) =>
          cutover(registry.get(opts.from), registry.get(opts.to), {
            waitSeconds: opts.wait,
            verify: opts.verify,
            home: ctx.config().home,
            ...(opts.reverse ? { reverse: true } : {}),
            ...(opts.reverseCa ? { reverseCa: opts.reverseCa } : {}),
            ...(tables ? { tables } : {}),
          }),
        );
        if (opts.json) ctx.out.json({ cutover: result });
        else ctx.out.line(cutoverReport(result));
        if (!result.ok) ctx.exitCode = 1;
      },
    );
}
