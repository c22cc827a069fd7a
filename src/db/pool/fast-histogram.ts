import type { Registry } from 'prom-client';

/**
 * A Prometheus histogram with one label (`target`) whose `observe` is a bucket search and two additions.
 * prom-client's Histogram hashes the label set on every observation (even through `labels()` children),
 * which cost more than the pool's whole acquire path (docs/benchmarks.md, "Pool"). It registers on a
 * prom-client Registry as a custom metric with `get()`, so /metrics output is the standard format.
 */
export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { counts: Float64Array; sum: number; count: number }>();

  constructor(options: {
    name: string;
    help: string;
    buckets: readonly number[];
    registers: readonly Registry[];
  }) {
    this.name = options.name;
    this.help = options.help;
    this.#buckets = [...options.buckets].sort((a, b) => a - b);
    for (const r of options.registers) r.registerMetric(this as never);
  }

  /** A bound observer for one label value; call it with seconds. */
  child(target: string): (value: number) => void {
    let s = this.#series.get(target);
    if (s === undefined) {
      s = { counts: new Float64Array(this.#buckets.length), sum: 0, count: 0 };
      this.#series.set(target, s);
    }
    const series = s;
    const buckets = this.#buckets;
    return (value: number) => {
      let i = 0;
      while (i < buckets.length && value > (buckets[i] as number)) i++;
      if (i < buckets.length) series.counts[i] = (series.counts[i] as number) + 1;
      series.sum += value;
      series.count++;
    };
  }

  /** prom-client's metric protocol: cumulative `_bucket` lines, `_sum` and `_count` per target. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: { metricName: string; labels: Record<string, string | number>; value: number }[];
  }> {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const [target, s] of this.#series) {
      let cumulative = 0;
      this.#buckets.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, target }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', target }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: { target }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { target }, value: s.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }

  /** Clears all series (prom-client calls it from Registry.resetMetrics). */
  reset(): void {
    this.#series.clear();
  }
}
