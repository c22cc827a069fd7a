import type { Percentiles } from './types.js';

/**
 * Nearest-rank percentiles (the value at rank ⌈p·n⌉ of the sorted data), so every reported figure is a
 * latency that really happened. Returns null for no data.
 */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Rounds a duration in ms to 0.1 ms, the resolution stored in reports. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
