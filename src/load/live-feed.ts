import type { Target, TargetRegistry } from '../db/targets.js';
import { percentiles } from './percentiles.js';
import type { Percentiles, PoolGauges } from './types.js';
import { WaitRecorder } from './wait-recorder.js';

/** One target in a live snapshot. */
export interface LiveTarget {
  readonly name: string;
  readonly pool: PoolGauges & { readonly circuit: 'open' | 'closed' };
  /** Acquire waits (ms) since the previous snapshot; null when nobody acquired. */
  readonly acquire: Percentiles | null;
  /** Acquire timeouts since the previous snapshot. */
  readonly timeouts: number;
  /** Acquire timeouts since the pool started. */
  readonly timeoutsTotal: number;
  /** Acquires per second over the interval. */
  readonly acquiredPerS: number;
  /** With read replicas: the primary and each replica, their connections and statements per second. */
  readonly servers?: readonly LiveServer[];
}

/** One server behind a target with read replicas, in a live snapshot. */
export interface LiveServer {
  readonly name: string;
  /** `node`: a host of a multi-host (Galera) target, named host:port. */
  readonly role: 'primary' | 'replica' | 'node';
  readonly connections: number;
  readonly active: number;
  /** Connections borrowed per second (one per statement or transaction). */
  readonly queriesPerS: number;
  /** Replicas: `serving reads` or why not (lagging, stopped, down, unknown), and the estimated lag. */
  readonly state?: string;
  readonly lagMs?: number | null;
}

/** What the live view streams every interval. */
export interface LiveSnapshot {
  /** Wall-clock time of the snapshot (epoch ms). */
  readonly at: number;
  readonly intervalMs: number;
  readonly targets: readonly LiveTarget[];
}

/** Bounds of the snapshot interval (ms). */
export const LIVE_INTERVAL = { min: 100, default: 500, max: 5000 } as const;

/**
 * Streams pool gauges and acquire-wait percentiles of every target every `intervalMs` to `onSnapshot`,
 * until the returned function is called. Each feed attaches its own recorders to the pools' observer hubs,
 * so every subscriber sees the waits of its own intervals.
 */
export function startLiveFeed(
  registry: TargetRegistry,
  intervalMs: number,
  onSnapshot: (snapshot: LiveSnapshot) => void,
): () => void {
  const recorders = registry.list().map((t) => ({ target: t, recorder: new WaitRecorder(t.events) }));
  let last = performance.now();
  const acquired = new Map<string, number>();
  const rate = (key: string, total: number, seconds: number) => {
    const delta = total - (acquired.get(key) ?? total);
    acquired.set(key, total);
    return Math.round((Math.max(0, delta) / seconds) * 10) / 10;
  };
  const servers = (target: Target, seconds: number): readonly LiveServer[] | undefined => {
    // A multi-host (Galera) target: each node, its connections, statements and state (src/galera/router.ts).
    if (target.hosts.multi) {
      return target.hosts.nodes().map((n): LiveServer => {
        const name = `${n.host}:${n.port}`;
        return {
          name,
          role: 'node',
          connections: n.connections,
          active: n.active,
          queriesPerS: rate(`${target.name}@${name}`, n.queries, seconds),
          state: n.healthy ? n.state || 'up' : `${n.state || 'down'}${n.reason ? `: ${n.reason}` : ''}`,
        };
      });
    }
    const router = target.replicas;
    if (router === undefined) return undefined;
    const p = target.pool.stats();
    const primary: LiveServer = {
      name: 'primary',
      role: 'primary',
      connections: p.total,
      active: p.active,
      queriesPerS: rate(target.name, p.acquired, seconds),
    };
    return [
      primary,
      ...router.replicas.map((r, i): LiveServer => {
        const s = r.pool.stats();
        const status = router.monitor.status(i);
        return {
          name: r.name,
          role: 'replica',
          connections: s.total,
          active: s.active,
          queriesPerS: rate(r.name, s.acquired, seconds),
          state: status.eligible ? 'serving reads' : status.state,
          lagMs: status.lagMs,
        };
      }),
    ];
  };
  const tick = () => {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - last) / 1000);
    last = now;
    onSnapshot({
      at: Date.now(),
      intervalMs,
      targets: recorders.map(({ target, recorder }) => {
        const s = target.pool.stats();
        const w = recorder.drain();
        return {
          name: target.name,
          pool: {
            max: s.max,
            total: s.total,
            active: s.active,
            idle: s.idle,
            waiting: s.waiting,
            connecting: s.connecting,
            circuit: s.circuit,
          },
          acquire: percentiles(w.waits),
          timeouts: w.timeouts,
          timeoutsTotal: s.timeouts,
          acquiredPerS: Math.round((w.waits.length / seconds) * 10) / 10,
          ...((sv) => (sv ? { servers: sv } : {}))(servers(target, seconds)),
        };
      }),
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setImmediate(tick);
  return () => {
    clearInterval(timer);
    for (const { recorder } of recorders) recorder.detach();
  };
}
