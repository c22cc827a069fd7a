import type { LoadResult } from '../run-load.js';
import type { RunResult } from '../run-once.js';
import { clientErrors, failedResponses } from '../summarize.js';
import type { Percentiles } from '../types.js';
import type { Chart } from './run-charts.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 1 });
/** A table cell whose raw number sits in `data-v`, so tools (and tests) can read it back exactly. */
const cell = (key: string, v: number | null | undefined, unit = '') =>
  `<td data-k="${esc(key)}" data-v="${v ?? ''}">${num(v)}${v === null || v === undefined ? '' : unit}</td>`;
const pcts = (key: string, p: Percentiles | null) =>
  ['p50', 'p95', 'p99', 'max']
    .map((k) => cell(`${key}.${k}`, p ? p[k as keyof Percentiles] : null, ' ms'))
    .join('');

// Fits a 1280 px window: wide tables scroll inside their own box; the charts sit in a grid, one row for the
// whole run and one per target (its pool, acquire-wait and server charts side by side), three columns wide
// from 1000 px, fewer on narrower windows.
const STYLE = `body{font:15px/1.5 system-ui,sans-serif;color:#1f2328;max-width:1220px;margin:2rem auto;padding:0 1rem}
.scroll{overflow-x:auto;max-width:100%}.scroll table{font-size:14px}
.chart-row{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr));gap:.8rem;margin:.4rem 0 1.2rem}.chart-row figure{margin:0;min-width:0}h3{font-size:1.05rem;margin:1rem 0 .2rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}.muted{color:#666}figure{margin:1rem 0}
figure svg{max-width:100%;height:auto;border:1px solid #eee}ul.obs li{margin:.35rem 0}code{background:#f6f8fa;padding:0 .2rem}`;

