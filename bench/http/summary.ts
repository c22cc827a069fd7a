/**
 * The HTTP benchmark's arithmetic on samples: medians per server, and whether a goal can be judged at all
 * (no failed responses) before it is called met or missed.
 */
import { median } from '../lib/measure.js';
import type { Sample } from './load.js';

/** A server's samples in one comparison, reduced: medians of rates and costs, totals of failures. */
export interface Summary {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUs: number;
  readonly dbCpuUs: number;
  readonly clientCpuUs: number;
  readonly statements: number;
  readonly auditRows: number;
  readonly dbConnections: number;
  readonly non2xx: number;
  readonly s503: number;
  readonly s503RetryAfter: number;
  readonly otherStatus: string;
  readonly errors: number;
}

/** Reduces one server's rounds: medians of rates, latencies and costs; totals of failures. */
export function summary(samples: readonly Sample[]): Summary {
  const med = (f: (s: Sample) => number) => median(samples.map(f));
  const sum = (f: (s: Sample) => number) => samples.reduce((n, s) => n + f(s), 0);
  return {
    rps: med((s) => s.rps),
    p50: med((s) => s.p50),
    p99: med((s) => s.p99),
    cpuUs: med((s) => s.cpuUs),
    dbCpuUs: med((s) => s.dbCpuUs),
    clientCpuUs: med((s) => s.clientCpuUs),
    statements: med((s) => s.statements),
    auditRows: med((s) => s.auditRows),
    dbConnections: Math.max(0, ...samples.map((s) => s.dbConnections)),
    non2xx: sum((s) => s.non2xx),
    s503: sum((s) => s.s503),
    s503RetryAfter: sum((s) => s.s503RetryAfter),
    otherStatus: [...new Set(samples.map((s) => s.otherStatus).filter(Boolean))].join(' '),
    errors: sum((s) => s.errors),
  };
}

/** Formatters: integer with separators, one and two decimals, milliseconds; NaN as `n/a`. */
export const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
export const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
export const ms = (n: number) => `${f1(n)} ms`;
/** A goal's verdict when its numbers are valid. */
export const met = (ok: boolean) => (ok ? 'met' : '**missed**');

/** Failures that make a comparison's numbers unfit to judge a goal, as text ('' when there are none). */
export function failures(label: string, s: Summary, shedOk = false): string {
  const shed = shedOk && s.s503 === s.s503RetryAfter ? s.s503 : 0;
  const bad = s.non2xx - shed;
  const parts = [
    ...(bad > 0 ? [`${bad} non-2xx${s.otherStatus ? ` (${s.otherStatus})` : ''}`] : []),
    ...(s.errors > 0 ? [`${s.errors} connection errors`] : []),
  ];
  return parts.length ? `${label}: ${parts.join(', ')}` : '';
}

/** The verdict on a goal: invalid when any side had failed responses, else met or missed. */
export function verdict(ok: boolean, problems: readonly string[]): string {
  const found = problems.filter(Boolean);
  return found.length ? `**invalid** (${found.join('; ')})` : met(ok);
}

/** Per-round ratios of a field, the two servers' samples paired by round. */
export function perRound(
  a: readonly Sample[] | undefined,
  b: readonly Sample[] | undefined,
  f: (s: Sample) => number,
): string {
  if (!a || !b) return '';
  return a
    .map((x, i) => {
      const y = b[i];
      return y ? f2(f(x) / f(y)) : 'n/a';
    })
    .join(', ');
}
