import { Counter, Gauge, type Registry } from 'prom-client';
import type { TargetRegistry } from '../db/targets.js';
import { conflictCounts } from './retry.js';

/**
 * Registers the cluster metrics on `/metrics`, read at scrape time:
 * - `carepool_tx_conflict_retries_total{target}`: transactions run again after a deadlock / Galera
 *   certification conflict (1213); `carepool_tx_conflict_exhausted_total{target}`: ones that still failed;
 * - per host of a multi-host target: `carepool_node_up`, `carepool_node_connections`,
 *   `carepool_node_queries` with labels `target` and `node` (host:port).
 */
export function registerGaleraMetrics(metrics: Registry, registry: TargetRegistry): void {
  // One registry may serve several apps (tests build many): register once.
  if (metrics.getSingleMetric('carepool_tx_conflict_retries_total')) return;
  const counter = (name: string, help: string, pick: () => ReadonlyMap<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: ['target'],
      registers: [metrics],
      collect() {
        this.reset();
        for (const [target, n] of pick()) this.inc({ target }, n);
      },
    });
  counter(
    'carepool_tx_conflict_retries_total',
    'Transactions retried after a deadlock or Galera certification conflict (error 1213).',
    () => conflictCounts().retries,
  );
  counter(
    'carepool_tx_conflict_exhausted_total',
    'Transactions that still hit a conflict (1213) on their last allowed try.',
    () => conflictCounts().exhausted,
  );
  const perNode = (name: string, help: string, pick: (n: ReturnType<typeof nodesOf>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['target', 'node'],
      registers: [metrics],
      collect() {
        this.reset();
        for (const n of nodesOf(registry)) this.set({ target: n.target, node: n.node }, pick(n));
      },
    });
  perNode(
    'carepool_node_up',
    '1 while the host takes connections (on Galera: Synced, ready, Primary).',
    (n) => (n.healthy ? 1 : 0),
  );
  perNode('carepool_node_connections', 'Connections open to the host.', (n) => n.connections);
  perNode(
    'carepool_node_queries',
    'Statements sent to the host since this process started.',
    (n) => n.queries,
  );
}

function nodesOf(registry: TargetRegistry) {
  return registry
    .list()
    .flatMap((t) =>
      t.hosts.multi
        ? t.hosts.nodes().map((n) => ({ ...n, target: t.name, node: `${n.host}:${n.port}` }))
        : [],
    );
}
