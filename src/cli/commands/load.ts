import type { Command } from 'commander';
import { Secret } from '../../config/index.js';
import { AppError } from '../../errors/index.js';
import {
  defaultReportDir,
  isScenarioName,
  type LoadResult,
  runLoad,
  SCENARIOS,
  type ScenarioName,
  safeUrl,
  summaryRows,
  writeReport,
} from '../../load/index.js';
import type { CliContext } from '../context.js';
import { bar, table } from '../output.js';
import { intOption } from './seed.js';

interface LoadCliOptions {
  target?: string;
  scenario: string;
  duration: number;
  connections: number;
  poolMax?: number;
  slowMs: number;
  out?: string;
  url?: string;
  token?: string;
  json?: boolean;
}

/**
 * `carepool load`: simulate traffic against the web app (started in-process, or a running one at --url on
 * this machine), watch the pools and the servers' connections, and write a report with charts.
 */
export function registerLoad(program: Command, ctx: CliContext): void {
  program
    .command('load')
    .description(
      'simulate traffic, watch pools and server connections, write a JSON + HTML + PNG report with observations',
    )
    .option('--target <name>', 'target(s) to load: a name, a,b or all (default: all)')
    .option('--scenario <name>', SCENARIOS.join('|'), 'steady')
    .option(
      '--duration <seconds>',
      'length of the run (a sweep splits it over its pool sizes)',
      intOption(1, 600),
      15,
    )
    .option(
      '--connections <n>',
      'peak concurrent clients (exhaust uses at least 10 x pool max)',
      intOption(1, 1000),
      20,
    )
    .option(
      '--pool-max <n>',
      'pool maximum of the in-process server (default: the configured one)',
      intOption(1, 1000),
    )
    .option('--slow-ms <ms>', "how long exhaust's slow requests hold a connection", intOption(0, 2000), 1000)
    .option('--out <dir>', 'report directory (default .carepool/load/<timestamp>)')
    .option('--url <url>', 'load a running carepool server on this machine instead of starting one')
    .option(
      '--token <token>',
      'API token for --url (default: CAREPOOL_TOKEN); create one with carepool tokens create',
    )
    .option('--json', 'print the summary and observations as JSON')
    .action(async (opts: LoadCliOptions) => {
      if (!isScenarioName(opts.scenario)) {
        throw new AppError(
          'CAREPOOL_USAGE',
          `--scenario "${opts.scenario}" is not one of ${SCENARIOS.join(', ')}`,
          {
            meta: { scenario: opts.scenario },
          },
        );
      }
      const scenario: ScenarioName = opts.scenario;
      const rawToken = opts.token ?? process.env.CAREPOOL_TOKEN;
      const token = rawToken ? new Secret(rawToken) : undefined;
      const config = await ctx.targetConfig();
      const names =
        opts.target === undefined || opts.target === 'all'
          ? undefined
          : opts.target
              .split(',')
              .map((s) => s.trim().toLowerCase())
              .filter(Boolean);
      const runs = scenario === 'sweep' ? 5 : 1;
      const started = Date.now();
      if (!opts.json) {
        ctx.out.note(
          `carepool load: ${scenario} for ${opts.duration} s, ${scenario === 'exhaust' ? `at least ${opts.connections} clients (10 × pool max if more)` : `up to ${opts.connections} clients`}, ${opts.url ? `against ${safeUrl(opts.url)}` : 'server started in-process'}${config.sandbox ? ' (sandbox)' : ''}`,
        );
      }
      // Loaded on use: the in-process server pulls in the whole web stack.
      const [{ startLoadServer }, { slowPath }] = await Promise.all([
        import('../../web/routes/live-load-server.js'),
        import('../../web/routes/live-slow.js'),
      ]);
      // Ctrl-C stops the traffic, and the report of what was measured is still written (exit 130). bin.ts
      // already turns the first SIGINT into exit code 130 instead of killing the process at once.
      const interrupt = new AbortController();
      let announced = false;
      const onSigint = () => {
        if (!opts.json)
          ctx.out.note('\ninterrupted: stopping the traffic and writing the report of what ran…');
        interrupt.abort();
      };
      process.once('SIGINT', onSigint);
      const result = await runLoad({
        signal: interrupt.signal,
        scenario,
        config,
        ...(names ? { targets: names } : {}),
        durationS: opts.duration,
        connections: opts.connections,
        ...(opts.url ? { url: opts.url } : { startServer: startLoadServer }),
        ...(token ? { token } : {}),
        ...(opts.poolMax === undefined ? {} : { poolMax: opts.poolMax }),
        slowMs: opts.slowMs,
        slowPath,
        onSample: (sample, run) => {
          if (!announced && !opts.json && !ctx.out.interactive) {
            announced = true;
            ctx.out.note('traffic is running (Ctrl-C stops it and still writes the report)');
          }
          const elapsed = Math.min(opts.duration, Math.round((Date.now() - started) / 1000));
          const label = `${runs > 1 ? `pool ${run.poolMax} ` : ''}${sample.http.rps} req/s p99 ${sample.http.latency?.p99 ?? '—'} ms`;
          ctx.out.progress(bar(elapsed, opts.duration, label));
        },
      }).finally(() => process.off('SIGINT', onSigint));
      if (ctx.out.interactive) ctx.out.progress('');
      const dir = opts.out ?? defaultReportDir(process.cwd(), result.startedAt);
      const files = await writeReport(result, dir);
      if (result.interrupted) ctx.exitCode = 130;
      if (opts.json) {
        ctx.out.json({ ...brief(result), files });
        return;
      }
      const { headers, rows } = summaryRows(result);
      ctx.out.line(table(headers, rows));
      ctx.out.line();
      for (const o of result.observations) ctx.out.line(`- ${o}`);
      ctx.out.line();
      ctx.out.line(`report: ${files.html}`);
      ctx.out.line(`data:   ${files.json}   charts: ${files.pngs.length} PNG in ${files.dir}`);
    });
}

/** The result without raw samples (those are in report.json). */
function brief(result: LoadResult) {
  return {
    scenario: result.scenario,
    startedAt: result.startedAt,
    durationS: result.durationS,
    connections: result.connections,
    runs: result.runs.map((r) => ({
      poolMax: r.poolMax,
      inProcess: r.inProcess,
      phases: r.phases,
      targets: r.targets,
      summary: r.summary,
      totals: r.totals,
    })),
    ...(result.sweep ? { sweep: result.sweep } : {}),
    observations: result.observations,
    ...(result.interrupted ? { interrupted: true } : {}),
  };
}
