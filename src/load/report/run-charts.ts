import type { LoadResult } from '../run-load.js';
import type { RunResult } from '../run-once.js';
import { isClientError } from '../summarize.js';
import type { LoadSample, ServerWindow } from '../types.js';
import { type Band, type ChartSpec, lineChart, PALETTE, type Series } from './chart.js';

/** One chart of a report: a file stem (`latency`, `pool-azure`) and its SVG. */
export interface Chart {
  readonly name: string;
  readonly title: string;
  readonly svg: string;
  /**
   * The report's grid row the chart sits in: `run` (the whole run), `sweep`, or a target's name (its pool,
   * acquire-wait and server charts side by side); suffixed like the name in a sweep.
   */
  readonly row: string;
  /** The row's heading in the HTML report. */
  readonly rowTitle: string;
  /** Also written as a PNG (a sweep writes PNGs of its summary charts and of each size's latency and pools). */
  readonly png: boolean;
}

const sec = (s: LoadSample) => Math.round(s.t / 100) / 10;

/** Phases that cover only part of the run (ramp steps, the spike) are shaded. */
function bands(run: RunResult): Band[] {
  const end = Math.max(...run.phases.map((p) => p.atS + p.durationS));
  return run.phases
    .filter((p) => !(p.atS === 0 && p.durationS >= end))
    .map((p) => ({ from: p.atS, to: p.atS + p.durationS, label: p.label }));
}

/** What a chart is drawn from before rendering: its place in the report and its series. */
interface Planned {
  readonly name: string;
  readonly title: string;
  readonly row: string;
  readonly rowTitle: string;
  readonly png: boolean;
  readonly spec: ChartSpec;
}

/** The time-series charts of one run: throughput, latency, errors, and per target pool, acquire, server. */
export function runCharts(run: RunResult, suffix = ''): Promise<Chart[]> {
  return render(planRun(run, suffix));
}

function planRun(run: RunResult, suffix: string): Planned[] {
  const s = run.samples;
  const time = 'seconds since start';
  const b = bands(run);
  const charts: Planned[] = [];
  const at = suffix !== '' ? ` (pool max ${run.poolMax})` : '';
  let row = `run${suffix}`;
  let rowTitle = `Whole run${at}`;
  const add = (name: string, [title, subtitle]: [string, string?], yLabel: string, series: Series[]) => {
    charts.push({
      name: `${name}${suffix}`,
      title: subtitle ? `${title} (${subtitle})` : title,
      row,
      rowTitle,
      spec: {
        title,
        ...(subtitle ? { subtitle } : {}),
        xLabel: time,
        yLabel,
        series,
        bands: b,
        integer: ['pool-', 'server-', 'servers-connections-'].some((p) => name.startsWith(p)),
      },
      png: suffix === '' || name === 'latency' || name.startsWith('pool-'),
    });
  };
  add('throughput', ['Throughput', 'responses per second, 250 ms windows'], 'req/s', [
    { label: 'responses/s', color: PALETTE[0], points: s.map((x) => [sec(x), x.http.rps]) },
    {
      label: 'clients connected',
      color: PALETTE[6],
      dashed: true,
      points: s.map((x) => [sec(x), x.http.concurrency]),
    },
  ]);
  add('latency', ['Response time', 'percentiles per 250 ms window'], 'ms', [
    { label: 'p50', color: PALETTE[2], points: s.map((x) => [sec(x), x.http.latency?.p50 ?? null]) },
    { label: 'p95', color: PALETTE[4], points: s.map((x) => [sec(x), x.http.latency?.p95 ?? null]) },
    { label: 'p99', color: PALETTE[1], points: s.map((x) => [sec(x), x.http.latency?.p99 ?? null]) },
  ]);
  const codes = [...new Set(s.flatMap((x) => [...Object.keys(x.http.errors)]))].sort();
  const statuses = [...new Set(s.flatMap((x) => Object.keys(x.http.status)))]
    .filter((k) => Number(k) >= 400)
    .sort();
  const errorSeries: Series[] = [
    ...statuses.map((code, i) => ({
      label: `HTTP ${code}`,
      color: PALETTE[(i + 1) % PALETTE.length] as string,
      points: s.map((x) => [sec(x), perSecond(x.http.status[code] ?? 0, x)] as const),
    })),
    ...codes.map((code, i) => ({
      label: isClientError(code) ? `client: ${code}` : code,
      color: PALETTE[(i + statuses.length + 1) % PALETTE.length] as string,
      dashed: true,
      points: s.map((x) => [sec(x), perSecond(x.http.errors[code] ?? 0, x)] as const),
    })),
  ];
  add(
    'errors',
    errorSeries.length > 0
      ? ['Errors', 'by status and code, per second']
      : ['Errors: none', 'by status and code, per second'],
    'per second',
    errorSeries.length > 0
      ? errorSeries
      : [{ label: 'errors/s', color: PALETTE[1], points: s.map((x) => [sec(x), 0]) }],
  );
  for (const t of run.targets) {
    row = `target:${t.name}${suffix}`;
    rowTitle = `Target ${t.name}${at}`;
    const w = (x: LoadSample) => x.targets[t.name];
    add(
      `pool-${t.name}`,
      [`Pool of ${t.name}`, `connections and waiting callers (max ${t.poolMax})`],
      'count',
      [
        { label: 'active', color: PALETTE[0], points: s.map((x) => [sec(x), w(x)?.pool?.active ?? null]) },
        { label: 'idle', color: PALETTE[2], points: s.map((x) => [sec(x), w(x)?.pool?.idle ?? null]) },
        { label: 'waiting', color: PALETTE[1], points: s.map((x) => [sec(x), w(x)?.pool?.waiting ?? null]) },
        { label: 'pool max', color: PALETTE[6], dashed: true, points: s.map((x) => [sec(x), t.poolMax]) },
      ],
    );
    add(`acquire-${t.name}`, [`Acquire wait of ${t.name}`, 'percentiles per 250 ms window'], 'ms', [
      { label: 'p50', color: PALETTE[2], points: s.map((x) => [sec(x), w(x)?.acquire?.p50 ?? null]) },
      { label: 'p95', color: PALETTE[4], points: s.map((x) => [sec(x), w(x)?.acquire?.p95 ?? null]) },
      { label: 'p99', color: PALETTE[1], points: s.map((x) => [sec(x), w(x)?.acquire?.p99 ?? null]) },
    ]);
    add(`server-${t.name}`, [`Server view of ${t.name}`, 'connections the server counts'], 'connections', [
      {
        label: 'app user (PROCESSLIST)',
        color: PALETTE[0],
        points: s.map((x) => [sec(x), w(x)?.server?.appUserConnections ?? null]),
      },
      {
        label: 'Threads_connected (all users)',
        color: PALETTE[3],
        points: s.map((x) => [sec(x), w(x)?.server?.threadsConnected ?? null]),
      },
      { label: 'pool max', color: PALETTE[6], dashed: true, points: s.map((x) => [sec(x), t.poolMax]) },
    ]);
    // Read replicas: one series per server (primary and each replica), connections and queries.
    const names = [...new Set(s.flatMap((x) => (w(x)?.servers ?? []).map((v) => v.name)))];
    if (names.length > 0) {
      const per = (pick: (v: ServerWindow, x: LoadSample) => number) =>
        names.map((n, i) => ({
          label: n,
          color: PALETTE[i % PALETTE.length] as string,
          points: s.map((x) => {
            const v = w(x)?.servers?.find((y) => y.name === n);
            return [sec(x), v ? pick(v, x) : null] as const;
          }),
        }));
      add(
        `servers-connections-${t.name}`,
        [`Servers of ${t.name}`, 'open connections, primary and each read replica'],
        'connections',
        per((v) => v.connections),
      );
      add(
        `servers-queries-${t.name}`,
        [`Queries per server of ${t.name}`, 'statements per second, primary and each read replica'],
        'per second',
        per((v, x) => perSecond(v.queries, x)),
      );
    }
  }
  return charts;
}

