import type { LoadResult } from './run-load.js';
import { clientErrors, failedResponses } from './summarize.js';

const n = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * Rows for the terminal summary table: one per run and target, each with that target's own throughput,
 * response times and failures (requests name their target, so the figures are not shared), then a total
 * row per run that adds the client-side failures no target can be blamed for (timeouts, resets).
 */
export function summaryRows(result: LoadResult): { headers: string[]; rows: (string | number)[][] } {
  const headers = [
    'pool',
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'failed',
    'peak active',
    'peak waiting',
    'acq p99 ms',
    'server conns',
  ];
  const rows = result.runs.flatMap((run) =>
    run.targets.map((t) => {
      const ts = run.summary.targets[t.name];
      return [
        t.poolMax,
        t.name,
        n(ts?.http.rps),
        n(ts?.http.latency?.p50),
        n(ts?.http.latency?.p99),
        n(ts?.http.failed),
        n(ts?.peakActive),
        n(ts?.peakWaiting),
        n(ts?.acquire?.p99),
        `${n(ts?.peakAppUserConnections)} / ${t.poolMax}`,
      ];
    }),
  );
  const withTotals = result.runs.flatMap((run, i) => {
    const own = rows.slice(
      result.runs.slice(0, i).reduce((k, r) => k + r.targets.length, 0),
      result.runs.slice(0, i + 1).reduce((k, r) => k + r.targets.length, 0),
    );
    if (run.targets.length < 2) return own;
    const s = run.summary;
    const total = [
      run.poolMax,
      'all',
      n(s.rps),
      n(s.latency?.p50),
      n(s.latency?.p99),
      n(failedResponses(s) + clientErrors(s)),
      '',
      '',
      '',
      '',
    ];
    return [...own, total];
  });
  return { headers, rows: withTotals };
}
