import type { ConnectionSpec } from '../config/index.js';
import { openConnection, type OpenOptions, type RawConnection } from '../db/driver.js';
import { AppError } from '../errors/index.js';
import { isNodeHealthy, NOT_GALERA, whyUnhealthy, type WsrepStatus } from './status.js';

/** One host of a multi-host URL as the router sees it (the dashboard and `/metrics` show this). */
export interface NodeView {
  readonly host: string;
  readonly port: number;
  /** Takes new connections: reachable and, on Galera, Synced + ready + Primary. */
  readonly healthy: boolean;
  /** Galera state (`Synced`, `Donor/Desynced`...), `down` when unreachable, `` when not Galera. */
  readonly state: string;
  /** Why the node is avoided (empty when healthy). */
  readonly reason: string;
  /** Connections open to this node now. */
  readonly connections: number;
  /** Statements sent to this node since start. */
  readonly queries: number;
  /** Statements running on this node now. */
  readonly active: number;
}

interface Node {
  readonly host: string;
  readonly port: number;
  healthy: boolean;
  state: string;
  reason: string;
  /** Avoid until this time (ms) unless every node is avoided. */
  downUntil: number;
  connections: number;
  /** Opens chosen for this node and still under way (so concurrent opens spread too). */
  pending: number;
  queries: number;
  active: number;
  /** Thread ids of connections open on this node (KILL must go to the node that owns the thread). */
  readonly threads: Set<number>;
}

/** How long a node that failed (connect error, not Synced) is skipped before it is tried again. */
export const NODE_RETRY_MS = 2000;
/** How often a Galera cluster's nodes are re-checked while connections are open. */
export const MONITOR_MS = 1000;

/** Server error numbers that mean "this node cannot serve": leave it. */
const NODE_GONE_ERRNOS = new Set([1047, 1053, 2006, 2013, 1927]);
const NODE_GONE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ETIMEDOUT',
]);

type Opener = (spec: ConnectionSpec, options: OpenOptions) => Promise<RawConnection>;

/**
 * Opens the connections of a target whose URL may list several hosts (ConnectionSpec.hosts).
 *
 * - One host: exactly `openConnection`.
 * - A Galera cluster (learned from `@@wsrep_on` on the first connection): a connection is opened only on a
 *   node that is Synced, ready and Primary; new connections go to the healthy node with the fewest open
 *   connections (spreading the pool across the cluster); every connection asks for causal reads
 *   (`wsrep_sync_wait=1`), so a read on node B sees a write just committed through node A. A node that
 *   errors like a dead server, or that a once-a-second check finds not Synced, is left: its connections
 *   report `broken`, so the pool destroys them at their next lend or return and opens new ones elsewhere.
 * - Several hosts that are NOT a Galera cluster (independent servers, a primary and a standby): the first
 *   reachable host in URL order, always. Spreading writes over independent servers would split the data.
 */
export class HostRouter {
  readonly #target: string;
  readonly #spec: ConnectionSpec;
  readonly #options: OpenOptions;
  readonly #open: Opener;
  readonly #nodes: Node[];
  #galera: boolean | undefined;
  #monitor: NodeJS.Timeout | undefined;
  #checking = false;
  /** Monitor rounds in a row that found no connection open (it stops after a few). */
  #idleRounds = 0;
  /** The first multi-host open, which learns whether this is Galera; concurrent opens wait for it. */
  #learning: Promise<unknown> | undefined;

