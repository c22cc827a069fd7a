import type { Phase, ScenarioName } from './types.js';

/** The knobs a scenario is built from. */
export interface ScenarioParams {
  readonly durationS: number;
  /** Peak load-generator connections (HTTP keep-alive sockets, each with one request in flight). */
  readonly connections: number;
  /** The pool maximum the load is aimed at (exhaust offers several times this). */
  readonly poolMax: number;
  /** How long a slow request holds its connection. */
  readonly slowMs: number;
}

/** Pool sizes a sweep tries, after HikariCP's advice to load-test around a small pool. */
export const SWEEP_POOL_SIZES = [2, 5, 10, 20, 40] as const;

/**
 * Exhaust offers at least this many times the pool maximum. In a closed loop the queue settles where waits
 * equal clients ÷ capacity; at 5× with half the requests holding 800 ms the waits settled near 0.8 s, below
 * the 2 s acquire timeout, so nothing timed out (docs/observations.md). 10× makes the queue pass it.
 */
export const EXHAUST_FACTOR = 10;

/**
 * The phases of a scenario: who connects when. Pure; `runScenario` turns each phase into one autocannon
 * instance, so phases may overlap (a spike runs on top of the base load).
 *
 * - steady: `connections` for the whole run;
 * - ramp: five equal steps up to `connections` (the knee shows as p99 bending before throughput flattens);
 * - spike: a fifth of the load throughout, and the full load on top for the middle fifth of the run;
 * - exhaust: at least 10 × pool max connections, half the requests holding a connection for `slowMs`, so
 *   callers queue in the pool and some pass the acquire timeout (503 + Retry-After);
 * - sweep: steady load, repeated by the runner once per pool size in {@link SWEEP_POOL_SIZES}.
 */
export function scenarioPhases(name: ScenarioName, p: ScenarioParams): readonly Phase[] {
  const d = p.durationS;
  const base = { slowShare: 0, slowMs: p.slowMs };
  switch (name) {
    case 'steady':
    case 'sweep':
      return [{ ...base, label: 'steady', atS: 0, durationS: d, connections: p.connections }];
    case 'ramp': {
      const steps = 5;
      const stepS = d / steps;
      return Array.from({ length: steps }, (_, i) => {
        const connections = Math.max(1, Math.round((p.connections * (i + 1)) / steps));
        return {
          ...base,
          label: `step ${i + 1} (${connections} conn)`,
          atS: i * stepS,
          durationS: stepS,
          connections,
        };
      });
    }
    case 'spike': {
      const low = Math.max(1, Math.round(p.connections / 5));
      return [
        { ...base, label: `base (${low} conn)`, atS: 0, durationS: d, connections: low },
        {
          ...base,
          label: `spike (+${p.connections} conn)`,
          atS: d * 0.4,
          durationS: d * 0.2,
          connections: p.connections,
        },
      ];
    }
    case 'exhaust': {
      const connections = Math.max(p.connections, p.poolMax * EXHAUST_FACTOR);
      return [
        {
          label: `exhaust (${connections} conn)`,
          atS: 0,
          durationS: d,
          connections,
          slowShare: 0.5,
          slowMs: p.slowMs,
        },
      ];
    }
    default: {
      const never: never = name;
      throw new TypeError(`unknown scenario ${String(never)}`);
    }
  }
}

/** Offered connections at `tS` seconds: the sum over phases running then. */
export function offeredAt(phases: readonly Phase[], tS: number): number {
  return phases.reduce((n, ph) => (tS >= ph.atS && tS < ph.atS + ph.durationS ? n + ph.connections : n), 0);
}
