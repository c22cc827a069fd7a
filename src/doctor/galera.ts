import type { ConnectionSpec, TargetConfig } from '../config/index.js';
import { connectSingle, type SingleConnection } from '../db/connect.js';
import { healthyHost } from '../galera/dedicated.js';
import { unsafeTables } from '../galera/preflight.js';
import { isNodeHealthy, readWsrepStatus, type WsrepStatus } from '../galera/status.js';
import type { Finding } from './types.js';

/** Above this share of time paused by flow control, the cluster is being throttled by a slow node. */
export const FLOW_CONTROL_WARN = 0.1;

interface NodeReport {
  readonly where: string;
  readonly status?: WsrepStatus;
  readonly error?: string;
}

/**
 * The doctor's Galera checks (check name `galera`), for a target whose URL lists several hosts or whose
 * server has `wsrep_on=1`: each node's state (Synced / Donor / Joiner, Primary or not, ready), the cluster
 * size against the hosts listed and quorum, flow control, and tables Galera cannot replicate (non-InnoDB,
 * no primary key). Every problem says what to do. A plain one-host server gets no finding.
 */
export async function galeraFindings(config: TargetConfig): Promise<readonly Finding[]> {
  const spec = config.url;
  const hosts = spec.hosts ?? [{ host: spec.host, port: spec.port }];
  const reports = await Promise.all(
    hosts.map(async (h): Promise<NodeReport> => {
      const where = `${h.host}:${h.port}`;
      let conn: SingleConnection | undefined;
      try {
        conn = await connectSingle(
          config.name,
          { ...spec, host: h.host, port: h.port },
          { ...config.pool, keepAliveMs: 0 },
        );
        return { where, status: await readWsrepStatus(conn) };
      } catch (error) {
        return { where, error: error instanceof Error ? error.message : String(error) };
      } finally {
        await conn?.close().catch(() => undefined);
      }
    }),
  );
  const galera = reports.some((r) => r.status?.on);
  if (!galera) {
    if (hosts.length < 2 || reports.every((r) => r.error)) return [];
    return [
      {
        check: 'galera',
        status: 'info',
        summary: `the URL lists ${hosts.length} hosts and none is a Galera node: carepool uses the first reachable host, in URL order`,
        data: { hosts: hosts.length },
      },
    ];
  }
  const findings: Finding[] = reports.map(nodeFinding);
  findings.push(...clusterFindings(reports, hosts.length));
  // Schema guards on one healthy node (the schema is the same on all).
  const healthy = reports.findIndex((r) => r.status && isNodeHealthy(r.status));
  if (healthy >= 0) findings.push(await tableFinding(config, hosts[healthy]!));
  return findings;
}

/**
 * The host of a multi-host URL the doctor's connection checks (DNS to migrations) run on: the first, in URL
 * order, that is reachable and (on Galera) Synced, i.e. the one a dedicated connection uses. Every node
 * still gets its own `galera` finding from {@link galeraFindings}; the connection checks (TLS chain, grants,
 * settings) run on this one node only, which an info finding names. When no host qualifies: the first host,
 * whose checks then say why it fails. A one-host URL is returned as is, with no finding.
 */
export async function connectionNode(
  config: TargetConfig,
): Promise<{ readonly spec: ConnectionSpec; readonly finding?: Finding }> {
  const url = config.url;
  if (!url.hosts || url.hosts.length < 2) return { spec: url };
  const first = `${url.host}:${url.port}`;
  const spec = await healthyHost(config.name, url, config.pool).catch(() => undefined);
  const at = spec ? `${spec.host}:${spec.port}` : first;
  const why = spec
    ? `the first of the URL's ${url.hosts.length} hosts that takes connections${at === first ? '' : ` (${first} does not: see its galera finding)`}`
    : `the first host: none of the URL's ${url.hosts.length} hosts takes connections`;
  return {
    spec: spec ?? url,
    finding: {
      check: 'galera',
      status: 'info',
      summary: `connection checks (DNS to migrations) ran on ${at}, ${why}; the galera findings cover every node`,
      data: { node: at },
    },
  };
}

function nodeFinding(r: NodeReport): Finding {
  if (r.error !== undefined || !r.status) {
    return {
      check: 'galera',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_GALERA_NODE',
      summary: `node ${r.where} does not answer: ${r.error}`,
      cause: 'The node is down or unreachable; carepool sends its traffic to the other nodes meanwhile.',
      fix: 'Start the node (on the sandbox: carepool sandbox start). It rejoins by itself: IST if the donor still holds what it missed in gcache, else a full SST.',
    };
  }
  const s = r.status;
  const data = {
    node: s.nodeName || r.where,
    state: s.state,
    cluster_status: s.clusterStatus,
    ready: s.ready,
    cluster_size: s.clusterSize,
  };
  if (s.clusterStatus !== 'Primary') {
    return {
      check: 'galera',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_GALERA_QUORUM',
      summary: `node ${r.where} is ${s.clusterStatus || 'not Primary'}: it lost quorum and refuses reads and writes`,
      cause: 'The node cannot see a majority of the cluster (network split, or most nodes are down).',
      fix: 'Bring the other nodes back. If the whole cluster is down, bootstrap it from the most advanced node (safe_to_bootstrap: 1 in grastate.dat; galera_new_cluster), then start the rest.',
      data,
    };
  }
  if (!s.ready || s.state !== 'Synced') {
    const donor = s.state.startsWith('Donor');
    return {
      check: 'galera',
      status: 'warn',
      code: 'CAREPOOL_DOCTOR_GALERA_NODE',
      summary: `node ${r.where} is ${s.state || 'not ready'}${s.ready ? '' : ' and not ready'}: carepool sends it no new connections until it is Synced`,
      cause: donor
        ? 'The node is giving a state transfer to a joining node (rsync SST blocks it meanwhile).'
        : 'The node is joining the cluster or catching up (state transfer, applying its receive queue).',
      fix: donor
        ? 'Wait for the transfer to finish; with mariabackup SST the donor keeps serving.'
        : 'Wait until it reports Synced; if it stays behind, check its log and its wsrep_local_recv_queue.',
      data,
    };
  }
  return {
    check: 'galera',
    status: 'ok',
    summary: `node ${s.nodeName || r.where} (${r.where}) Synced, Primary, ready`,
    data,
  };
}

