import type { Command } from 'commander';
import { AuditLog } from '../../audit/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';
import { intOption } from './seed.js';

/** `carepool audit`: who accessed which patient's data, when, with what outcome. */
export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('read the audit trail of PHI access (newest first)')
    .option('--target <name|all>', 'target(s) to read (default all)')
    .option('--patient <id>', 'only events about this patient', intOption(1, 2 ** 31 - 1))
    .option('--actor <user>', 'only events by this user')
    .option('--limit <n>', 'events per target', intOption(1, 1000), 50)
    .option('--json', 'print JSON')
    .action(
      async (opts: { target?: string; patient?: number; actor?: string; limit: number; json?: boolean }) => {
        const registry = await ctx.registry();
        const log = new AuditLog(registry);
        const query = {
          limit: opts.limit,
          ...(opts.patient === undefined ? {} : { patientId: opts.patient }),
          ...(opts.actor === undefined ? {} : { actor: opts.actor }),
        };
        const results = await Promise.all(
          registry
            .select(opts.target)
            .map(async (t) => ({ target: t.name, events: await log.query(t.name, query) })),
        );
        if (opts.json) {
          ctx.out.json({ audit: results });
          return;
        }
        const rows = results.flatMap((r) =>
          r.events.map((e) => [
            r.target,
            e.at,
            e.actor,
            e.role,
            e.action,
            e.resource,
            e.resourceId ?? '-',
            e.patientId ?? '-',
            e.outcome,
            e.client,
          ]),
        );
        ctx.out.line(
          table(
            [
              'target',
              'at (UTC)',
              'user',
              'role',
              'action',
              'resource',
              'id',
              'patient',
              'outcome',
              'client',
            ],
            rows,
          ),
        );
      },
    );
}
