import { execFile, spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors/index.js';
import { exists } from './server.js';

const run = promisify(execFile);

/** One node of the sandbox cluster as recorded in the state file. */
export interface GaleraNodeState {
  /** 1-based. */
  readonly index: number;
  /** Client port (MySQL protocol, TLS offered and verified by the printed URL). */
  readonly port: number;
  /** Group communication (gmcast), incremental state transfer (IST) and full state transfer (SST) ports. */
  readonly gmcastPort: number;
  readonly istPort: number;
  readonly sstPort: number;
  readonly pid: number;
  /** Directory of this node: data/, tmp/, server.log, pid file, socket. */
  readonly dir: string;
}

/** The OS account the nodes run as: `null` is "the current user". */
export interface RunAs {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

const PROVIDERS = ['/usr/lib/galera/libgalera_smm.so', '/usr/lib/galera-4/libgalera_smm.so'];

/** The wsrep provider library, or CAREPOOL_SANDBOX_TOOL_MISSING naming the package. */
export async function findProvider(): Promise<string> {
  for (const p of PROVIDERS) if (await exists(p)) return p;
  throw new AppError(
    'CAREPOOL_SANDBOX_TOOL_MISSING',
    `the Galera provider is not installed (looked for ${PROVIDERS.join(', ')})`,
    {
      hint: 'Install it: sudo apt-get install -y galera-4 rsync',
    },
  );
}

/** rsync (the state transfer method the sandbox uses) must be on PATH. */
export async function requireRsync(): Promise<void> {
  try {
    await run('rsync', ['--version']);
  } catch {
    throw new AppError(
      'CAREPOOL_SANDBOX_TOOL_MISSING',
      'rsync is not installed; Galera state transfers (SST) use it',
      {
        hint: 'Install it: sudo apt-get install -y rsync',
      },
    );
  }
}

/**
 * Which OS user the nodes run as. As root: the `mysql` account. Why not root like the other sandbox
 * servers: the joiner's SST script starts an rsync DAEMON, and an rsync daemon started by root switches
 * every module to uid "nobody" (rsyncd.conf's default), which cannot write the root-owned data directory
 * ("cannot stat destination ... Permission denied (13)", ../shared/research/scale-out.md §3). The SST
 * script writes that rsyncd.conf itself, so carepool cannot add `uid = root` to it; running the whole node
 * as an unprivileged user avoids the switch. As any other user, the nodes run as that user.
 */
export async function chooseRunAs(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'mysql']), run('id', ['-g', 'mysql'])]);
    return { user: 'mysql', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      'running as root, the Galera sandbox needs the "mysql" OS account to run its nodes (an rsync state transfer started by root writes as "nobody" and fails)',
      { hint: 'Install mariadb-server (it creates the mysql account), or run carepool as a non-root user.' },
    );
  }
}

/**
 * True when `user` can reach `path`: every existing ancestor directory is searchable (x) for it. A temp
 * home from mkdtemp (mode 0700, owned by root) is not, for the mysql account.
 */
export async function canTraverse(path: string, user: RunAs | null): Promise<boolean> {
  if (user === null) return true;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      const s = await stat(dir);
      const ok =
        s.uid === user.uid
          ? (s.mode & 0o100) !== 0
          : s.gid === user.gid
            ? (s.mode & 0o010) !== 0
            : (s.mode & 0o001) !== 0;
      if (!ok) return false;
    } catch {
      // not created yet: mkdir will make it with our modes
    }
    if (dir === dirname(dir)) return true;
  }
}

