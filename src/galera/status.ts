import type { SqlClient } from '../db/client.js';
import { sql } from '../db/sql.js';

/** What one server says about its place in a Galera cluster (`SHOW GLOBAL STATUS LIKE 'wsrep%'`). */
export interface WsrepStatus {
  /** `@@wsrep_on`: false for a plain MySQL/MariaDB server (every other field is then empty). */
  readonly on: boolean;
  /** `wsrep_ready`: the node accepts queries. */
  readonly ready: boolean;
  /** `wsrep_local_state_comment`: Synced, Donor/Desynced, Joining, Joined, Initialized... */
  readonly state: string;
  /** `wsrep_cluster_status`: Primary (has quorum, may write), Non-Primary or Disconnected. */
  readonly clusterStatus: string;
  readonly clusterSize: number;
  /** `wsrep_flow_control_paused`: fraction of time replication was paused since the last FLUSH STATUS. */
  readonly flowControlPaused: number;
  /** `wsrep_local_recv_queue`: write-sets received but not yet applied. */
  readonly recvQueue: number;
  /** `wsrep_local_cert_failures` + `wsrep_local_bf_aborts`: certification conflicts seen by this node. */
  readonly conflicts: number;
  /** `wsrep_node_name`. */
  readonly nodeName: string;
  /** `wsrep_cluster_state_uuid`: equal on every node of one cluster. */
  readonly clusterUuid: string;
}

/** A plain server's answer. */
export const NOT_GALERA: WsrepStatus = {
  on: false,
  ready: false,
  state: '',
  clusterStatus: '',
  clusterSize: 0,
  flowControlPaused: 0,
  recvQueue: 0,
  conflicts: 0,
  nodeName: '',
  clusterUuid: '',
};

/**
 * Reads the node's wsrep status. A server without the wsrep variables (MySQL, MariaDB without Galera) is
 * {@link NOT_GALERA}; so is a MariaDB with `wsrep_on=OFF`.
 */
export async function readWsrepStatus(client: SqlClient): Promise<WsrepStatus> {
  const on = await client
    .query<{ on: number | string | null }>(sql`SELECT @@GLOBAL.wsrep_on AS \`on\``)
    .then((r) => Number(r.rows[0]?.on ?? 0) === 1)
    .catch(() => false);
  if (!on) return NOT_GALERA;
  const { rows } = await client.query<{ Variable_name: string; Value: string }>(
    sql`SHOW GLOBAL STATUS LIKE 'wsrep%'`,
  );
  const v = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
  const num = (k: string) => Number(v.get(k) ?? 0) || 0;
  const name = await client
    .query<{ n: string | null }>(sql`SELECT @@GLOBAL.wsrep_node_name AS n`)
    .then((r) => r.rows[0]?.n ?? '')
    .catch(() => '');
  return {
    on: true,
    ready: (v.get('wsrep_ready') ?? '').toUpperCase() === 'ON',
    state: v.get('wsrep_local_state_comment') ?? '',
    clusterStatus: v.get('wsrep_cluster_status') ?? '',
    clusterSize: num('wsrep_cluster_size'),
    flowControlPaused: num('wsrep_flow_control_paused'),
    recvQueue: num('wsrep_local_recv_queue'),
    conflicts: num('wsrep_local_cert_failures') + num('wsrep_local_bf_aborts'),
    nodeName: name,
    clusterUuid: v.get('wsrep_cluster_state_uuid') ?? '',
  };
}

/**
 * True when a Galera node may take application traffic: `wsrep_ready=ON`, `Synced` and part of the
 * Primary component. A Donor, Joiner or Non-Primary node is not (reads may be stale, writes fail).
 */
export function isNodeHealthy(s: WsrepStatus): boolean {
  return s.on && s.ready && s.state === 'Synced' && s.clusterStatus === 'Primary';
}

/** Why a node is not healthy, in words (empty when it is). */
export function whyUnhealthy(s: WsrepStatus): string {
  if (!s.on) return '';
  const reasons: string[] = [];
  if (!s.ready) reasons.push('wsrep_ready=OFF');
  if (s.state !== 'Synced') reasons.push(`wsrep_local_state_comment=${s.state || '?'} (not Synced)`);
  if (s.clusterStatus !== 'Primary')
    reasons.push(`wsrep_cluster_status=${s.clusterStatus || '?'} (not Primary)`);
  return reasons.join(', ');
}
