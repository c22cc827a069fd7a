import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnectionUrl } from '../config/index.js';
import { connectSingle } from '../db/connect.js';
import { AppError } from '../errors/index.js';
import { isNodeHealthy, readWsrepStatus, whyUnhealthy, type WsrepStatus } from '../galera/status.js';
import { findServerBinary, type ServerBinary } from './binary.js';
import { generateCerts } from './certs.js';
import {
  canTraverse,
  chooseRunAs,
  chownTree,
  findProvider,
  type GaleraNodeState,
  logTail,
  markSafeToBootstrap,
  nodeArgs,
  readGraState,
  requireRsync,
  type RunAs,
  spawnNode,
} from './galera-node.js';
import { freePort, isListening, isPortFree } from './ports.js';
import { exists, generatePassword, socketPath, usersSql } from './server.js';
import type { SandboxUser } from './state.js';

export type { GaleraNodeState } from './galera-node.js';

/** The Galera sandbox target as recorded in the state file. */
export interface GaleraState {
  /** Target name: always "onprem". */
  readonly name: string;
  /** Directory holding every node (may be outside the carepool home, see {@link galeraDir}). */
  readonly dir: string;
  readonly caPath: string;
  readonly database: string;
  readonly version: string;
  readonly users: { readonly app: SandboxUser; readonly migrator: SandboxUser; readonly admin: SandboxUser };
  readonly nodes: readonly GaleraNodeState[];
}

/** Options for {@link startGalera}. */
export interface GaleraOptions {
  readonly home: string;
  /** Number of nodes (3 or more; Galera needs a majority to stay Primary). */
  readonly size: number;
  readonly ports?: 'fixed' | 'free';
  readonly binary?: string;
  /** The recorded cluster: nodes restart on their ports with their data; live nodes are kept. */
  readonly previous?: GaleraState;
  /** Per node, give up after this long (SST included). Default 120 s. */
  readonly readyTimeoutMs?: number;
  /** Called after each node comes up (and before the first starts), to record pids as they appear. */
  readonly onProgress?: (state: GaleraState) => Promise<void>;
}

const NAME = 'onprem';
const DATABASE = 'clinic';
const FIXED_PORT = 33071;

/**
 * Starts the `onprem` cluster (idempotent): a fresh cluster bootstraps node 1 with `--wsrep-new-cluster`
 * and joins the others one by one (each receives a full rsync state transfer); a stopped cluster
 * bootstraps from the node grastate.dat marks `safe_to_bootstrap: 1` (the last one stopped); when some
 * nodes still run, the dead ones rejoin them (IST when the gcache still holds what they missed). Resolves
 * when every node is Synced, ready and Primary.
 */
export async function startGalera(options: GaleraOptions): Promise<GaleraState> {
  if (!Number.isInteger(options.size) || options.size < 3 || options.size > 7) {
    throw new AppError('CAREPOOL_USAGE', `--galera ${options.size}: a sandbox cluster has 3 to 7 nodes`, {
      hint: 'Use --galera 3 (the smallest cluster that survives the loss of one node).',
    });
  }
  const [provider, binary, runAs] = await Promise.all([
    findProvider(),
    findServerBinary(options.binary),
    chooseRunAs(),
    requireRsync(),
  ]).then(([p, b, r]) => [p, b, r] as const);
  if (binary.flavor !== 'mariadb') {
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      `Galera needs MariaDB; the server binary is ${binary.flavor} ${binary.version}`,
    );
  }
  const prev = options.previous;
  const dir = prev?.dir ?? (await galeraDir(options.home, runAs));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certs = await generateCerts(join(dir, 'tls'), { caName: 'carepool sandbox CA (onprem)' });
  const nodes = prev?.nodes.length === options.size ? [...prev.nodes] : await newNodes(dir, options);
  const state: GaleraState = {
    name: NAME,
    dir,
    caPath: certs.ca,
    database: DATABASE,
    version: binary.version,
    users: prev?.users ?? {
      app: { user: 'carepool_app', password: generatePassword() },
      migrator: { user: 'carepool_migrator', password: generatePassword() },
      admin: { user: 'carepool_admin', password: generatePassword() },
    },
    nodes,
  };
  const alive = await Promise.all(nodes.map((n) => isNodeAlive(n)));
  if (alive.every(Boolean)) return state;
  const initFile = join(dir, 'init.sql');
  await writeFile(initFile, `${usersSql(state.users).join('\n')}\n`, { mode: 0o600 });
  for (const n of nodes) await mkdir(join(n.dir, 'tmp'), { recursive: true, mode: 0o700 });
  await chownTree(dir, runAs);
  if (!(await exists(join(nodes[0]!.dir, 'data', 'mysql'))) && !alive.some(Boolean)) {
    await installDb(binary, nodes[0]!.dir, runAs);
  }
  const ctx = {
    binary,
    provider,
    certs,
    runAs,
    initFile,
    state,
    timeoutMs: options.readyTimeoutMs ?? 120_000,
  };
  const progress = () => options.onProgress?.({ ...state, nodes: [...nodes] });
  await progress();
  let order = nodes.map((_, i) => i).filter((i) => !alive[i]);
  if (!alive.some(Boolean)) {
    const first = await bootstrapNode(nodes);
    nodes[first] = await startNode(ctx, nodes, first, true);
    await progress();
    order = order.filter((i) => i !== first);
  }
  // Joiners one at a time: each takes a state transfer from a donor, and two at once on 2 cores crawl.
  for (const i of order) {
    nodes[i] = await startNode(ctx, nodes, i, false);
    await progress();
  }
  await rm(initFile, { force: true });
  return { ...state, nodes };
}