/** Gives the whole node tree to the run-as user (no-op when running as oneself). */
export async function chownTree(dir: string, user: RunAs | null): Promise<void> {
  if (user !== null) await run('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

/** What `grastate.dat` says after a stop: the last node to stop cleanly may bootstrap the cluster. */
export interface GraState {
  readonly safeToBootstrap: boolean;
  readonly seqno: number;
}

/** Reads `<datadir>/grastate.dat`; absent (never started) is not safe and seqno -1. */
export async function readGraState(dataDir: string): Promise<GraState> {
  try {
    const text = await readFile(join(dataDir, 'grastate.dat'), 'utf8');
    const seqno = Number(/^seqno:\s*(-?\d+)/m.exec(text)?.[1] ?? -1);
    return { safeToBootstrap: /^safe_to_bootstrap:\s*1/m.test(text), seqno };
  } catch {
    return { safeToBootstrap: false, seqno: -1 };
  }
}

/**
 * Marks a node as the one to bootstrap from. Used only when no node says so (every node was killed): the
 * node with the highest recorded seqno is chosen, which in a sandbox that was Synced loses nothing.
 */
export async function markSafeToBootstrap(dataDir: string): Promise<void> {
  const path = join(dataDir, 'grastate.dat');
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace(/^safe_to_bootstrap:\s*0/m, 'safe_to_bootstrap: 1'));
}

/** Everything one node's command line needs. */
export interface NodeArgs {
  readonly node: GaleraNodeState;
  readonly nodes: readonly GaleraNodeState[];
  readonly provider: string;
  readonly certs: { readonly ca: string; readonly cert: string; readonly key: string };
  readonly runAs: RunAs | null;
  readonly bootstrap: boolean;
  readonly initFile: string;
  readonly socket: string;
}

/**
 * The node's server options: the common sandbox ones plus Galera's mandatory set (ROW binlog format,
 * InnoDB, autoinc lock mode 2) and per-node loopback addresses for gmcast, IST and SST
 * (research/scale-out.md §3). `--wsrep-new-cluster` only on the node that bootstraps.
 */
export function nodeArgs(a: NodeArgs): string[] {
  const { node } = a;
  const gcomm = a.nodes.map((n) => `127.0.0.1:${n.gmcastPort}`).join(',');
  return [
    '--no-defaults',
    `--datadir=${join(node.dir, 'data')}`,
    `--port=${node.port}`,
    '--bind-address=127.0.0.1',
    `--socket=${a.socket}`,
    `--pid-file=${join(node.dir, 'server.pid')}`,
    `--log-error=${join(node.dir, 'server.log')}`,
    `--init-file=${a.initFile}`,
    `--tmpdir=${join(node.dir, 'tmp')}`,
    '--skip-name-resolve',
    '--skip-host-cache',
    `--ssl-ca=${a.certs.ca}`,
    `--ssl-cert=${a.certs.cert}`,
    `--ssl-key=${a.certs.key}`,
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--default-time-zone=+00:00',
    '--innodb-buffer-pool-size=64M',
    '--innodb-flush-log-at-trx-commit=2',
    '--performance-schema=OFF',
    '--max-connections=300',
    // Galera counts as binary logging: without this, a migrator without SUPER cannot create the triggers
    // migration 0003 creates (error 1419). The other sandbox servers set it for the same reason.
    '--log-bin-trust-function-creators=1',
    ...(a.runAs ? [`--user=${a.runAs.user}`] : []),
    '--wsrep-on=ON',
    `--wsrep-provider=${a.provider}`,
    '--wsrep-cluster-name=carepool-onprem',
    `--wsrep-cluster-address=gcomm://${gcomm}`,
    `--wsrep-node-name=onprem-${node.index}`,
    `--wsrep-node-address=127.0.0.1:${node.gmcastPort}`,
    `--wsrep-node-incoming-address=127.0.0.1:${node.port}`,
    `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${node.gmcastPort};ist.recv_addr=127.0.0.1:${node.istPort};gcache.size=64M`,
    `--wsrep-sst-receive-address=127.0.0.1:${node.sstPort}`,
    '--wsrep-sst-method=rsync',
    '--binlog-format=ROW',
    '--default-storage-engine=InnoDB',
    '--innodb-autoinc-lock-mode=2',
    '--innodb-doublewrite=1',
    ...(a.bootstrap ? ['--wsrep-new-cluster'] : []),
  ];
}

/** Spawns a node detached; `exited` turns non-null when it dies before we stop waiting. */
export function spawnNode(
  binary: string,
  args: readonly string[],
): { pid: number; exited: () => number | null } {
  const child = spawn(binary, args, { detached: true, stdio: 'ignore' });
  let code: number | null = null;
  child.once('exit', (c) => {
    code = c ?? -1;
  });
  child.once('error', () => {
    code = -1;
  });
  child.unref();
  return { pid: child.pid ?? 0, exited: () => code };
}

/** The last lines of a node's log, for error messages. */
export async function logTail(dir: string, lines = 6): Promise<string> {
  try {
    const text = await readFile(join(dir, 'server.log'), 'utf8');
    return text.trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '(no server log)';
  }
}

