import type { TargetRegistry } from '../db/targets.js';
import { percentiles } from './percentiles.js';
import type { Percentiles, PoolGauges } from './types.js';
import { WaitRecorder } from './wait-recorder.js';

/** One target's pool in one sampling window. */
export interface PoolReading {
  readonly pool: PoolGauges | null;
  readonly acquire: Percentiles | null;
  readonly waits: readonly number[];
  readonly timeouts: number;
}

/** Where the sampler reads pools from: this process's registry, or a server's live feed (`--url`). */
export interface PoolSource {
  readonly targets: readonly string[];
  /** The window since the previous read of `target`. */
  read(target: string): PoolReading;
  close(): void;
}

/** Pools of a registry in this process, with a {@link WaitRecorder} on each. */
export function localPoolSource(registry: TargetRegistry, targets: readonly string[]): PoolSource {
  const recorders = new Map(targets.map((n) => [n, new WaitRecorder(registry.get(n).events)]));
  return {
    targets,
    read(name) {
      const s = registry.get(name).pool.stats();
      const w = recorders.get(name)?.drain() ?? { waits: [], timeouts: 0 };
      return {
        pool: {
          max: s.max,
          total: s.total,
          active: s.active,
          idle: s.idle,
          waiting: s.waiting,
          connecting: s.connecting,
        },
        acquire: percentiles(w.waits),
        waits: w.waits,
        timeouts: w.timeouts,
      };
    },
    close() {
      for (const r of recorders.values()) r.detach();
    },
  };
}