/** Stops every node, last node first, so node 1 stops last and is the one marked safe to bootstrap. */
export async function stopGalera(state: GaleraState, timeoutMs = 60_000): Promise<GaleraState> {
  const nodes = [...state.nodes];
  for (let i = nodes.length - 1; i >= 0; i--) {
    await stopNodeProcess(nodes[i]!, timeoutMs);
    nodes[i] = { ...nodes[i]!, pid: 0 };
  }
  return { ...state, nodes };
}

/** Removes the cluster's files (for tests and `rm -rf .carepool`-style resets); stop it first. */
export async function removeGalera(state: GaleraState): Promise<void> {
  await rm(state.dir, { recursive: true, force: true });
}

/** One node as `sandbox status` shows it. */
export interface GaleraNodeStatus {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  readonly running: boolean;
  /** Live wsrep status, or null when the node does not answer. */
  readonly wsrep: WsrepStatus | null;
}

/** Each node: process alive, port listening, and what it says about the cluster. */
export async function galeraStatus(state: GaleraState): Promise<readonly GaleraNodeStatus[]> {
  return Promise.all(
    state.nodes.map(async (n) => {
      const running = (await isNodeAlive(n)) && (await isListening(n.port));
      const wsrep = running ? await nodeWsrep(state, n, 2000).catch(() => null) : null;
      return { name: `${NAME}-${n.index}`, port: n.port, pid: n.pid, running, wsrep };
    }),
  );
}

