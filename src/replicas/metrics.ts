import { Gauge, type Registry } from 'prom-client';
import type { TargetRegistry } from '../db/targets.js';
import type { ReplicaStatus } from './monitor.js';
import type { RouteCounts } from './router-options.js';

type Labels = 'target' | 'replica';

/**
 * Registers the read-replica gauges on a Prometheus registry, read from the routers at scrape time (the
 * first scrape starts a router's lag monitor): lag, Seconds_Behind_Master, missing transactions, thread
 * states, eligibility, reads served and failed over, and an info series with the GTID positions, state and
 * last error. Idempotent per registry.
 */
export function registerReplicaMetrics(metrics: Registry, targets: TargetRegistry): void {
  if (metrics.getSingleMetric('carepool_replica_lag_seconds')) return;
  const each = (fn: (target: string, s: ReplicaStatus) => void) => {
    for (const t of targets.list()) {
      const router = t.replicas;
      if (router === undefined) continue;
      void router.start().catch(() => undefined);
      for (const s of router.monitor.statuses()) fn(t.name, s);
    }
  };
  const gauge = (name: string, help: string, pick: (s: ReplicaStatus) => number) =>
    new Gauge<Labels>({
      name,
      help,
      labelNames: ['target', 'replica'],
      registers: [metrics],
      collect() {
        this.reset();
        each((target, s) => this.set({ target, replica: s.name }, pick(s)));
      },
    });
  gauge('carepool_replica_lag_seconds', 'Estimated replica lag (NaN when unknown).', (s) =>
    s.lagMs === null ? Number.NaN : s.lagMs / 1000,
  );
  gauge('carepool_replica_seconds_behind_master', 'Seconds_Behind_Master (NaN when NULL).', (s) =>
    s.secondsBehind === null ? Number.NaN : s.secondsBehind,
  );
  gauge(
    'carepool_replica_missing_transactions',
    'Primary transactions not applied yet (NaN when unknown).',
    (s) => (s.missingTransactions === null ? Number.NaN : s.missingTransactions),
  );
  gauge('carepool_replica_eligible', '1 while reads may go to the replica.', (s) => (s.eligible ? 1 : 0));
  gauge('carepool_replica_io_running', '1 while the replication IO thread runs.', (s) =>
    s.ioThread === 'Yes' ? 1 : 0,
  );
  gauge('carepool_replica_sql_running', '1 while the replication SQL thread runs.', (s) =>
    s.sqlThread === 'Yes' ? 1 : 0,
  );
  gauge('carepool_replica_reads_total', 'Reads the replica served.', (s) => s.reads);
  gauge(
    'carepool_replica_failovers_total',
    'Reads the replica failed or timed out on (served by the primary).',
    (s) => s.failovers,
  );
  new Gauge<Labels | 'state' | 'replica_gtid' | 'primary_gtid' | 'last_error'>({
    name: 'carepool_replica_info',
    help: 'Always 1: the replica state, GTID positions and last replication error as labels.',
    labelNames: ['target', 'replica', 'state', 'replica_gtid', 'primary_gtid', 'last_error'],
    registers: [metrics],
    collect() {
      this.reset();
      each((target, s) =>
        this.set(
          {
            target,
            replica: s.name,
            state: s.state,
            replica_gtid: s.replicaGtid ?? '',
            primary_gtid: s.primaryGtid ?? '',
            last_error: (s.lastError ?? '').slice(0, 200),
          },
          1,
        ),
      );
    },
  });
  const routerCount = (name: string, help: string, pick: (c: RouteCounts) => number) =>
    new Gauge<'target'>({
      name,
      help,
      labelNames: ['target'],
      registers: [metrics],
      collect() {
        this.reset();
        for (const t of targets.list())
          if (t.replicas) this.set({ target: t.name }, pick(t.replicas.counts()));
      },
    });
  routerCount(
    'carepool_router_primary_reads_total',
    'Reads of a target with replicas that the primary served (no eligible replica, read-your-writes, failover).',
    (c) => c.primaryReads,
  );
  routerCount(
    'carepool_router_fallback_refused_total',
    'Reads refused with 503 CAREPOOL_REPLICA_FALLBACK_SATURATED: the cap on reads falling back to the primary was reached.',
    (c) => c.fallbackRefused,
  );
  routerCount(
    'carepool_router_fleet_checks_total',
    'Fleet-wide read-your-writes checks on the primary (its GTID position and whether the reader wrote recently).',
    (c) => c.fleetChecks,
  );
  routerCount(
    'carepool_router_fleet_recent_writers_total',
    'Fleet-wide checks that found a recent write by the reader: the read waited for the primary position.',
    (c) => c.fleetRecentWriters,
  );
  routerCount(
    'carepool_router_fleet_queries_total',
    'Queries on the primary that answered fleet-wide checks (reads share them: in flight, or sent at most settleMs before the read).',
    (c) => c.fleetQueries,
  );
  routerCount(
    'carepool_router_causal_waits_shared_total',
    'Read-your-writes waits on a replica avoided: another read was waiting for the same position, or it was known applied.',
    (c) => c.causalWaitsShared,
  );
}