  constructor(target: string, spec: ConnectionSpec, options: OpenOptions, open: Opener = openConnection) {
    this.#target = target;
    this.#spec = spec;
    this.#options = options;
    this.#open = open;
    const hosts = spec.hosts && spec.hosts.length > 0 ? spec.hosts : [{ host: spec.host, port: spec.port }];
    this.#nodes = hosts.map((h) => ({
      host: h.host,
      port: h.port,
      healthy: true,
      state: '',
      reason: '',
      downUntil: 0,
      connections: 0,
      pending: 0,
      queries: 0,
      active: 0,
      threads: new Set<number>(),
    }));
  }

  /** True when the URL lists more than one host. */
  get multi(): boolean {
    return this.#nodes.length > 1;
  }

  /** True once the first connection found `wsrep_on=1`; undefined before any connection. */
  get galera(): boolean | undefined {
    return this.#galera;
  }

  /** Every host with its health and traffic. */
  nodes(): readonly NodeView[] {
    return this.#nodes.map(({ host, port, healthy, state, reason, connections, queries, active }) => ({
      host,
      port,
      healthy,
      state,
      reason,
      connections,
      queries,
      active,
    }));
  }

  /** Opens a connection on a node that may take traffic, or fails naming every node and why it was skipped. */
  async open(): Promise<RawConnection> {
    if (!this.multi) return this.#track(this.#nodes[0]!, await this.#open(this.#spec, this.#options));
    if (this.#galera === undefined) {
      if (this.#learning) await this.#learning.catch(() => undefined);
      else {
        const first = this.#openMulti();
        this.#learning = first;
        return first;
      }
    }
    return this.#openMulti();
  }

  async #openMulti(): Promise<RawConnection> {
    const failures: string[] = [];
    let lastError: unknown;
    for (const node of this.#candidates()) {
      let conn: RawConnection | undefined;
      node.pending++;
      try {
        conn = await this.#open({ ...this.#spec, host: node.host, port: node.port }, this.#options);
        const status = await probe(conn);
        this.#galera ??= status.on;
        if (status.on && !isNodeHealthy(status)) {
          this.#markDown(node, status.state || 'not ready', whyUnhealthy(status));
          failures.push(`${node.host}:${node.port} ${whyUnhealthy(status)}`);
          await conn.close().catch(() => conn?.destroy());
          continue;
        }
        if (status.on) await conn.query('SET SESSION wsrep_sync_wait = 1');
        this.#markUp(node, status);
        return this.#track(node, conn);
      } catch (error) {
        conn?.destroy();
        lastError = error;
        const message = error instanceof Error ? error.message : String(error);
        this.#markDown(node, 'down', message);
        failures.push(`${node.host}:${node.port} ${message}`);
      } finally {
        node.pending--;
      }
    }
    // Every host failed the same way (a wrong password, TLS refused): that error, coded by the pool, says
    // more than a list.
    if (lastError !== undefined && allSame(failures)) throw lastError;
    throw new AppError(
      'CAREPOOL_DB_NO_HEALTHY_NODE',
      `target "${this.#target}": no host of its URL can take connections: ${failures.join('; ')}`,
      { meta: { target: this.#target, hosts: this.#nodes.map((n) => `${n.host}:${n.port}`) } },
    );
  }

  /**
   * KILLs a thread on the node that owns it. Thread ids are per node, so when two live connections on
   * different nodes share one, nothing is killed (the statement's client-side deadline still frees the
   * caller) rather than risk killing an innocent session.
   */
  killTarget(threadId: number): ConnectionSpec | undefined {
    const owners = this.#nodes.filter((n) => n.threads.has(threadId));
    if (owners.length !== 1) return this.multi ? undefined : this.#spec;
    return { ...this.#spec, host: owners[0]!.host, port: owners[0]!.port };
  }

  /** Stops the health monitor (pools call it when they close). */
  close(): void {
    if (this.#monitor) clearInterval(this.#monitor);
    this.#monitor = undefined;
  }

  /** Healthy nodes first, fewest connections first (Galera) or URL order (not Galera); avoided ones last. */
  #candidates(): Node[] {
    const now = Date.now();
    const usable = this.#nodes.filter((n) => n.downUntil <= now);
    const avoided = this.#nodes.filter((n) => n.downUntil > now);
    if (this.#galera) usable.sort((a, b) => a.connections + a.pending - (b.connections + b.pending));
    return [...usable, ...avoided];
  }

  #markDown(node: Node, state: string, reason: string): void {
    node.healthy = false;
    node.state = state;
    node.reason = reason;
    node.downUntil = Date.now() + NODE_RETRY_MS;
  }

  #markUp(node: Node, status: WsrepStatus): void {
    node.healthy = true;
    node.state = status.state;
    node.reason = '';
    node.downUntil = 0;
  }

  /** Wraps a connection: counts its queries, watches for errors that mean its node left, reports `broken`. */
  #track(node: Node, conn: RawConnection): RawConnection {
    node.connections++;
    node.threads.add(conn.threadId);
    let open = true;
    const release = () => {
      if (!open) return;
      open = false;
      node.connections--;
      node.threads.delete(conn.threadId);
    };
    conn.onBroken(release);
    if (this.#galera && this.multi) this.#startMonitor();
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below need the router
    const router = this;
    const wrapped: RawConnection = {
      get threadId() {
        return conn.threadId;
      },
      get broken() {
        return conn.broken || (router.multi && !node.healthy);
      },
      get tls() {
        return conn.tls;
      },
      get serverVersion() {
        return conn.serverVersion;
      },
      async query<Row>(text: string, params?: readonly unknown[], timeoutMs?: number) {
        node.queries++;
        node.active++;
        try {
          return await conn.query<Row>(text, params, timeoutMs);
        } catch (error) {
          const e = error as { errno?: number; code?: string };
          if (
            router.multi &&
            ((e.errno !== undefined && NODE_GONE_ERRNOS.has(e.errno)) || NODE_GONE_CODES.has(e.code ?? ''))
          ) {
            router.#markDown(node, 'down', error instanceof Error ? error.message : String(error));
          }
          throw error;
        } finally {
          node.active--;
        }
      },
      ping: (t: number) =>
        router.multi && !node.healthy
          ? Promise.reject(new Error(`node ${node.host}:${node.port} left: ${node.reason}`))
          : conn.ping(t),
      close: async () => {
        release();
        await conn.close();
      },
      destroy: () => {
        release();
        conn.destroy();
      },
      onBroken: (listener) => conn.onBroken(listener),
    };
    return wrapped;
  }

  #startMonitor(): void {
    if (this.#monitor) return;
    this.#monitor = setInterval(() => void this.#check(), MONITOR_MS);
    this.#monitor.unref();
  }

  /** Re-reads every node's wsrep status over a short-lived connection; marks nodes up or down. */
  async #check(): Promise<void> {
    if (this.#checking) return;
    // Nothing open for a while (the pool closed or went idle): stop polling; the next open restarts it.
    this.#idleRounds = this.#nodes.some((n) => n.connections > 0) ? 0 : this.#idleRounds + 1;
    if (this.#idleRounds > 10) {
      this.close();
      return;
    }
    this.#checking = true;
    try {
      await Promise.all(
        this.#nodes.map(async (node) => {
          let conn: RawConnection | undefined;
          try {
            conn = await this.#open(
              { ...this.#spec, host: node.host, port: node.port },
              { ...this.#options, keepAliveMs: 0 },
            );
            const status = await probe(conn);
            if (isNodeHealthy(status)) this.#markUp(node, status);
            else this.#markDown(node, status.state || 'not ready', whyUnhealthy(status));
          } catch (error) {
            this.#markDown(node, 'down', error instanceof Error ? error.message : String(error));
          } finally {
            await conn?.close().catch(() => conn?.destroy());
          }
        }),
      );
    } finally {
      this.#checking = false;
    }
  }
}

