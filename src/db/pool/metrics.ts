import { Counter, Gauge, type Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram.js';
import type { PoolObserver } from './observer.js';
import type { PoolStats } from './pool.js';

/** Something that exposes pool stats per target (the target registry). */
export interface PoolStatsSource {
  poolStats(): readonly PoolStats[];
}

/**
 * Registers the pool metrics on a prom-client registry, named after HikariCP's Prometheus set:
 * gauges read live from the pools at scrape time, histograms and counters fed by an observer per target.
 */
export class PoolMetrics {
  readonly #acquireWait: FastHistogram;
  readonly #hold: FastHistogram;
  readonly #create: FastHistogram;
  readonly #timeouts: Counter<'target'>;
  readonly #errors: Counter<'target'>;
  readonly #destroyed: Counter<'target' | 'reason'>;
  readonly #created: Counter<'target'>;

  constructor(registry: Registry, source: PoolStatsSource) {
    const gauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['target'],
        registers: [registry],
        collect() {
          for (const s of source.poolStats()) this.set({ target: s.name }, pick(s));
        },
      });
    gauge('carepool_pool_connections', 'Open connections (idle + active + connecting).', (s) => s.total);
    gauge('carepool_pool_active_connections', 'Connections lent to callers.', (s) => s.active);
    gauge('carepool_pool_idle_connections', 'Idle connections.', (s) => s.idle);
    gauge('carepool_pool_pending', 'Callers waiting for a connection.', (s) => s.waiting);
    gauge('carepool_pool_max_connections', 'Pool maximum.', (s) => s.max);
    gauge('carepool_pool_circuit_open', '1 while the target is considered down.', (s) =>
      s.circuit === 'open' ? 1 : 0,
    );
    const seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];
    this.#acquireWait = new FastHistogram({
      name: 'carepool_pool_acquire_seconds',
      help: 'Time callers waited for a connection.',
      buckets: seconds,
      registers: [registry],
    });
    this.#hold = new FastHistogram({
      name: 'carepool_pool_usage_seconds',
      help: 'Time connections were held by callers.',
      buckets: seconds,
      registers: [registry],
    });
    this.#create = new FastHistogram({
      name: 'carepool_pool_creation_seconds',
      help: 'Time to open a connection (TCP + TLS + auth).',
      buckets: seconds,
      registers: [registry],
    });
    this.#timeouts = new Counter({
      name: 'carepool_pool_acquire_timeouts_total',
      help: 'Callers that gave up at the acquire timeout.',
      labelNames: ['target'],
      registers: [registry],
    });
    this.#errors = new Counter({
      name: 'carepool_pool_connect_errors_total',
      help: 'Failed connection attempts.',
      labelNames: ['target'],
      registers: [registry],
    });
    this.#created = new Counter({
      name: 'carepool_pool_connections_created_total',
      help: 'Connections opened.',
      labelNames: ['target'],
      registers: [registry],
    });
    this.#destroyed = new Counter({
      name: 'carepool_pool_connections_destroyed_total',
      help: 'Connections closed, by reason.',
      labelNames: ['target', 'reason'],
      registers: [registry],
    });
  }

  /** The observer to attach to the pool of `target`. */
  observerFor(target: string): PoolObserver {
    const wait = this.#acquireWait.child(target);
    const hold = this.#hold.child(target);
    const create = this.#create.child(target);
    const timeouts = this.#timeouts.labels({ target });
    const errors = this.#errors.labels({ target });
    const created = this.#created.labels({ target });
    return {
      acquired: (ms) => wait(ms / 1000),
      released: (ms) => hold(ms / 1000),
      created: (ms) => {
        create(ms / 1000);
        created.inc();
      },
      timedOut: () => timeouts.inc(),
      createFailed: () => errors.inc(),
      destroyed: (reason) => this.#destroyed.inc({ target, reason }),
    };
  }
}
