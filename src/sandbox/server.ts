import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseConnectionUrl } from '../config/index.js';
import { connectSingle } from '../db/connect.js';
import { AppError } from '../errors/index.js';
import type { ServerBinary } from './binary.js';
import { generateCerts } from './certs.js';
import { freePort, isListening, isPortFree } from './ports.js';
import { PROFILES, type ProfileName } from './profiles.js';
import type { SandboxUser, ServerState } from './state.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What to start. */
export interface StartServerOptions {
  readonly name: string;
  readonly profile: ProfileName;
  /** Directory of this server (data, certs, log, socket). */
  readonly dir: string;
  readonly port: number;
  /** Behind a gateway: the server's own port to reuse when it is free (a restart keeps it). */
  readonly serverPort?: number;
  readonly binary: ServerBinary;
  /** Passwords to keep (from an earlier start), so existing URLs stay valid. */
  readonly users?: ServerState['users'];
  /** Extra server options, e.g. `--max-connections=5` or `--wait-timeout=3`. */
  readonly extraArgs?: readonly string[];
  /** Give up waiting for the server after this long. Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Unique `server_id` (and MariaDB `gtid_domain_id`); default: the profile's (azure 1, gcp 2). */
  readonly serverId?: number;
  /** Override the profile's TLS gateway (replicas are reached on their own port, without one). */
  readonly gateway?: boolean;
  /** The replication user to (re)create, with REPLICATION SLAVE over TLS; a new one when absent. */
  readonly replication?: SandboxUser;
}

const DATABASE = 'clinic';

/** A strong generated password: 24 url-safe characters (no quoting issues in URLs or SQL). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Initialises (first time), configures and starts one sandbox server bound to 127.0.0.1, then waits until
 * the admin user can log in over TLS. The database, an app user with DML grants, a migrator with DDL grants
 * and an admin are (re)created by an init file on every start, so passwords in the state always work.
 */
