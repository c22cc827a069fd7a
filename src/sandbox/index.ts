import { join } from 'node:path';
import { findServerBinary } from './binary.js';
import { readGaleraState } from './galera-sandbox.js';
import { freePort, isListening, isPortFree } from './ports.js';
import { isProfileName, PROFILES, type ProfileName } from './profiles.js';
import { reapGateways, waitForFreePort } from './reap.js';
import { preferredReplicaPort, replicaName, repointReplica, startReplica } from './replica.js';
import { isServerAlive, isServerProcessAlive, startServer, stopServer, userUrl } from './server.js';
import { AppError } from '../errors/index.js';
import { readState, type SandboxState, type ServerState, writeState } from './state.js';

export { findServerBinary, type ServerBinary } from './binary.js';
export { type CertOptions, type CertPaths, generateCerts } from './certs.js';
export { freePort, isListening, isPortFree } from './ports.js';
export { findGateways, reapGateways } from './reap.js';
export { PROFILES, type Profile, type ProfileName } from './profiles.js';
export { generatePassword, isServerAlive, startServer, stopServer, userUrl } from './server.js';
export type { SandboxState, SandboxUser, ServerState } from './state.js';
export { readState } from './state.js';

/** Options for {@link startSandbox}. */
export interface SandboxOptions {
  /** carepool's state directory (`.carepool`). */
  readonly home: string;
  /** Servers to run, each named after its profile. Default: azure and gcp. */
  readonly profiles?: readonly ProfileName[];
  /** `fixed` tries each profile's port (33061, 33062) first; `free` always asks the OS. Default fixed. */
  readonly ports?: 'fixed' | 'free';
  /** Explicit server binary (default: mariadbd/mysqld on PATH or /usr/sbin). */
  readonly binary?: string;
  /** Extra server options for every server. */
  readonly extraArgs?: readonly string[];
  /**
   * Read replicas per primary (./replica.ts). Default: as many as each primary has recorded (none at first);
   * recorded replicas above this number are stopped and forgotten (their data directories stay).
   */
  readonly replicas?: number;
}

/** A running sandbox server as reported by {@link sandboxStatus}. */
export interface ServerStatus {
  readonly name: string;
  readonly profile: ProfileName;
  readonly running: boolean;
  readonly port: number;
  readonly pid: number;
  readonly flavor: string;
  readonly version: string;
  readonly description: string;
  /** Set on a read replica: the primary it replicates from. */
  readonly replicaOf?: string;
}

/**
 * Starts the sandbox servers (idempotent: running ones are kept), in parallel, and records them in
 * `<home>/sandbox/state.json`.
 *
 * A server recorded there but not running (killed, crashed, machine rebooted) restarts on the SAME port, so
 * a running `carepool serve` that points there reconnects by itself: its gateway left behind is reaped
 * first, a server process that lives but does not answer is stopped. When another program took the port,
 * that is CAREPOOL_SANDBOX_PORT_TAKEN, unless `ports: 'free'` accepts a new one.
 */
export async function startSandbox(options: SandboxOptions): Promise<SandboxState> {
  const profiles = options.profiles ?? (['azure', 'gcp'] as const);
  const previous = await readState(options.home);
  const binary = await findServerBinary(options.binary);
  // The Galera cluster (started after these) restarts on its recorded ports: a replica must not take one
  // while the cluster is stopped (azure-replica-1 prefers 33071, onprem-1's fixed port).
  const galera = await readGaleraState(options.home);
  const taken = new Set<number>(
    (galera?.nodes ?? []).flatMap((n) => [n.port, n.gmcastPort, n.istPort, n.sstPort]),
  );
  const results = await Promise.allSettled(
    profiles.map(async (profile): Promise<ServerState> => {
      const old = previous.servers[profile];
      if (old && (await isServerAlive(old)) && (await isListening(old.port))) return old;
      if (old) await clearRemains(old);
      const port =
        old && (await reclaimPort(old, options.ports ?? 'fixed', taken))
          ? old.port
          : await pickPort(options.ports === 'free' ? undefined : PROFILES[profile].port, taken);
      return startServer({
        name: profile,
        profile,
        dir: join(options.home, 'sandbox', profile),
        port,
        binary,
        ...(old ? { users: old.users, serverPort: old.serverPort } : {}),
        ...(old?.replication ? { replication: old.replication } : {}),
        ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
      });
    }),
  );
  // Record every server that did start, even when another failed, so `sandbox stop` can always find it.
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  let state: SandboxState = {
    servers: { ...previous.servers, ...Object.fromEntries(started.map((s) => [s.name, s])) },
  };
  await writeState(options.home, state);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  state = await startReplicas(options, state, started, binary, taken);
  return state;
}

