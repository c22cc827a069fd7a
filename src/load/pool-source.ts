import type { TargetRegistry } from '../db/targets.js';
import { percentiles } from './percentiles.js';
import type { Percentiles, PoolGauges, ServerWindow } from './types.js';
import { WaitRecorder } from './wait-recorder.js';

/** One target's pool in one sampling window. */
export interface PoolReading {
  readonly pool: PoolGauges | null;
  readonly acquire: Percentiles | null;
  readonly waits: readonly number[];
  readonly timeouts: number;
  /** The primary and each read replica, when the target has replicas (src/replicas). */
  readonly servers?: readonly ServerWindow[];
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
  const acquiredBefore = new Map<string, number>();
  const queries = (key: string, acquired: number) => {
    const delta = acquired - (acquiredBefore.get(key) ?? acquired);
    acquiredBefore.set(key, acquired);
    return Math.max(0, delta);
  };
  const servers = (name: string): readonly ServerWindow[] | undefined => {
    const target = registry.get(name);
    // A multi-host (Galera) target: each node's connections, statements in the window and state.
    if (target.hosts.multi) {
      return target.hosts.nodes().map((n): ServerWindow => {
        const node = `${n.host}:${n.port}`;
        return {
          name: node,
          role: 'node',
          connections: n.connections,
          active: n.active,
          queries: queries(`${name}@${node}`, n.queries),
          state: n.healthy ? n.state || 'up' : n.state || 'down',
        };
      });
    }
    const router = target.replicas;
    if (router === undefined) return undefined;
    const p = target.pool.stats();
    const statuses = router.monitor.statuses();
    return [
      {
        name: 'primary',
        role: 'primary',
        connections: p.total,
        active: p.active,
        queries: queries(name, p.acquired),
      },
      ...router.replicas.map((r, i): ServerWindow => {
        const s = r.pool.stats();
        return {
          name: r.name,
          role: 'replica',
          connections: s.total,
          active: s.active,
          queries: queries(r.name, s.acquired),
          state: statuses[i]?.eligible ? 'serving reads' : (statuses[i]?.state ?? 'unknown'),
          lagMs: statuses[i]?.lagMs ?? null,
        };
      }),
    ];
  };
  return {
    targets,
    read(name) {
      const s = registry.get(name).pool.stats();
      const replicaServers = servers(name);
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
        ...(replicaServers ? { servers: replicaServers } : {}),
      };
    },
    close() {
      for (const r of recorders.values()) r.detach();
    },
  };
}