export async function startServer(options: StartServerOptions): Promise<ServerState> {
  const { dir, binary, port } = options;
  const profile = PROFILES[options.profile];
  const dataDir = join(dir, 'data');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certs = await generateCerts(join(dir, 'tls'), { caName: `carepool sandbox CA (${options.name})` });
  const tmp = join(dir, 'tmp');
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  if (!(await exists(join(dataDir, 'mysql'))))
    await initDataDir(binary, dataDir, tmp, join(dir, 'install.log'));

  const users = options.users ?? {
    app: { user: 'carepool_app', password: generatePassword() },
    migrator: { user: 'carepool_migrator', password: generatePassword() },
    admin: { user: 'carepool_admin', password: generatePassword() },
  };
  const replication = options.replication ?? { user: 'carepool_replica', password: generatePassword() };
  const initFile = join(dir, 'init.sql');
  await writeFile(initFile, initSql(users, replication, binary.flavor), { mode: 0o600 });
  const log = join(dir, 'server.log');
  const gateway = options.gateway ?? profile.gateway;
  const serverPort = gateway
    ? options.serverPort !== undefined && (await isPortFree(options.serverPort))
      ? options.serverPort
      : await freePort()
    : port;
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--port=${serverPort}`,
    '--bind-address=127.0.0.1',
    `--socket=${socketPath(dir)}`,
    `--pid-file=${join(dir, 'server.pid')}`,
    `--log-error=${log}`,
    `--init-file=${initFile}`,
    // A private tmpdir: servers sharing /tmp can collide on temporary table file names.
    `--tmpdir=${tmp}`,
    '--skip-name-resolve',
    `--ssl-ca=${certs.ca}`,
    `--ssl-cert=${certs.cert}`,
    `--ssl-key=${certs.key}`,
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--default-time-zone=+00:00',
    '--local-infile=1',
    '--innodb-buffer-pool-size=128M',
    // The sandbox trades crash durability of the OS page cache for speed; a killed server loses nothing.
    '--innodb-flush-log-at-trx-commit=2',
    ...binlogArgs(binary.flavor, options.serverId ?? profile.serverId),
    '--performance-schema=OFF',
    ...(binary.flavor === 'mariadb' ? ['--skip-host-cache'] : []),
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ...profile.serverArgs,
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(binary.path, args, { detached: true, stdio: 'ignore' });
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  child.once('error', () => {
    exited = -1;
  });
  child.unref();
  const pid = child.pid ?? 0;
  const gatewayPid = gateway ? spawnGateway(port, serverPort, dir) : 0;

  const state: ServerState = {
    name: options.name,
    profile: options.profile,
    port,
    serverPort,
    pid,
    gatewayPid,
    dir,
    flavor: binary.flavor,
    version: binary.version,
    caPath: certs.ca,
    database: DATABASE,
    users,
    replication,
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) {
      throw new AppError(
        'CAREPOOL_SANDBOX_START_FAILED',
        `sandbox server "${options.name}" exited with code ${exited}: ${await tail(log)}`,
        {
          meta: { log },
        },
      );
    }
    if (await isListening(port, 300)) {
      try {
        const conn = await connectSingle(
          options.name,
          parseConnectionUrl('sandbox', userUrl(state, 'admin')),
          {
            connectTimeoutMs: 2000,
            keepAliveMs: 0,
          },
        );
        await conn.close();
        break;
      } catch {
        // The init file may still be running; try again.
      }
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      if (gatewayPid) process.kill(gatewayPid, 'SIGKILL');
      throw new AppError(
        'CAREPOOL_SANDBOX_START_FAILED',
        `sandbox server "${options.name}" did not accept connections on port ${port}: ${await tail(log)}`,
        {
          meta: { log },
        },
      );
    }
    await sleep(100);
  }
  await rm(initFile, { force: true });
  return state;
}

/** The mysql:// URL of one of the sandbox users, with the profile's ssl-mode and CA. */
export function userUrl(state: ServerState, who: keyof ServerState['users'], sslMode?: string): string {
  const u: SandboxUser = state.users[who];
  const mode = sslMode ?? PROFILES[state.profile].sslMode;
  const ca =
    mode === 'DISABLED' || mode === 'PREFERRED' || mode === 'REQUIRED'
      ? ''
      : `&ssl-ca=${state.caPath.replace(/[&#%+ ?]/g, encodeURIComponent)}`;
  return `mysql://${u.user}:${encodeURIComponent(u.password)}@127.0.0.1:${state.port}/${state.database}?ssl-mode=${mode}${ca}`;
}

/** True when the recorded server process (and its gateway, if any) is alive — and is ours, not a reused pid. */
export async function isServerAlive(state: ServerState): Promise<boolean> {
  if (!(await isServerProcessAlive(state))) return false;
  return !state.gatewayPid || (await isProcessAlive(state.gatewayPid, 'gateway-main'));
}

/** True when the recorded database server process itself (not its gateway) is alive and ours. */
export function isServerProcessAlive(state: ServerState): Promise<boolean> {
  return isProcessAlive(state.pid, state.dir);
}

async function isProcessAlive(pid: number, marker: string): Promise<boolean> {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(marker);
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}

/** Stops a server (and its gateway): SIGTERM, wait up to `timeoutMs` for a clean shutdown, then SIGKILL. */
export async function stopServer(state: ServerState, timeoutMs = 30_000): Promise<void> {
  await Promise.all([
    stopProcess(state.pid, state.dir, timeoutMs),
    state.gatewayPid ? stopProcess(state.gatewayPid, 'gateway-main', timeoutMs) : undefined,
  ]);
}

async function stopProcess(pid: number, marker: string, timeoutMs: number): Promise<void> {
  if (!(await isProcessAlive(pid, marker))) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isProcessAlive(pid, marker))) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Starts the detached azure gateway process (./gateway-main), under tsx when running from TypeScript sources. */
function spawnGateway(port: number, upstreamPort: number, dir: string): number {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const script = join(dirname(here), fromSource ? 'gateway-main.ts' : 'gateway-main.js');
  const args = [
    ...(fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []),
    script,
    String(port),
    String(upstreamPort),
    // Names the server it fronts, so a restart reaps only its own orphaned gateways (./reap.ts).
    dir,
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? 0;
}

/**
 * Binary log with GTIDs on every server, so `carepool replicate` and read replicas work between sandbox
 * servers: a unique server_id (and, on MariaDB, the same number as gtid_domain_id, so two primaries'
 * transactions never collide in one strict-mode GTID sequence), ROW events, replicas log what they apply,
 * binlogs kept 2 days. Relay logs get a fixed name (the default embeds the host name).
 */
function binlogArgs(flavor: ServerBinary['flavor'], serverId: number): string[] {
  const common = [
    `--server-id=${serverId}`,
    '--log-bin=binlog',
    '--relay-log=relay-bin',
    '--binlog-format=ROW',
    '--log-slave-updates=ON',
    '--log-bin-trust-function-creators=1',
    '--binlog-expire-logs-seconds=172800',
  ];
  return flavor === 'mariadb'
    ? [...common, `--gtid-domain-id=${serverId}`, '--gtid-strict-mode=ON']
    : [...common, '--gtid-mode=ON', '--enforce-gtid-consistency=ON'];
}

/**
 * The statements every sandbox server (and Galera node) runs at start: the `clinic` database, the app user
 * (DML), the migrator (DDL) and the admin, (re)created with the recorded passwords.
 */
export function usersSql(users: ServerState['users']): string[] {
  const lines = [
    `CREATE DATABASE IF NOT EXISTS ${DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
  ];
  for (const u of Object.values(users)) {
    lines.push(`CREATE USER IF NOT EXISTS '${u.user}'@'%' IDENTIFIED BY '${escSql(u.password)}';`);
    lines.push(`ALTER USER '${u.user}'@'%' IDENTIFIED BY '${escSql(u.password)}';`);
  }
  lines.push(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${DATABASE}.* TO '${users.app.user}'@'%';`);
  lines.push(
    `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, LOCK TABLES, TRIGGER, CREATE ROUTINE, ALTER ROUTINE, EXECUTE ON ${DATABASE}.* TO '${users.migrator.user}'@'%';`,
  );
  lines.push(`GRANT ALL PRIVILEGES ON *.* TO '${users.admin.user}'@'%' WITH GRANT OPTION;`);
  return lines;
}

const escSql = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

function initSql(
  users: ServerState['users'],
  replication: SandboxUser,
  flavor: ServerBinary['flavor'],
): string {
  const esc = escSql;
  const lines = [
    // Users and grants are each server's own (replicas create theirs): never in the binary log, so neither a
    // replica nor `carepool replicate` to another server re-applies them.
    'SET SESSION sql_log_bin = 0;',
    ...usersSql(users),
  ];
  // The read router's lag monitor reads SHOW SLAVE STATUS on replicas as the app user (src/replicas).
  lines.push(
    `GRANT ${flavor === 'mariadb' ? 'SLAVE MONITOR' : 'REPLICATION CLIENT'} ON *.* TO '${users.app.user}'@'%';`,
  );
  const r = replication;
  lines.push(`CREATE USER IF NOT EXISTS '${r.user}'@'%' IDENTIFIED BY '${esc(r.password)}' REQUIRE SSL;`);
  lines.push(`ALTER USER '${r.user}'@'%' IDENTIFIED BY '${esc(r.password)}' REQUIRE SSL;`);
  lines.push(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${r.user}'@'%';`);
  lines.push('FLUSH PRIVILEGES;');
  return `${lines.join('\n')}\n`;
}

async function initDataDir(binary: ServerBinary, dataDir: string, tmp: string, log: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  try {
    if (binary.flavor === 'mariadb') {
      if (binary.installDb === undefined) throw new Error('mariadb-install-db not found next to mariadbd');
      await run(binary.installDb, [
        '--no-defaults',
        `--datadir=${dataDir}`,
        '--auth-root-authentication-method=socket',
        '--skip-test-db',
        '--skip-name-resolve',
        `--tmpdir=${tmp}`,
        ...asRoot,
      ]);
    } else {
      await run(binary.path, [
        '--no-defaults',
        '--initialize-insecure',
        `--datadir=${dataDir}`,
        `--tmpdir=${tmp}`,
        ...asRoot,
      ]);
    }
  } catch (error) {
    await writeFile(log, String((error as { stderr?: string }).stderr ?? error));
    await rm(dataDir, { recursive: true, force: true });
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      `initialising the data directory ${dataDir} failed (see ${log})`,
      {
        cause: error,
        meta: { log },
      },
    );
  }
}

/** Unix socket paths are limited to ~107 bytes: fall back to a short name in the temp dir. */
export function socketPath(dir: string): string {
  const inDir = join(dir, 'mysqld.sock');
  if (inDir.length < 100) return inDir;
  return join(tmpdir(), `carepool-${Buffer.from(dir).toString('base64url').slice(-24)}.sock`);
}

async function tail(path: string): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no server log)';
  }
}

/** True when the path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