function clusterFindings(reports: readonly NodeReport[], listed: number): Finding[] {
  const live = reports.flatMap((r) => (r.status?.on ? [r.status] : []));
  const out: Finding[] = [];
  const uuids = new Set(live.map((s) => s.clusterUuid));
  if (uuids.size > 1) {
    out.push({
      check: 'galera',
      status: 'fail',
      code: 'CAREPOOL_DOCTOR_GALERA_QUORUM',
      summary: `the hosts of the URL belong to ${uuids.size} different clusters (wsrep_cluster_state_uuid differs)`,
      cause: 'Two nodes were bootstrapped separately (split brain) or the URL mixes clusters.',
      fix: 'List only the nodes of one cluster; rejoin the odd node by restarting it without --wsrep-new-cluster (it takes a full SST).',
    });
  }
  const size = Math.max(0, ...live.map((s) => s.clusterSize));
  const sizeFinding: Finding =
    size < listed
      ? {
          check: 'galera',
          status: 'warn',
          code: 'CAREPOOL_DOCTOR_GALERA_QUORUM',
          summary: `cluster size ${size}, but the URL lists ${listed} nodes: ${listed - size} node(s) are out of the cluster`,
          cause: `With ${size} of ${listed} nodes, losing ${Math.ceil(size / 2)} more leaves no majority and the cluster stops taking writes.`,
          fix: 'Start the missing nodes so they rejoin; remove decommissioned ones from the URL.',
          data: { cluster_size: size, listed },
        }
      : size % 2 === 0
        ? {
            check: 'galera',
            status: 'warn',
            code: 'CAREPOOL_DOCTOR_GALERA_QUORUM',
            summary: `cluster size ${size} is even: a network split in half leaves no side with a majority`,
            cause: 'Galera needs more than half of the nodes to stay Primary.',
            fix: 'Run an odd number of nodes (3, 5), or add a Galera Arbitrator (garbd) as the tie breaker.',
            data: { cluster_size: size },
          }
        : {
            check: 'galera',
            status: 'ok',
            summary: `cluster size ${size} (survives the loss of ${Math.floor((size - 1) / 2)} node(s))`,
            data: { cluster_size: size },
          };
  out.push(sizeFinding);
  const paused = Math.max(0, ...live.map((s) => s.flowControlPaused));
  const queue = Math.max(0, ...live.map((s) => s.recvQueue));
  out.push(
    paused > FLOW_CONTROL_WARN
      ? {
          check: 'galera',
          status: 'warn',
          code: 'CAREPOOL_DOCTOR_GALERA_FLOW_CONTROL',
          summary: `flow control paused replication ${(paused * 100).toFixed(0)}% of the time (wsrep_flow_control_paused ${paused.toFixed(3)}, largest receive queue ${queue})`,
          cause:
            "A node applies write-sets slower than the others commit them; every node then waits for it, so the whole cluster writes at the slowest node's speed.",
          fix: 'Find the node with the largest wsrep_local_recv_queue and give it CPU/IO, raise wsrep_slave_threads, or batch large writes; gcs.fc_limit trades waiting for lag.',
          data: { flow_control_paused: paused, recv_queue: queue },
        }
      : {
          check: 'galera',
          status: 'ok',
          summary: `flow control paused replication ${(paused * 100).toFixed(1)}% of the time`,
          data: { flow_control_paused: paused, recv_queue: queue },
        },
  );
  return out;
}

async function tableFinding(config: TargetConfig, host: { host: string; port: number }): Promise<Finding> {
  const conn = await connectSingle(
    config.name,
    { ...config.url, ...host },
    { ...config.pool, keepAliveMs: 0 },
  );
  try {
    const unsafe = await unsafeTables(conn, config.url.database);
    if (unsafe.length === 0) {
      return {
        check: 'galera',
        status: 'ok',
        summary: `every table of ${config.url.database} is InnoDB with a primary key`,
      };
    }
    return {
      check: 'galera',
      status: 'fail',
      code: 'CAREPOOL_MIGRATE_GALERA_UNSAFE',
      summary: `${unsafe.length} table(s) cannot be replicated safely: ${unsafe.map((u) => `${u.table} (${u.reason})`).join('; ')}`,
      cause:
        'Galera replicates only InnoDB rows, and applies DELETEs on tables without a primary key unreliably.',
      fix: 'Convert each table to InnoDB and give it a primary key; migrations refuse to run until then.',
      data: { tables: unsafe.map((u) => u.table).join(',') },
    };
  } finally {
    await conn.close().catch(() => undefined);
  }
}