/** The self-contained HTML report: tables, observations and inline SVG charts; no script, no external file. */
export function renderHtml(result: LoadResult, charts: readonly Chart[]): string {
  const title = `carepool load: ${result.scenario}`;
  const parts: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="muted">Started ${esc(result.startedAt)} · ${num(result.durationS)} s · up to ${num(Math.max(...result.runs.map((r) => r.summary.peakConcurrency)))} clients · ${result.runs[0]?.inProcess ? 'server started in-process' : `server at ${esc(result.runs[0]?.url ?? '')}`} · samples every ~250 ms</p>`,
    '<h2>Observations</h2><ul class="obs">',
    ...result.observations.map((o) => `<li>${esc(o)}</li>`),
    '</ul>',
  ];
  if (result.sweep) {
    parts.push(
      '<h2>Sweep</h2><div class="scroll"><table id="sweep"><tr><th>pool max</th><th>req/s</th><th>p50</th><th>p99</th><th>acquire p99</th><th>errors</th></tr>',
      ...result.sweep.map(
        (p) =>
          `<tr><td>${p.poolMax}</td>${cell(`sweep.${p.poolMax}.rps`, p.rps)}${cell(`sweep.${p.poolMax}.p50`, p.p50, ' ms')}${cell(`sweep.${p.poolMax}.p99`, p.p99, ' ms')}${cell(`sweep.${p.poolMax}.acquireP99`, p.acquireP99, ' ms')}${cell(`sweep.${p.poolMax}.errors`, p.errors)}</tr>`,
      ),
      '</table></div>',
    );
  }
  result.runs.forEach((run, i) => {
    parts.push(runTables(run, i, result.runs.length > 1));
  });
  parts.push('<h2>Charts</h2><div class="charts">');
  for (const [row, list] of rows(charts)) {
    parts.push(
      `<section class="chart-group" data-row="${esc(row)}"><h3>${esc(list[0]?.rowTitle ?? row)}</h3><div class="chart-row">`,
      ...list.map((c) => `<figure id="chart-${esc(c.name)}">${c.svg}</figure>`),
      '</div></section>',
    );
  }
  parts.push('</div>');
  parts.push(
    '<h2>How to read this</h2><p>Each point is one ~250 ms window. Latency is measured by the load generator (autocannon) from request sent to response received; acquire wait is the time a request waited inside the pool for a connection; the server view comes from a separate monitoring connection (<code>SHOW GLOBAL STATUS</code>, <code>information_schema.PROCESSLIST</code>). The raw samples are in <code>report.json</code>.</p>',
    '</body></html>',
  );
  return parts.join('\n');
}

/** Charts grouped by their row, in first-seen order. */
function rows(charts: readonly Chart[]): Map<string, Chart[]> {
  const out = new Map<string, Chart[]>();
  for (const c of charts) out.set(c.row, [...(out.get(c.row) ?? []), c]);
  return out;
}

function runTables(run: RunResult, index: number, many: boolean): string {
  const s = run.summary;
  const k = `run${index}`;
  const statuses = Object.entries(s.status)
    .sort()
    .map(([code, count]) => `${esc(code)}: ${num(count)}`)
    .join(', ');
  const errors = Object.entries(s.errors)
    .sort()
    .map(([code, count]) => `${esc(code)}: ${num(count)}`)
    .join(', ');
  const rows = run.targets.map((t) => {
    const ts = s.targets[t.name];
    const tk = `${k}.${t.name}`;
    return `<tr><td>${esc(t.name)}</td>${cell(`${tk}.poolMax`, t.poolMax)}${cell(`${tk}.peakTotal`, ts?.peakTotal)}${cell(`${tk}.peakActive`, ts?.peakActive)}${cell(`${tk}.peakWaiting`, ts?.peakWaiting)}${pcts(`${tk}.acquire`, ts?.acquire ?? null)}${cell(`${tk}.timeouts`, ts?.timeouts)}${cell(`${tk}.peakAppUserConnections`, ts?.peakAppUserConnections)}${cell(`${tk}.peakThreadsConnected`, ts?.peakThreadsConnected)}${cell(`${tk}.maxConnections`, t.maxConnections)}${cell(`${tk}.abortedConnects`, ts?.abortedConnects)}</tr>`;
  });
  return [
    `<h2>${many ? `Pool max ${run.poolMax}` : 'Summary'}</h2>`,
    // A row per target, side by side: each request names its target, so each has its own figures.
    `<div class="scroll"><table id="${k}-summary"><tr><th>target</th><th>requests</th><th>req/s</th><th>peak req/s</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>failed (≥400)</th><th>client errors</th><th>503 with Retry-After</th></tr>`,
    ...run.targets.map((t) => {
      const h = s.targets[t.name]?.http;
      const tk = `${k}.${t.name}.http`;
      return `<tr><td>${esc(t.name)}</td>${cell(`${tk}.requests`, h?.requests)}${cell(`${tk}.rps`, h?.rps)}<td></td>${pcts(`${tk}.latency`, h?.latency ?? null)}${cell(`${tk}.failed`, h?.failed)}<td></td><td></td></tr>`;
    }),
    `<tr><th scope="row">all targets</th>${cell(`${k}.requests`, s.requests)}${cell(`${k}.rps`, s.rps)}${cell(`${k}.peakRps`, s.peakRps)}${pcts(`${k}.latency`, s.latency)}${cell(`${k}.failed`, failedResponses(s))}${cell(`${k}.clientErrors`, clientErrors(s))}${cell(`${k}.retryAfter`, s.retryAfter)}</tr></table></div>`,
    `<p>Status codes: ${statuses || '—'}. Error codes: ${errors || 'none'}.</p>`,
    `<p class="muted">Phases: ${run.phases.map((p) => `${esc(p.label)} at ${num(p.atS)} s for ${num(p.durationS)} s`).join('; ')}.</p>`,
    `<div class="scroll"><table id="${k}-targets"><tr><th>target</th><th>pool max</th><th>peak open</th><th>peak active</th><th>peak waiting</th><th>acquire p50</th><th>p95</th><th>p99</th><th>max</th><th>acquire timeouts</th><th>peak app-user conns (server)</th><th>peak Threads_connected</th><th>max_connections</th><th>aborted connects</th></tr>`,
    ...rows,
    '</table></div>',
  ].join('\n');
}
