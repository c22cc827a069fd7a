import type { PoolSettings } from '../config/index.js';
import type { SingleConnection } from '../db/connect.js';
import { sql } from '../db/sql.js';
import { FLEET_DEFAULTS } from '../config/fleet.js';
import { checkBudget, type LiveInstance } from '../fleet/index.js';
import { isAppError } from '../errors/index.js';
import type { Finding } from './types.js';

/** Rows that beat within this long count as running instances (the default stale bound is 7 s). */
const SEEN_WITHIN_S = 60;

/**
 * The fleet-wide budget on one server: the pools of the instances in `carepool_instances` (those that beat in
 * the last minute), plus `--instances` beyond them at the configured POOL_MAX (instances running with
 * CAREPOOL_FLEET=off, or an older carepool, do not register), plus the headroom, against
 * `max_connections`. Warns with cause and fix when they exceed it (Azure B1ms: 171).
 */
export async function fleetFinding(
  conn: SingleConnection,
  maxConnections: number,
  pool: PoolSettings,
  appInstances: number,
): Promise<Finding> {
  if (!Number.isFinite(maxConnections) || maxConnections <= 0)
    return { check: 'fleet', status: 'info', summary: 'max_connections could not be read' };
  let live: LiveInstance[];
  try {
    const { rows } = await conn.query<{ instance_id: string; pool_max: number }>(
      sql`SELECT instance_id, pool_max FROM carepool_instances
          WHERE last_beat >= NOW(3) - INTERVAL ${SEEN_WITHIN_S} SECOND`,
    );
    live = rows.map((r) => ({ instanceId: r.instance_id, poolMax: Number(r.pool_max) }));
  } catch (error) {
    if (isAppError(error) && error.code === 'CAREPOOL_SCHEMA_MISSING') {
      return {
        check: 'fleet',
        status: 'info',
        summary:
          'no heartbeat table (carepool_instances): migration 0007 is not applied, so instances cannot share the connection budget',
      };
    }
    throw error;
  }
  const unregistered = Math.max(0, appInstances - live.length);
  const all = [
    ...live,
    ...Array.from({ length: unregistered }, (_, i) => ({
      instanceId: `unregistered-${i}`,
      poolMax: pool.max,
    })),
  ];
  const headroom = FLEET_DEFAULTS.headroom;
  const check = checkBudget(maxConnections, headroom, all);
  const data = {
    liveInstances: live.length,
    assumedInstances: unregistered,
    demand: check.demand,
    headroom,
    maxConnections,
  };
  const pools = live.length > 0 ? live.map((i) => i.poolMax).join('+') : '';
  const summary = `${live.length} running instance(s) registered${pools ? ` (pools ${pools})` : ''}${unregistered > 0 ? ` + ${unregistered} assumed at pool max ${pool.max}` : ''}: ${check.demand} connections + ${headroom} headroom of max_connections ${maxConnections}`;
  if (!check.over) return { check: 'fleet', status: 'ok', summary, data };
  const fair = Math.max(1, Math.floor((maxConnections - headroom) / Math.max(1, all.length)));
  return {
    check: 'fleet',
    status: 'warn',
    code: 'CAREPOOL_DOCTOR_MAX_CONNECTIONS',
    summary,
    cause: `${all.length} app instance(s) may open ${check.demand} connections together, more than the ${maxConnections - headroom} this server has for them (max_connections ${maxConnections} minus ${headroom} for migrator and admin; Azure B1ms allows 171). Under load the server refuses the rest with error 1040 "Too many connections".`,
    fix: `Run every instance with CAREPOOL_FLEET=on (the default; each sizes its pool to its share and registers here), or set CAREPOOL_POOL_MAX=${fair} on each, run fewer instances, or raise max_connections.`,
    data,
  };
}
