import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ProfileName } from './profiles.js';

/** A database user the sandbox created. */
export interface SandboxUser {
  readonly user: string;
  readonly password: string;
}

/** One sandbox server as recorded on disk. */
export interface ServerState {
  readonly name: string;
  readonly profile: ProfileName;
  /** The port clients use (the gateway's, when there is one). */
  readonly port: number;
  /** The server's own port (differs from `port` behind a gateway). */
  readonly serverPort: number;
  readonly pid: number;
  /** Pid of the azure gateway process, 0 when none. */
  readonly gatewayPid: number;
  readonly dir: string;
  readonly flavor: 'mariadb' | 'mysql';
  readonly version: string;
  readonly caPath: string;
  readonly database: string;
  readonly users: { readonly app: SandboxUser; readonly migrator: SandboxUser; readonly admin: SandboxUser };
  /** The replication user (REPLICATION SLAVE, TLS required); absent in states written before replicas. */
  readonly replication?: SandboxUser;
  /** Set on a read replica: the name of the server it replicates from (with GTIDs, over TLS). */
  readonly replicaOf?: string;
}

/** The whole sandbox state file (`<home>/sandbox/state.json`, mode 0600: it holds passwords). */
export interface SandboxState {
  readonly servers: Readonly<Record<string, ServerState>>;
}

/** Path of the state file under `home`. */
export function statePath(home: string): string {
  return join(home, 'sandbox', 'state.json');
}

/** Reads the state file; an absent or unreadable file is an empty sandbox. */
export async function readState(home: string): Promise<SandboxState> {
  try {
    const parsed = JSON.parse(await readFile(statePath(home), 'utf8')) as SandboxState;
    return parsed && typeof parsed.servers === 'object' ? parsed : { servers: {} };
  } catch {
    return { servers: {} };
  }
}

/** Writes the state file atomically with mode 0600. */
export async function writeState(home: string, state: SandboxState): Promise<void> {
  const path = statePath(home);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}