/** Starts (or restarts on their recorded ports) each primary's replicas; records them as they come up. */
async function startReplicas(
  options: SandboxOptions,
  state: SandboxState,
  primaries: readonly ServerState[],
  binary: Awaited<ReturnType<typeof findServerBinary>>,
  taken: Set<number>,
): Promise<SandboxState> {
  const servers: Record<string, ServerState> = { ...state.servers };
  const recorded = (p: string) => Object.values(servers).filter((s) => s.replicaOf === p);
  const extra = primaries.flatMap((p) =>
    recorded(p.name).filter((r) => options.replicas !== undefined && replicaIndex(r) > options.replicas),
  );
  await Promise.all(extra.map((r) => stopServer(r)));
  for (const r of extra) delete servers[r.name];
  const results = await Promise.allSettled(
    primaries.flatMap((primary) => {
      const count = options.replicas ?? recorded(primary.name).length;
      return Array.from({ length: count }, async (_, i): Promise<ServerState> => {
        const old = servers[replicaName(primary.name, i + 1)];
        if (old && (await isServerAlive(old)) && (await isListening(old.port))) {
          await repointReplica(primary, old);
          return old;
        }
        if (old) await clearRemains(old);
        const port =
          old && (await reclaimPort(old, options.ports ?? 'fixed', taken))
            ? old.port
            : await pickPort(
                options.ports === 'free' ? undefined : preferredReplicaPort(primary, i + 1),
                taken,
              );
        return startReplica({
          home: options.home,
          primary,
          index: i + 1,
          port,
          binary,
          ...(old ? { old } : {}),
          ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
        });
      });
    }),
  );
  for (const r of results) if (r.status === 'fulfilled') servers[r.value.name] = r.value;
  const next: SandboxState = { servers };
  await writeState(options.home, next);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return next;
}

function replicaIndex(server: ServerState): number {
  return Number(/-replica-(\d+)$/.exec(server.name)?.[1] ?? 0);
}

/** Stops every sandbox server (or the named ones). Their data stays for the next start. */
export async function stopSandbox(home: string, names?: readonly string[]): Promise<readonly string[]> {
  const state = await readState(home);
  const chosen = Object.values(state.servers).filter((s) => names === undefined || names.includes(s.name));
  await Promise.all(chosen.map((s) => stopServer(s)));
  // Gateways of servers that died on their own (kill -9) still hold the client ports.
  await reapGateways(chosen);
  await writeState(home, {
    servers: Object.fromEntries(
      Object.entries(state.servers).map(([k, s]) => [
        k,
        chosen.includes(s) ? { ...s, pid: 0, gatewayPid: 0 } : s,
      ]),
    ),
  });
  return chosen.map((s) => s.name);
}

/** What the sandbox state says, checked against the live processes and ports. */
export async function sandboxStatus(home: string): Promise<readonly ServerStatus[]> {
  const state = await readState(home);
  return Promise.all(
    Object.values(state.servers).map(async (s) => ({
      name: s.name,
      profile: s.profile,
      running: (await isServerAlive(s)) && (await isListening(s.port)),
      port: s.port,
      pid: s.pid,
      flavor: s.flavor,
      version: s.version,
      description: s.replicaOf
        ? `read replica of ${s.replicaOf} (GTID replication over TLS, read_only)`
        : PROFILES[s.profile].description,
      ...(s.replicaOf ? { replicaOf: s.replicaOf } : {}),
    })),
  );
}

/**
 * The `CAREPOOL_*` variables that point carepool at the sandbox: app and migrator URLs with TLS settings.
 * They contain passwords: callers print them only when the user asked to see secrets.
 */
export function sandboxEnv(state: SandboxState): Record<string, string> {
  const all = Object.values(state.servers);
  const servers = all.filter((s) => isProfileName(s.profile) && !s.replicaOf);
  const env: Record<string, string> = { CAREPOOL_TARGETS: servers.map((s) => s.name).join(',') };
  for (const s of servers) {
    const prefix = `CAREPOOL_TARGET_${s.name.toUpperCase()}_`;
    env[`${prefix}URL`] = userUrl(s, 'app');
    env[`${prefix}MIGRATE_URL`] = userUrl(s, 'migrator');
    const replicas = all
      .filter((r) => r.replicaOf === s.name)
      .sort((a, b) => replicaIndex(a) - replicaIndex(b));
    if (replicas.length > 0) env[`${prefix}REPLICAS`] = replicas.map((r) => userUrl(r, 'app')).join(',');
  }
  return env;
}

/**
 * What a dead server left behind: its gateway (still listening on the client port) and, when the server
 * process lives on without answering, the server itself (it holds the data directory's lock).
 */
async function clearRemains(old: ServerState): Promise<void> {
  await reapGateways([old]);
  if (await isServerProcessAlive(old)) await stopServer({ ...old, gatewayPid: 0 });
}

/** True when the recorded port can be used again; false when `free` ports allow a new one. */
async function reclaimPort(old: ServerState, ports: 'fixed' | 'free', taken: Set<number>): Promise<boolean> {
  if (!taken.has(old.port) && (await waitForFreePort(old.port))) {
    taken.add(old.port);
    return true;
  }
  if (ports === 'free') return false;
  throw new AppError(
    'CAREPOOL_SANDBOX_PORT_TAKEN',
    `sandbox server "${old.name}" must restart on its recorded port ${old.port}, but another process listens there`,
    { meta: { server: old.name, port: old.port } },
  );
}

async function pickPort(preferred: number | undefined, taken: Set<number>): Promise<number> {
  if (preferred !== undefined && !taken.has(preferred) && (await isPortFree(preferred))) {
    taken.add(preferred);
    return preferred;
  }
  for (;;) {
    const port = await freePort();
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}
