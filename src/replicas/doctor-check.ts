import type { TargetConfig } from '../config/index.js';
import { TargetRegistry } from '../db/targets.js';
import type { Finding } from '../doctor/types.js';
import { replicaBudgetFindings } from './doctor-budget.js';
import { explainReplicaFailure } from './doctor-connect.js';
import type { ReplicaStatus } from './monitor.js';
import { stoppedFix } from './stopped-fix.js';

/**
 * The doctor's read-replica findings for one target (none when it has no replicas): each replica's state,
 * lag and GTID positions; a stopped, lagging or silent replica is a warning with its cause (the replication
 * error, e.g. a duplicate key at a GTID) and the fix. Warnings, not failures: the primary serves its reads.
 * Then each answering replica's fleet connection budget ({@link replicaBudgetFindings}; `appInstances` as
 * `carepool doctor --instances`).
 */
export async function replicaFindings(
  config: TargetConfig,
  options: { readonly appInstances?: number } = {},
): Promise<readonly Finding[]> {
  if (!config.replicas) return [];
  // The monitor samples the primary first, then each replica. A replica still behind the position a poll
  // sampled (the primary writes) has no measured lag yet: it is polled again, up to 2 s, until it covers one.
  const registry = new TargetRegistry({ targets: [{ ...config, pool: { ...config.pool, min: 0 } }] });
  try {
    const router = registry.get(config.name).replicas;
    if (router === undefined) return [];
    let statuses = await router.statuses();
    for (let i = 0; i < 4 && statuses.some(unmeasured); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await router.monitor.poll();
      statuses = await router.statuses();
    }
    const explained = await Promise.all(
      statuses.map((_, i) => explainReplicaFailure(config, i, router.monitor.lastFailure(i))),
    );
    const states = statuses.map((s, i) => finding(config, s, i, explained[i]));
    const budgets = await replicaBudgetFindings(
      config,
      router.primary,
      router.replicas.filter((_, i) => states[i]?.data?.state !== 'down'),
      options.appInstances ?? 1,
    );
    return [...states, ...budgets];
  } finally {
    await registry.close(1000);
  }
}

function finding(
  config: TargetConfig,
  s: ReplicaStatus,
  index: number,
  explained: Pick<Finding, 'cause' | 'fix'> | undefined,
): Finding {
  const where = `${s.name} (${s.address})`;
  const gtids = `GTID ${s.replicaGtid || '-'} / primary ${s.primaryGtid || '-'}`;
  const data = {
    replica: s.name,
    address: s.address,
    state: s.state,
    lagMs: s.lagMs,
    maxLagMs: s.maxLagMs,
    secondsBehind: s.secondsBehind,
    delaySeconds: s.delaySeconds,
    replicaGtid: s.replicaGtid,
    primaryGtid: s.primaryGtid,
    missingTransactions: s.missingTransactions,
    ioThread: s.ioThread,
    sqlThread: s.sqlThread,
    lastError: s.lastError,
  };
  if (s.eligible)
    return {
      check: 'replicas',
      status: 'ok',
      summary: `${where}: serving reads, lag ${s.lagMs} ms (bound ${s.maxLagMs} ms), ${gtids}, IO/SQL ${s.ioThread ?? '?'}/${s.sqlThread ?? '?'}`,
      data,
    };
  const variable = `CAREPOOL_TARGET_${config.name.toUpperCase()}_REPLICAS`;
  if (s.state === 'stopped')
    return {
      check: 'replicas',
      status: 'warn',
      code: 'CAREPOOL_REPLICA_STOPPED',
      summary: `${where}: replica stopped (${gtids}); reads go to the primary`,
      cause: `replica stopped: ${s.lastError ?? s.reason ?? 'a replication thread is not running'}${
        s.replicaGtid ? ` (applied up to GTID ${s.replicaGtid})` : ''
      }`,
      fix: stoppedFix(s.lastError ?? s.reason ?? null, variable),
      data,
    };
  const lagVariable = `CAREPOOL_TARGET_${config.name.toUpperCase()}_READ_MAX_LAG_MS`;
  const lag = s.lagMs === null ? 'lag unknown (behind every primary position sampled)' : `lag ${s.lagMs} ms`;
  // A replica told to stay behind (MASTER_DELAY) longer than the bound is not slow: it lags by design.
  if (
    (s.state === 'lagging' || unmeasured(s)) &&
    s.delaySeconds !== null &&
    s.delaySeconds * 1000 > s.maxLagMs
  )
    return {
      check: 'replicas',
      status: 'warn',
      code: 'CAREPOOL_REPLICA_LAGGING',
      summary: `${where}: ${lag}, MASTER_DELAY ${s.delaySeconds} s is above the bound ${s.maxLagMs} ms (${gtids}); reads go to the primary`,
      cause: `The replica is configured to apply each change ${s.delaySeconds} s late (MASTER_DELAY = ${s.delaySeconds}), more than the bound of ${s.maxLagMs} ms: it serves reads only while the primary does not write.`,
      fix: `On the replica: STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE (MySQL: CHANGE REPLICATION SOURCE TO SOURCE_DELAY = 0), or drop it from ${variable} if it is a deliberately delayed copy; or set ${lagVariable} above ${s.delaySeconds * 1000} if reads that old are acceptable.`,
      data,
    };
  if (s.state === 'lagging' || unmeasured(s))
    return {
      check: 'replicas',
      status: 'warn',
      code: 'CAREPOOL_REPLICA_LAGGING',
      summary: `${where}: ${s.lagMs === null ? 'lag unknown: still behind every primary position sampled over 2 s' : `lag ${s.lagMs} ms is above the bound ${s.maxLagMs} ms`} (${gtids}); reads go to the primary`,
      cause: `The replica applies the primary's changes slower than they come (${s.missingTransactions ?? '?'} transactions behind).`,
      fix: `Find long transactions or tables without a primary key on the primary, give the replica more CPU/IO (Azure: a larger General Purpose size), or raise ${lagVariable} (all targets: CAREPOOL_READ_MAX_LAG_MS) if staler reads are acceptable.`,
      data,
    };
  return {
    check: 'replicas',
    status: 'warn',
    code: 'CAREPOOL_REPLICA_DOWN',
    summary: `${where}: ${s.reason ?? s.state}; reads go to the primary`,
    cause: explained?.cause ?? s.lastError ?? 'The replica could not be queried.',
    fix:
      explained?.fix ??
      `Start the replica, or check its URL in ${variable} (entry ${index + 1}: host, port, ssl-mode, user); remove it from ${variable} if it is gone for good.`,
    data,
  };
}

/** Replicating (both threads running) but behind every primary position sampled so far: lag not measured. */
function unmeasured(s: ReplicaStatus): boolean {
  return s.state === 'unknown' && s.ioThread === 'Yes' && s.sqlThread === 'Yes' && s.replicaGtid !== null;
}
