import type { Command } from 'commander';
import { AppError } from '../../errors/index.js';
import { type CopyProgress, type CopyResult, copyTables, defaultManifestPath } from '../../move/index.js';
import type { CliContext } from '../context.js';
import { bar, table } from '../output.js';
import { intOption } from './seed.js';

/** Splits a `--tables a,b` value. */
export function tableList(value: string | undefined, option = '--tables'): string[] | undefined {
  if (value === undefined) return undefined;
  const names = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0)
    throw new AppError('CAREPOOL_MOVE_OPTION_INVALID', `${option} needs at least one table name`);
  return names;
}

/** `12m 05s`, `42s`. */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The progress line: bar, rows/s and ETA. */
export function progressLine(p: CopyProgress): string {
  const rate = p.rows / Math.max(p.elapsedMs / 1000, 0.001);
  const eta = rate > 0 ? (p.totalRows - p.rows) / rate : Number.POSITIVE_INFINITY;
  return `${bar(p.rows, p.totalRows, '', 24)} rows  ${Math.round(rate)} rows/s  ETA ${duration(eta)}  chunks ${p.chunks}/${p.totalChunks}`;
}

/** `carepool copy --from A --to B`: schema where missing, then every row from one consistent snapshot. */
export function registerCopy(program: Command, ctx: CliContext): void {
  program
    .command('copy')
    .description('copy tables and every row from one target to another (consistent snapshot, resumable)')
    .requiredOption('--from <target>', 'source target')
    .requiredOption('--to <target>', 'destination target')
    .option('--tables <t,...>', 'only these tables (default: all)')
    .option('--parallel <n>', 'parallel reader/loader pairs', intOption(1, 16), 4)
    .option('--chunk-rows <n>', 'rows per chunk', intOption(100, 1_000_000), 10_000)
    .option('--resume', 'continue the copy recorded in the manifest after a crash or kill')
    .option('--truncate', 'empty destination tables that already hold rows')
    .option('--append', 'keep rows the destination already has')
    .option('--insert', 'send multi-row INSERTs even where LOAD DATA LOCAL INFILE is allowed')
    .option(
      '--skip-binlog',
      "keep the copied rows out of the destination's binary log (refused on a Galera node or with replicas registered; needs BINLOG ADMIN or SUPER)",
    )
    .option('--manifest <file>', 'manifest path (default: <home>/move/<from>-to-<to>.json)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        from: string;
        to: string;
        tables?: string;
        parallel: number;
        chunkRows: number;
        resume?: boolean;
        truncate?: boolean;
        append?: boolean;
        insert?: boolean;
        skipBinlog?: boolean;
        manifest?: string;
        json?: boolean;
      }) => {
        if (opts.truncate && opts.append)
          throw new AppError('CAREPOOL_MOVE_OPTION_INVALID', 'use either --truncate or --append, not both');
        const registry = await ctx.registry();
        const from = registry.get(opts.from);
        const to = registry.get(opts.to);
        const tables = tableList(opts.tables);
        const result = await copyTables(from, to, {
          ...(tables ? { tables } : {}),
          parallel: opts.parallel,
          chunkRows: opts.chunkRows,
          resume: opts.resume === true,
          ...(opts.truncate
            ? { existing: 'truncate' as const }
            : opts.append
              ? { existing: 'append' as const }
              : {}),
          ...(opts.insert ? { method: 'insert' as const } : {}),
          ...(opts.skipBinlog ? { binlog: 'skip' as const } : {}),
          manifestPath: opts.manifest ?? defaultManifestPath(ctx.config().home, from.name, to.name),
          onProgress: (p) => ctx.out.progress(progressLine(p)),
        });
        if (ctx.out.interactive) ctx.out.note('');
        if (opts.json) ctx.out.json({ copy: result });
        else ctx.out.line(copySummary(result));
      },
    );
}

/** The human summary of a copy. */
export function copySummary(r: CopyResult): string {
  const pos = r.snapshot.position;
  const lines = [
    `${r.resumed ? 'resumed copy' : 'copied'} ${r.from} → ${r.to}: ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s (${r.rowsPerSecond} rows/s)`,
    `snapshot: ${r.snapshot.mode} with ${r.snapshot.readers} reader(s); source position gtid=${pos.gtid ?? '-'} file=${pos.file ?? '-'} pos=${pos.pos ?? '-'}`,
    ...(r.snapshot.refused.length > 0 ? [`  not used: ${r.snapshot.refused.join('; ')}`] : []),
    ...(r.schemaVia ? [`created missing tables via ${r.schemaVia}`] : []),
    ...(r.binlog === 'skip' ? ['destination binary log: skipped (--skip-binlog)'] : []),
    table(
      ['table', 'rows', 'chunks', 'method', 'created', 'note'],
      r.tables.map((t) => [
        t.table,
        t.rows,
        t.chunks,
        t.method,
        t.created ? 'yes' : 'no',
        t.singleStream ? 'no primary key: one stream' : '',
      ]),
    ),
    `manifest: ${r.manifest}`,
  ];
  return lines.join('\n');
}