/** The three wsrep facts the router needs, in one round trip after `@@wsrep_on` (MySQL: not Galera). */
async function probe(conn: RawConnection): Promise<WsrepStatus> {
  const on = await conn
    .query<{ on: number | string | null }>('SELECT @@GLOBAL.wsrep_on AS `on`')
    .then((r) => Number(r.rows[0]?.on ?? 0) === 1)
    .catch(() => false);
  if (!on) return NOT_GALERA;
  const { rows } = await conn.query<{ Variable_name: string; Value: string }>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')",
  );
  const v = new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
  return {
    ...NOT_GALERA,
    on: true,
    ready: (v.get('wsrep_ready') ?? '').toUpperCase() === 'ON',
    state: v.get('wsrep_local_state_comment') ?? '',
    clusterStatus: v.get('wsrep_cluster_status') ?? '',
    clusterSize: Number(v.get('wsrep_cluster_size') ?? 0) || 0,
  };
}

function allSame(failures: readonly string[]): boolean {
  const tail = (f: string) => f.slice(f.indexOf(' ') + 1);
  return failures.every((f) => tail(f) === tail(failures[0]!));
}

/**
 * For one dedicated connection (the migrator, the doctor): the spec narrowed to the first host of the URL
 * that is reachable and, on Galera, healthy. A one-host spec is returned as is; when no host qualifies,
 * CAREPOOL_DB_NO_HEALTHY_NODE (or the hosts' common error).
 */
export async function healthySpec(
  target: string,
  spec: ConnectionSpec,
  options: OpenOptions,
  open: Opener = openConnection,
): Promise<ConnectionSpec> {
  if (!spec.hosts || spec.hosts.length < 2) return spec;
  const failures: string[] = [];
  let lastError: unknown;
  for (const h of spec.hosts) {
    const one = { ...spec, host: h.host, port: h.port };
    let conn: RawConnection | undefined;
    try {
      conn = await open(one, { ...options, keepAliveMs: 0 });
      const status = await probe(conn);
      if (!status.on || isNodeHealthy(status)) return one;
      failures.push(`${h.host}:${h.port} ${whyUnhealthy(status)}`);
    } catch (error) {
      lastError = error;
      failures.push(`${h.host}:${h.port} ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await conn?.close().catch(() => conn?.destroy());
    }
  }
  if (lastError !== undefined && allSame(failures)) throw lastError;
  throw new AppError(
    'CAREPOOL_DB_NO_HEALTHY_NODE',
    `target "${target}": no host of its URL can take connections: ${failures.join('; ')}`,
    { meta: { target, hosts: spec.hosts.map((h) => `${h.host}:${h.port}`) } },
  );
}
