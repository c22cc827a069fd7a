import type { TargetConfig } from '../config/index.js';
import { FLEET_DEFAULTS } from '../config/fleet.js';
import { sql } from '../db/sql.js';
import type { Target } from '../db/targets.js';
import type { Finding } from '../doctor/types.js';
import { isAppError } from '../errors/index.js';
import { checkBudget, type LiveInstance, replicaShare } from '../fleet/budget.js';

/** Rows that beat within this long count as running instances (as the primary's fleet check counts them). */
const SEEN_WITHIN_S = 60;

/**
 * The fleet-wide connection budget on each read replica: every app instance holds its own pool to every
 * replica, and they count against that replica's own `max_connections` (a replica is its own server, often
 * a smaller size than the primary). Instances registered in the primary's heartbeat table size their replica
 * pools to a share ({@link replicaShare}; not recorded, so estimated with this configuration), `--instances`
 * beyond them (CAREPOOL_FLEET=off, or older versions) are counted at the replica pool max. Warns per replica
 * with cause and fix when pools plus headroom exceed its `max_connections`; a replica that does not answer is
 * left to the replica state findings.
 */
export async function replicaBudgetFindings(
  config: TargetConfig,
  primary: Target,
  replicas: readonly Target[],
  appInstances: number,
): Promise<Finding[]> {
  let live: number;
  try {
    const { rows } = await primary.sql.query<{ n: number | string }>(
      sql`SELECT COUNT(*) AS n FROM carepool_instances WHERE last_beat >= NOW(3) - INTERVAL ${SEEN_WITHIN_S} SECOND`,
    );
    live = Number(rows[0]?.n ?? 0);
  } catch (error) {
    // No heartbeat table (the primary's fleet finding says so) or primary down: no registered instances.
    if (!isAppError(error)) throw error;
    live = 0;
  }
  const headroom = FLEET_DEFAULTS.headroom;
  const unregistered = Math.max(0, appInstances - live);
  const findings: Finding[] = [];
  for (const replica of replicas) {
    const maxConnections = await replica.sql
      .query<{ m: number | string }>(sql`SELECT @@GLOBAL.max_connections AS m`)
      .then(({ rows }) => Number(rows[0]?.m))
      .catch(() => Number.NaN);
    if (!Number.isFinite(maxConnections) || maxConnections <= 0) continue;
    const poolMax = replica.config.pool.max;
    const share = replicaShare({
      maxConnections,
      headroom,
      poolMax,
      instances: live,
      current: poolMax,
      phase: 'settled',
    });
    const all: LiveInstance[] = [
      ...Array.from({ length: live }, (_, i) => ({ instanceId: `registered-${i}`, poolMax: share })),
      ...Array.from({ length: unregistered }, (_, i) => ({ instanceId: `unregistered-${i}`, poolMax })),
    ];
    const check = checkBudget(maxConnections, headroom, all);
    const where = `${replica.name} (${replica.config.url.host}:${replica.config.url.port})`;
    const data = {
      replica: replica.name,
      liveInstances: live,
      assumedInstances: unregistered,
      replicaPoolMax: poolMax,
      registeredShare: live > 0 ? share : null,
      demand: check.demand,
      headroom,
      maxConnections,
    };
    const parts = [
      ...(live > 0 ? [`${live} registered instance(s) at their share ${share}`] : []),
      ...(unregistered > 0 ? [`${unregistered} assumed at the replica pool max ${poolMax}`] : []),
    ];
    const summary = `replica ${where}: ${parts.join(' + ') || 'no instances'}: ${check.demand} connections + ${headroom} headroom of its max_connections ${maxConnections}`;
    if (!check.over) {
      findings.push({ check: 'fleet', status: 'ok', summary, data });
      continue;
    }
    const room = maxConnections - headroom;
    const fair = Math.max(1, Math.floor(room / Math.max(1, all.length)));
    const name = config.name.toUpperCase();
    const tooMany = all.length > room;
    findings.push({
      check: 'fleet',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS',
      summary,
      cause: `${all.length} app instance(s) may open ${check.demand} connections to read replica ${where} together, more than the ${room} it has for them (its own max_connections ${maxConnections}, which follows the replica's size, minus ${headroom} headroom). Under load it refuses the rest with error 1040 "Too many connections"; those reads fall back to the primary.`,
      fix: tooMany
        ? `Even one connection per instance is too many: run fewer instances, or give the replica a larger size (more max_connections).`
        : `Run every instance with CAREPOOL_FLEET=on (the default; each sizes its replica pools to its share), or set CAREPOOL_TARGET_${name}_REPLICA_POOL_MAX=${fair} on each, run fewer instances, or give the replica a larger size (more max_connections).`,
      data,
    });
  }
  return findings;
}