const perSecond = (count: number, x: LoadSample) =>
  Math.round((count * 10000) / Math.max(1, x.windowMs)) / 10;

/** The charts of a sweep: throughput, p99 and acquire-wait p99 against the pool size. */
export function sweepCharts(result: LoadResult): Promise<Chart[]> {
  return render(planSweep(result));
}

function planSweep(result: LoadResult): Planned[] {
  const points = result.sweep ?? [];
  const chart = (name: string, title: string, yLabel: string, series: Series[]): Planned => ({
    name,
    title,
    row: 'sweep',
    rowTitle: 'Sweep over pool sizes',
    png: true,
    spec: { title, xLabel: 'pool max (connections)', yLabel, series, categories: true },
  });
  return [
    chart('sweep-throughput', 'Throughput by pool size', 'req/s', [
      { label: 'responses/s', color: PALETTE[0], points: points.map((p) => [p.poolMax, p.rps]) },
    ]),
    chart('sweep-latency', 'Latency and acquire wait by pool size', 'ms', [
      { label: 'p50', color: PALETTE[2], points: points.map((p) => [p.poolMax, p.p50]) },
      { label: 'p99', color: PALETTE[1], points: points.map((p) => [p.poolMax, p.p99]) },
      {
        label: 'acquire-wait p99',
        color: PALETTE[3],
        dashed: true,
        points: points.map((p) => [p.poolMax, p.acquireP99]),
      },
    ]),
  ];
}

/** Every chart of a result: sweep charts, then each run's time series (suffixed by pool size in a sweep). */
export function reportCharts(result: LoadResult): Promise<Chart[]> {
  if (result.sweep) {
    return render([...planSweep(result), ...result.runs.flatMap((r) => planRun(r, `-pool${r.poolMax}`))]);
  }
  return render(result.runs.flatMap((r) => planRun(r, '')));
}

/** Renders one chart after the other (Vega is CPU-bound: running them at once gains nothing). */
async function render(planned: readonly Planned[]): Promise<Chart[]> {
  const out: Chart[] = [];
  for (const p of planned) {
    const { spec, ...rest } = p;
    out.push({ ...rest, svg: await lineChart(spec) });
  }
  return out;
}
