import { AppError } from '../errors/index.js';
import type { PoolStats } from './pool/pool.js';
import { sql } from './sql.js';
import type { Target } from './targets.js';
import type { ReplicaStatus } from '../replicas/monitor.js';
import type { NodeView } from '../galera/router.js';

/** One read replica of a target: the lag monitor's view plus its pool. */
export interface ReplicaHealth extends ReplicaStatus {
  readonly pool: PoolStats;
}

/** What carepool knows about one target right now. */
export interface TargetHealth {
  readonly name: string;
  readonly ok: boolean;
  /** Round trip of the probe (acquire + two statements), ms. */
  readonly latencyMs: number;
  /** Safe-to-print connection summary. */
  readonly url: string;
  readonly sslMode: string;
  readonly server?: { readonly flavor: 'mariadb' | 'mysql'; readonly version: string };
  readonly tls?: {
    readonly enabled: boolean;
    readonly version: string | null;
    readonly cipher: string | null;
  };
  /** Schema revision(s) applied, when the migration history exists. */
  readonly revision?: string | null;
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
  readonly pool: PoolStats;
  /** The target's read replicas (`CAREPOOL_TARGET_<NAME>_REPLICAS`), when it has any. */
  readonly replicas?: readonly ReplicaHealth[];
  /** Each host of a multi-host (Galera) target: state, connections, queries (src/galera/router.ts). */
  readonly nodes?: readonly NodeView[];
}

/** Reads the applied revision of a target; supplied by the migration engine. */
export type RevisionReader = (target: Target) => Promise<string | null>;

/**
 * Probes a target through its pool: server flavor/version and the session's TLS state, timed. Never throws:
 * failures come back as `ok: false` with the coded error.
 */
export async function probeTarget(target: Target, readRevision?: RevisionReader): Promise<TargetHealth> {
  const started = performance.now();
  const replicas = await replicaHealth(target);
  const base = {
    name: target.name,
    url: target.config.url.redacted,
    sslMode: target.config.url.sslMode,
    ...(replicas ? { replicas } : {}),
  };
  try {
    const info = await target.pool.withConnection(async (conn) => {
      const v = await conn.query<{ version: string; comment: string }>(
        sql`SELECT VERSION() AS version, @@version_comment AS comment`.text,
      );
      const s = await conn.query<{ name: string; value: string }>(
        "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME IN ('SSL_VERSION','SSL_CIPHER')",
      );
      return { v: v.rows[0], s: s.rows, tls: conn.tls };
    }, 'health');
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const version = info.v?.version ?? '';
    const flavor = /mariadb/i.test(`${version} ${info.v?.comment ?? ''}`) ? 'mariadb' : 'mysql';
    const status = (name: string) => info.s.find((r) => r.name.toUpperCase() === name)?.value || null;
    const revision = readRevision ? await readRevision(target).catch(() => null) : undefined;
    return {
      ...base,
      ok: true,
      latencyMs,
      server: { flavor, version: version.replace(/-log$/, '') },
      tls: { enabled: info.tls, version: status('SSL_VERSION'), cipher: status('SSL_CIPHER') },
      ...(revision === undefined ? {} : { revision }),
      pool: target.pool.stats(),
      ...(target.hosts.multi ? { nodes: target.hosts.nodes() } : {}),
    };
  } catch (error) {
    const e =
      error instanceof AppError
        ? error
        : new AppError('CAREPOOL_DB_QUERY_FAILED', String((error as Error)?.message ?? error), {
            cause: error,
          });
    return {
      ...base,
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: { code: e.code, message: e.message, hint: e.hint },
      pool: target.pool.stats(),
      ...(target.hosts.multi ? { nodes: target.hosts.nodes() } : {}),
    };
  }
}

/** The replicas' statuses with their pools (the router starts its lag monitor on first use). */
async function replicaHealth(target: Target): Promise<readonly ReplicaHealth[] | undefined> {
  const router = target.replicas;
  if (router === undefined) return undefined;
  const statuses = await router.statuses();
  return statuses.map((s, i) => ({ ...s, pool: (router.replicas[i] as Target).pool.stats() }));
}
