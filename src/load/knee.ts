import { percentiles } from './percentiles.js';
import type { SweepPoint } from './run-load.js';
import type { RunResult } from './run-once.js';
import type { LoadSample, Phase } from './types.js';

const r1 = (v: number) => Math.round(v * 10) / 10;
const list = (values: readonly (number | string)[]) => values.join(' → ');

/** Samples whose window ends inside [fromS, toS). */
function within(samples: readonly LoadSample[], fromS: number, toS: number): LoadSample[] {
  return samples.filter((s) => s.t / 1000 > fromS && s.t / 1000 <= toS);
}

/** p99 and throughput of the responses of some windows. */
function figures(samples: readonly LoadSample[]): { p99: number | null; rps: number } {
  const latencies = samples.flatMap((s) => s.http.latencies);
  const ms = samples.reduce((t, s) => t + s.windowMs, 0);
  return { p99: percentiles(latencies)?.p99 ?? null, rps: ms > 0 ? r1((latencies.length * 1000) / ms) : 0 };
}

/**
 * The ramp's knee: the first step where throughput grew less than 10 % while p99 grew more than 25 %, i.e.
 * extra clients only queue. Steps are compared on the responses completed within them.
 */
export function bendInPhases(run: RunResult): string {
  const steps = run.phases.map((p: Phase) => ({
    phase: p,
    ...figures(within(run.samples, p.atS, p.atS + p.durationS)),
  }));
  const p99s = steps.map((s) => (s.p99 === null ? 'n/a' : `${r1(s.p99)} ms`));
  const head =
    `As the clients rose ${list(steps.map((s) => s.phase.connections))}, throughput went ${list(steps.map((s) => n0(s.rps)))} req/s ` +
    `and p99 ${list(p99s)}.`;
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1];
    const cur = steps[i];
    if (!prev || !cur || prev.p99 === null || cur.p99 === null) continue;
    if (cur.rps < prev.rps * 1.1 && cur.p99 > prev.p99 * 1.25) {
      return `${head} p99 bends at ${cur.phase.connections} clients: throughput changed by ${pct(cur.rps, prev.rps)} while p99 changed by ${pct(cur.p99, prev.p99)}, so the extra clients mostly waited (Little's law: more in flight at the same rate means longer each).`;
    }
  }
  return `${head} p99 did not bend within this range: throughput kept pace with the clients.`;
}

/**
 * Where p99 bends over time: the first window after the first fifth of the run whose p99 is more than three
 * times (and 5 ms above) the median p99 of that first fifth.
 */
export function bendInTime(run: RunResult): string {
  const busy = run.samples.filter((s) => s.http.latency !== null && s.http.requests >= 5);
  const total = run.samples.at(-1)?.t ?? 0;
  const early = busy.filter((s) => s.t <= total / 5).map((s) => s.http.latency?.p99 ?? 0);
  const baseline = percentiles(early)?.p50 ?? null;
  if (baseline === null) return 'Too few responses early in the run to tell where p99 bends.';
  const bend = busy.find(
    (s) => s.t > total / 5 && (s.http.latency?.p99 ?? 0) > Math.max(baseline * 3, baseline + 5),
  );
  if (bend === undefined) {
    return `p99 never rose above three times its early level (${r1(baseline)} ms per 250 ms window): no bend at this load.`;
  }
  return `p99 bends at t = ${r1(bend.t / 1000)} s: ${r1(bend.http.latency?.p99 ?? 0)} ms against ${r1(baseline)} ms early on, with ${bend.http.concurrency} clients connected.`;
}

/** How the spike hit p99 and how long p99 took to come back after it. */
export function spikeRecovery(run: RunResult): string {
  const spike = run.phases[1];
  if (spike === undefined) return '';
  const end = spike.atS + spike.durationS;
  const before = figures(within(run.samples, 0, spike.atS));
  const during = figures(within(run.samples, spike.atS, end));
  const after = run.samples.filter((s) => s.t / 1000 > end && s.http.latency !== null);
  const calm = before.p99 ?? 0;
  const back = after.find(
    (s) => (s.http.latency?.p99 ?? Number.POSITIVE_INFINITY) <= Math.max(calm * 1.5, calm + 2),
  );
  const recovery = back
    ? `p99 was back within 1.5× of its pre-spike level ${r1(back.t / 1000 - end)} s after the spike ended`
    : 'p99 had not come back to its pre-spike level by the end of the run';
  return `Before the spike p99 was ${r1(calm)} ms at ${n0(before.rps)} req/s; during it ${r1(during.p99 ?? 0)} ms at ${n0(during.rps)} req/s; ${recovery}.`;
}

/**
 * The sweep's knee: the smallest pool after which a bigger pool adds less than 10 % throughput. HikariCP's
 * sizing note predicts it near (server cores × 2).
 */
export function sweepKnee(points: readonly SweepPoint[]): string[] {
  const line = `Pool size ${list(points.map((p) => p.poolMax))}: throughput ${list(points.map((p) => n0(p.rps)))} req/s, p99 ${list(points.map((p) => (p.p99 === null ? 'n/a' : `${r1(p.p99)} ms`)))}, acquire-wait p99 ${list(points.map((p) => (p.acquireP99 === null ? 'n/a' : `${r1(p.acquireP99)} ms`)))}.`;
  for (let i = 0; i + 1 < points.length; i++) {
    const cur = points[i];
    const next = points[i + 1];
    if (cur && next && next.rps < cur.rps * 1.1) {
      return [
        line,
        `The knee is at a pool of ${cur.poolMax}: going to ${next.poolMax} changed throughput by ${pct(next.rps, cur.rps)} and p99 by ${next.p99 !== null && cur.p99 !== null ? pct(next.p99, cur.p99) : 'n/a'}; past it, extra connections only add server threads.`,
      ];
    }
  }
  return [
    line,
    'Throughput still grew at the largest pool tried: the knee is beyond it (or the load was too light to find it).',
  ];
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const pct = (to: number, from: number) => {
  if (from === 0) return 'n/a';
  const d = Math.round(((to - from) / from) * 100);
  return `${d >= 0 ? '+' : ''}${d} %`;
};
