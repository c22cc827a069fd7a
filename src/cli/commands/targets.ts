import type { Command } from 'commander';
import { probeTarget, type TargetHealth } from '../../db/health.js';
import { readRevision } from '../../migrate/index.js';
import type { CliContext } from '../context.js';
import { table } from '../output.js';

/** `carepool targets`: every configured target with health, server, TLS and revision. */
export function registerTargets(program: Command, ctx: CliContext): void {
  program
    .command('targets')
    .description('list the configured targets with health, server flavor/version, TLS and schema revision')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const registry = await ctx.registry();
      const health = await Promise.all(registry.list().map((t) => probeTarget(t, readRevision)));
      if (opts.json) ctx.out.json({ targets: health });
      else ctx.out.line(healthTable(health));
      if (health.some((h) => !h.ok)) ctx.exitCode = 1;
    });
}

/** Renders target health as a table, with error hints under it. */
export function healthTable(health: readonly TargetHealth[]): string {
  const rows = health.map((h) => [
    h.name,
    h.ok ? 'healthy' : `DOWN ${h.error?.code ?? ''}`,
    h.ok ? `${h.latencyMs} ms` : '-',
    h.server ? `${h.server.flavor} ${h.server.version}` : '-',
    h.tls ? (h.tls.enabled ? `${h.tls.version ?? 'TLS'} (${h.sslMode})` : `off (${h.sslMode})`) : h.sslMode,
    h.revision ?? '-',
    h.url,
  ]);
  const errors = health
    .filter((h) => h.error)
    .map((h) => `\n${h.name}: ${h.error?.message}\n  hint: ${h.error?.hint}`)
    .join('');
  return (
    table(['target', 'health', 'latency', 'server', 'tls', 'revision', 'url'], rows) +
    errors +
    replicaTable(health)
  );
}

/** Read replicas (when any target has some): state, lag, GTID positions, threads, and why one is skipped. */
function replicaTable(health: readonly TargetHealth[]): string {
  const replicas = health.flatMap((h) => (h.replicas ?? []).map((r) => ({ of: h.name, r })));
  if (replicas.length === 0) return '';
  const rows = replicas.map(({ of, r }) => [
    r.name,
    of,
    r.eligible ? 'serving reads' : r.state,
    r.lagMs === null ? 'unknown' : `${r.lagMs} ms (bound ${r.maxLagMs})`,
    `${r.replicaGtid ?? '?'} / ${r.primaryGtid ?? '?'}`,
    `${r.ioThread ?? '?'}/${r.sqlThread ?? '?'}`,
    r.reads,
  ]);
  const why = replicas
    .filter(({ r }) => !r.eligible)
    .map(
      ({ r }) => `
${r.name}: skipped (reads go to the primary): ${r.reason ?? r.state}`,
    )
    .join('');
  return `

${table(['replica', 'of', 'state', 'lag', 'gtid replica / primary', 'io/sql', 'reads'], rows)}${why}`;
}
