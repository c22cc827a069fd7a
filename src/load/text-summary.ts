import type { LoadResult } from './run-load.js';
import { clientErrors, failedResponses } from './summarize.js';

const n = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** Rows for the terminal summary table: one per run and target. */
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
    run.targets.map((t, i) => {
      const s = run.summary;
      const ts = s.targets[t.name];
      return [
        t.poolMax,
        t.name,
        i === 0 ? n(s.rps) : '',
        i === 0 ? n(s.latency?.p50) : '',
        i === 0 ? n(s.latency?.p99) : '',
        i === 0 ? n(failedResponses(s) + clientErrors(s)) : '',
        n(ts?.peakActive),
        n(ts?.peakWaiting),
        n(ts?.acquire?.p99),
        `${n(ts?.peakAppUserConnections)} / ${t.poolMax}`,
      ];
    }),
  );
  return { headers, rows };
}
