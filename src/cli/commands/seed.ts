import { type Command, InvalidArgumentError } from 'commander';
import { type SeedProgress, type SeedResult, seedTarget } from '../../seed/index.js';
import type { CliContext } from '../context.js';
import { bar, table } from '../output.js';

/** Parses a non-negative integer option, with a clear usage error. */
export function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

/** `carepool seed`: deterministic sample data on one or all targets. */
export function registerSeed(program: Command, ctx: CliContext): void {
  program
    .command('seed')
    .description(
      'write deterministic sample patients and medical records (same --seed → same rows on every target)',
    )
    .option('--target <name|all>', 'target(s) to seed (required: this writes)')
    .option('--patients <n>', 'patients to create', intOption(1, 10_000_000), 1000)
    .option('--records-per-patient <k>', 'medical records per patient', intOption(0, 1000), 3)
    .option('--seed <s>', 'random seed', intOption(0, 2 ** 31 - 1), 1)
    .option(
      '--reset',
      'empty the data tables first (deletes every patient, record and appointment on the target)',
    )
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        target?: string;
        patients: number;
        recordsPerPatient: number;
        seed: number;
        reset?: boolean;
        json?: boolean;
      }) => {
        const registry = await ctx.registry();
        const targets = registry.select(opts.target, { required: true });
        const progress = new Map<string, SeedProgress>();
        const draw = () =>
          ctx.out.progress(
            [...progress.values()].map((p) => `${p.target} ${bar(p.done, p.total, '', 20)}`).join('  '),
          );
        const results: SeedResult[] = await Promise.all(
          targets.map((t) =>
            seedTarget(t, {
              patients: opts.patients,
              recordsPerPatient: opts.recordsPerPatient,
              seed: opts.seed,
              reset: opts.reset === true,
              onProgress: (p) => {
                progress.set(p.target, p);
                draw();
              },
            }),
          ),
        );
        if (ctx.out.interactive) ctx.out.note('');
        if (opts.json) ctx.out.json({ seeded: results });
        else
          ctx.out.line(
            table(
              ['target', 'patients', 'records', 'seconds', 'rows/s'],
              results.map((r) => [
                r.target,
                r.patients,
                r.records,
                (r.ms / 1000).toFixed(1),
                r.rowsPerSecond,
              ]),
            ),
          );
      },
    );
}