/** The target URL of one sandbox user: every node, VERIFY_IDENTITY against the cluster's CA. */
export function galeraUrl(state: GaleraState, who: keyof GaleraState['users']): string {
  const u = state.users[who];
  const hosts = state.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  const ca = state.caPath.replace(/[&#%+ ?]/g, encodeURIComponent);
  return `mysql://${u.user}:${encodeURIComponent(u.password)}@${hosts}/${state.database}?ssl-mode=VERIFY_IDENTITY&ssl-ca=${ca}`;
}

/** URL of one node only (the sandbox's own readiness checks, tests that talk to one node). */
export function galeraNodeUrl(
  state: GaleraState,
  node: GaleraNodeState,
  who: keyof GaleraState['users'],
): string {
  return galeraUrl(state, who).replace(/@[^/]+\//, `@127.0.0.1:${node.port}/`);
}

/** True when the node's recorded process is alive and is that node (its dir is on the command line). */
export async function isNodeAlive(node: GaleraNodeState): Promise<boolean> {
  if (!node.pid) return false;
  try {
    process.kill(node.pid, 0);
    return (await readFile(`/proc/${node.pid}/cmdline`, 'utf8')).includes(node.dir);
  } catch {
    return false;
  }
}

/**
 * Where the nodes live. As root they run as `mysql`, which must traverse every parent directory. The
 * carepool home is used when it can (`<home>/sandbox/onprem`); a home it cannot enter (e.g. under /root,
 * or a mkdtemp directory, both mode 0700) is NOT opened up: the nodes go to
 * `<tmpdir>/carepool-onprem-<hash of the home>` (tmpdir is world-searchable), a directory owned by mysql
 * with mode 0700, and the state file records where.
 */
async function galeraDir(home: string, runAs: RunAs | null): Promise<string> {
  const inHome = join(home, 'sandbox', NAME);
  if (await canTraverse(inHome, runAs)) return inHome;
  const hash = createHash('sha256').update(home).digest('hex').slice(0, 12);
  return join(tmpdir(), `carepool-${NAME}-${hash}`);
}

async function newNodes(dir: string, options: GaleraOptions): Promise<GaleraNodeState[]> {
  const taken = new Set<number>();
  const pick = async (preferred?: number): Promise<number> => {
    if (preferred !== undefined && !taken.has(preferred) && (await isPortFree(preferred))) {
      taken.add(preferred);
      return preferred;
    }
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const nodes: GaleraNodeState[] = [];
  for (let index = 1; index <= options.size; index++) {
    const port = await pick(options.ports === 'free' ? undefined : FIXED_PORT + index - 1);
    nodes.push({
      index,
      port,
      gmcastPort: await pick(),
      istPort: await pick(),
      sstPort: await pick(),
      pid: 0,
      dir: join(dir, `node${index}`),
    });
  }
  return nodes;
}

/** Index of the node to bootstrap: the one grastate.dat marks safe, else the highest seqno (marked now). */
async function bootstrapNode(nodes: readonly GaleraNodeState[]): Promise<number> {
  const states = await Promise.all(nodes.map((n) => readGraState(join(n.dir, 'data'))));
  const safe = states.findIndex((s) => s.safeToBootstrap);
  if (safe >= 0) return safe;
  if (!(await exists(join(nodes[0]!.dir, 'data', 'grastate.dat')))) return 0; // a fresh cluster
  // Every node was killed: none is marked. Take the most advanced one (ties: the lowest index).
  const best = states.reduce((b, s, i) => (s.seqno > states[b]!.seqno ? i : b), 0);
  await markSafeToBootstrap(join(nodes[best]!.dir, 'data'));
  return best;
}

interface StartContext {
  readonly binary: ServerBinary;
  readonly provider: string;
  readonly certs: { readonly ca: string; readonly cert: string; readonly key: string };
  readonly runAs: RunAs | null;
  readonly initFile: string;
  readonly state: GaleraState;
  readonly timeoutMs: number;
}

async function startNode(
  ctx: StartContext,
  nodes: readonly GaleraNodeState[],
  i: number,
  bootstrap: boolean,
): Promise<GaleraNodeState> {
  const node = nodes[i]!;
  await mkdir(join(node.dir, 'data'), { recursive: true, mode: 0o700 });
  await chownTree(node.dir, ctx.runAs);
  // Every port is recorded (the other nodes' gcomm address lists the gmcast ones): none may move.
  for (const [what, port] of [
    ['client', node.port],
    ['gmcast', node.gmcastPort],
    ['IST', node.istPort],
    ['SST', node.sstPort],
  ] as const) {
    if (!(await isPortFree(port))) {
      throw new AppError(
        'CAREPOOL_SANDBOX_PORT_TAKEN',
        `Galera node onprem-${node.index} must start on its recorded ${what} port ${port}, but another process listens there`,
        { meta: { server: `onprem-${node.index}`, port } },
      );
    }
  }
  const args = nodeArgs({ ...ctx, node, nodes, bootstrap, socket: socketPath(node.dir) });
  const child = spawnNode(ctx.binary.path, args);
  const started = { ...node, pid: child.pid };
  const deadline = Date.now() + ctx.timeoutMs;
  let last = 'not listening yet';
  for (;;) {
    const code = child.exited();
    if (code !== null) {
      throw new AppError(
        'CAREPOOL_SANDBOX_START_FAILED',
        `Galera node onprem-${node.index} exited with code ${code}: ${await logTail(node.dir)}`,
        {
          meta: { log: join(node.dir, 'server.log') },
        },
      );
    }
    if (await isListening(node.port, 300)) {
      const s = await nodeWsrep(ctx.state, started, 2000).catch((e: unknown) => {
        last = e instanceof Error ? e.message : String(e);
        return null;
      });
      if (s && isNodeHealthy(s)) return started;
      if (s) last = whyUnhealthy(s);
    }
    if (Date.now() > deadline) {
      await stopNodeProcess(started, 5000);
      throw new AppError(
        'CAREPOOL_SANDBOX_START_FAILED',
        `Galera node onprem-${node.index} did not become Synced in ${ctx.timeoutMs} ms (${last}): ${await logTail(node.dir)}`,
        {
          meta: { log: join(node.dir, 'server.log') },
        },
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function nodeWsrep(state: GaleraState, node: GaleraNodeState, timeoutMs: number): Promise<WsrepStatus> {
  const conn = await connectSingle(
    `onprem-${node.index}`,
    parseConnectionUrl('sandbox', galeraNodeUrl(state, node, 'admin')),
    {
      connectTimeoutMs: timeoutMs,
      keepAliveMs: 0,
    },
  );
  try {
    return await readWsrepStatus(conn);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function stopNodeProcess(node: GaleraNodeState, timeoutMs: number): Promise<void> {
  if (!(await isNodeAlive(node))) return;
  process.kill(node.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isNodeAlive(node))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (await isNodeAlive(node)) process.kill(node.pid, 'SIGKILL');
}

async function installDb(binary: ServerBinary, nodeDir: string, runAs: RunAs | null): Promise<void> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const dataDir = join(nodeDir, 'data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chownTree(nodeDir, runAs);
  if (binary.installDb === undefined)
    throw new AppError('CAREPOOL_SANDBOX_START_FAILED', 'mariadb-install-db not found next to mariadbd');
  try {
    await promisify(execFile)(binary.installDb, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=socket',
      '--skip-test-db',
      '--skip-name-resolve',
      `--tmpdir=${join(nodeDir, 'tmp')}`,
      ...(runAs ? [`--user=${runAs.user}`] : []),
    ]);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      `initialising ${dataDir} failed: ${String((error as { stderr?: string }).stderr ?? error).slice(-400)}`,
      { cause: error },
    );
  }
}
