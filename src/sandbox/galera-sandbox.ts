import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type GaleraNodeStatus,
  type GaleraState,
  galeraStatus,
  galeraUrl,
  startGalera,
  stopGalera,
} from './galera.js';

/**
 * The Galera cluster's record lives in its own file, `<home>/sandbox/galera.json` (mode 0600, it holds
 * passwords), next to state.json: the single servers and replicas own that one, and a cluster is a
 * different shape (several nodes, one target).
 */
export function galeraStatePath(home: string): string {
  return join(home, 'sandbox', 'galera.json');
}

/** The recorded cluster, or null when `--galera` was never used in this home. */
export async function readGaleraState(home: string): Promise<GaleraState | null> {
  try {
    const parsed = JSON.parse(await readFile(galeraStatePath(home), 'utf8')) as GaleraState;
    return Array.isArray(parsed?.nodes) ? parsed : null;
  } catch {
    return null;
  }
}

async function writeGaleraState(home: string, state: GaleraState): Promise<void> {
  const path = galeraStatePath(home);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * `sandbox start` part for the cluster: with `size` (from `--galera N`) a cluster is created when none is
 * recorded; a recorded one always (re)starts, so `sandbox stop` + `sandbox start` brings it back. Returns
 * null when there is no cluster to run. The state is written before nodes start (pids as they come up)
 * so `sandbox stop` can always find what did start.
 */
export async function startGaleraSandbox(
  home: string,
  options: { readonly size?: number; readonly ports?: 'fixed' | 'free'; readonly binary?: string } = {},
): Promise<GaleraState | null> {
  const previous = await readGaleraState(home);
  if (previous === null && options.size === undefined) return null;
  const size = options.size ?? previous?.nodes.length ?? 3;
  const state = await startGalera({
    home,
    size,
    ...(options.ports ? { ports: options.ports } : {}),
    ...(options.binary ? { binary: options.binary } : {}),
    ...(previous ? { previous } : {}),
    onProgress: (s) => writeGaleraState(home, s),
  });
  await writeGaleraState(home, state);
  return state;
}

/** Stops the recorded cluster (data stays); returns the node names stopped. */
export async function stopGaleraSandbox(home: string): Promise<readonly string[]> {
  const state = await readGaleraState(home);
  if (state === null) return [];
  await writeGaleraState(home, await stopGalera(state));
  return state.nodes.map((n) => `${state.name}-${n.index}`);
}

/** Each recorded node with its live wsrep state (empty when no cluster is recorded). */
export async function galeraSandboxStatus(home: string): Promise<readonly GaleraNodeStatus[]> {
  const state = await readGaleraState(home);
  return state === null ? [] : galeraStatus(state);
}

/**
 * Adds the `onprem` target to a sandbox environment: appended to CAREPOOL_TARGETS, its URL and migrator
 * URL listing every node (they contain passwords: print them only on request).
 */
export function withGaleraEnv(
  env: Record<string, string>,
  state: GaleraState | null,
): Record<string, string> {
  if (state === null) return env;
  const targets = [env.CAREPOOL_TARGETS, state.name].filter(Boolean).join(',');
  const prefix = `CAREPOOL_TARGET_${state.name.toUpperCase()}_`;
  return {
    ...env,
    CAREPOOL_TARGETS: targets,
    [`${prefix}URL`]: galeraUrl(state, 'app'),
    [`${prefix}MIGRATE_URL`]: galeraUrl(state, 'migrator'),
  };
}
