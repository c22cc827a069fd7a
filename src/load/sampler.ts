import { percentiles } from './percentiles.js';
import type { PoolSource } from './pool-source.js';
import type { ServerMonitor } from './server-monitor.js';
import type { Traffic } from './traffic.js';
import type { LoadSample, ServerView, TargetWindow } from './types.js';

/** Default sampling interval (ms). */
export const SAMPLE_INTERVAL_MS = 250;

/** Options of {@link Sampler}. */
export interface SamplerOptions {
  readonly traffic: Traffic;
  readonly pools: PoolSource;
  /** Monitoring connection per target (missing: no server view for that target). */
  readonly monitors: ReadonlyMap<string, ServerMonitor>;
  readonly intervalMs?: number;
  /** Called with every sample (progress display, live output). */
  readonly onSample?: (sample: LoadSample) => void;
  readonly now?: () => number;
}

/**
 * Takes a {@link LoadSample} every ~250 ms: the generator's window (throughput, latency percentiles,
 * statuses, error codes), each pool's gauges and acquire waits, and the server's own view. Server reads are
 * asynchronous: each window carries the latest reading that finished in it (null if none did), and a new
 * read starts only when the previous one is done, so a slow server is sampled less often, never piled on.
 */
export class Sampler {
  readonly #o: SamplerOptions;
  readonly #now: () => number;
  readonly #samples: LoadSample[] = [];
  readonly #server = new Map<string, ServerView>();
  readonly #inFlight = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #start = 0;
  #last = 0;
  #stopped = false;

  constructor(options: SamplerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts sampling (and reads each server once right away). */
  start(): void {
    this.#start = this.#now();
    this.#last = this.#start;
    this.#readServers();
    this.#timer = setInterval(() => this.sample(), this.#o.intervalMs ?? SAMPLE_INTERVAL_MS);
  }

  /** Takes one sample now (the timer calls it; {@link stop} takes a last one). */
  sample(): LoadSample {
    const now = this.#now();
    const windowMs = Math.max(1, now - this.#last);
    this.#last = now;
    const w = this.#o.traffic.drain();
    const requests = w.latencies.length;
    const targets: Record<string, TargetWindow> = {};
    for (const name of this.#o.pools.targets) {
      const r = this.#o.pools.read(name);
      const answered = w.byTarget[name];
      targets[name] = {
        ...r,
        server: this.#server.get(name) ?? null,
        responses: answered?.latencies ?? [],
        status: answered?.status ?? {},
      };
      this.#server.delete(name);
    }
    const sample: LoadSample = {
      t: Math.round(now - this.#start),
      windowMs: Math.round(windowMs),
      http: {
        requests,
        rps: Math.round((requests / windowMs) * 10000) / 10,
        concurrency: this.#o.traffic.concurrency,
        latency: percentiles(w.latencies),
        status: w.status,
        errors: w.errors,
        retryAfter: w.retryAfter,
        slowest503: w.slowest503,
        latencies: w.latencies,
      },
      targets,
    };
    this.#samples.push(sample);
    this.#readServers();
    this.#o.onSample?.(sample);
    return sample;
  }

  #readServers(): void {
    if (this.#stopped) return;
    for (const [name, monitor] of this.#o.monitors) {
      if (this.#inFlight.has(name)) continue;
      this.#inFlight.add(name);
      monitor.read().then(
        (view) => {
          this.#server.set(name, view);
          this.#inFlight.delete(name);
        },
        () => this.#inFlight.delete(name),
      );
    }
  }

  /** Stops the timer, waits for server reads in flight, takes a final sample and returns them all. */
  async stop(): Promise<readonly LoadSample[]> {
    clearInterval(this.#timer);
    this.#stopped = true;
    const deadline = Date.now() + 2000;
    while (this.#inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    this.sample();
    return this.#samples;
  }
}
