import type { Command } from 'commander';
import {
  autogenerate,
  type Chain,
  defaultMigrationsDir,
  describeOperation,
  loadChain,
} from '../../migrate/index.js';
import { withoutRawObjects } from '../../migrate/objects/raw.js';
import { loadSource, startVerification, verifiedWhat, verifyChange } from '../../migrate/sources/index.js';
import type { CliContext } from '../context.js';
import { EXCLUDE_HELP, parseRenames, SOURCE_HELP, serverOption, sourceContext } from './schema-source.js';

interface RevisionOpts {
  target?: string;
  json?: boolean;
  dir?: string;
  message: string;
  autogenerate?: boolean;
  against?: string;
  to?: string;
  exclude?: string;
  models?: string;
  server?: string;
  renameTable?: string[];
  renameColumn?: string[];
}

const chainOf = (opts: { dir?: string }): Promise<Chain> => loadChain(opts.dir ?? defaultMigrationsDir());

/**
 * `carepool migrate revision -m MSG [--autogenerate]`: an empty revision, or one filled with the diff of
 * `--to` (default the models) against the chain in memory or `--against` a source, proven in a workspace
 * before the file is written.
 */
export function registerMigrateRevision(
  migrate: Command,
  ctx: CliContext,
  withCommon: (c: Command) => Command,
): void {
  withCommon(migrate.command('revision'))
    .description(
      'write a new migration file (with --autogenerate: diff --to, default the models, against the chain or a target)',
    )
    .requiredOption('-m, --message <msg>', 'what the migration does')
    .option('--autogenerate', 'fill up/down from the models')
    .option(
      '--against <source>',
      `autogenerate against this schema instead of the chain in memory: ${SOURCE_HELP}`,
    )
    .option('--to <source>', `the schema to reach (default: models): ${SOURCE_HELP}`)
    .option('--exclude <names>', EXCLUDE_HELP)
    .option('--models <path>', 'your own models module (default: CAREPOOL_MODELS, else the built-in models)')
    .option('--server <flavor:version>', 'server a .sql source is normalised on')
    .option('--rename-table <from:to...>', 'a table rename (never guessed)')
    .option('--rename-column <table.from:to...>', 'a column rename (never guessed)')
    .action(async (opts: RevisionOpts) => {
      const chain = await chainOf(opts);
      if (!opts.autogenerate) {
        const { writeRevision } = await import('../../migrate/index.js');
        const w = await writeRevision({ chain, message: opts.message });
        ctx.out.line(`wrote ${w.file}`);
        return;
      }
      await autogenerateRevision(ctx, chain, opts);
    });
}

async function autogenerateRevision(ctx: CliContext, chain: Chain, opts: RevisionOpts): Promise<void> {
  // The revision is for --against's target when one is named: its own server is the first workspace host.
  const sources = { ...sourceContext(ctx, opts), ...(opts.against ? { prefer: opts.against } : {}) };
  const renames = parseRenames(opts);
  const wanted = serverOption(opts.server);
  // The workspace that proves the revision starts connecting now, beside the reads (released on every path).
  const start = startVerification(sources);
  try {
    // With --exclude the chain side is loaded as a source too, so both sides leave the same names out.
    const againstName = opts.against ?? (sources.exclude ? 'chain' : undefined);
    const [againstSource, toSource] = await Promise.all([
      againstName ? loadSource(againstName, sources) : undefined,
      loadSource(opts.to ?? 'models', sources),
    ]);
    // Objects a chain source's raw op.sql steps made are not compared: neither side creates nor drops them.
    const raw = new Map([...(againstSource?.rawObjects ?? []), ...(toSource.rawObjects ?? [])]);
    const against = againstSource ? withoutRawObjects(againstSource.schema, raw) : undefined;
    const server = againstSource?.server ?? wanted;
    const w = await autogenerate({
      chain,
      models: withoutRawObjects(toSource.schema, raw),
      message: opts.message,
      renames,
      ...(against ? { against } : {}),
      verify: async (from, to, ops) => {
        const proof = await verifyChange(sources, from, to, server, renames, { start, ops });
        if (!proof.verified)
          ctx.out.note(`NOT verified (${proof.reason}); review the revision before applying it`);
        else if (proof.plan.host) ctx.out.note(`verified on ${proof.plan.host}: ${verifiedWhat(proof.plan)}`);
      },
    });
    if (!w) {
      ctx.out.line(`no changes: ${opts.to ?? 'the models'} matches ${opts.against ?? 'the migration chain'}`);
      return;
    }
    if (opts.json)
      ctx.out.json({
        id: w.id,
        file: w.file,
        up: w.up.map(describeOperation),
        down: w.down.map(describeOperation),
      });
    else
      ctx.out.line(
        `wrote ${w.file}\n${w.up.map((o) => `  + ${describeOperation(o)}`).join('\n')}\nreview it, then: carepool migrate plan`,
      );
  } finally {
    await start.release();
  }
}
