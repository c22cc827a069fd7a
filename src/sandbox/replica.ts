import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConnectionUrl } from '../config/index.js';
import { connectSingle, type SingleConnection } from '../db/connect.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/index.js';
import type { ServerBinary } from './binary.js';
import { PROFILES } from './profiles.js';
import { exists, startServer, userUrl } from './server.js';
import type { ServerState } from './state.js';

/** The state-file name of `primary`'s replica number `index` (1-based), e.g. `azure-replica-1`. */
export function replicaName(primary: string, index: number): string {
  return `${primary}-replica-${index}`;
}

/** The port a replica tries first under fixed ports: its primary's + 10 x its number (33071, 33081, ...). */
export function preferredReplicaPort(primary: ServerState, index: number): number {
  return PROFILES[primary.profile].port + 10 * index;
}

/** What {@link startReplica} needs. */
export interface StartReplicaOptions {
  readonly home: string;
  readonly primary: ServerState;
  readonly index: number;
  readonly port: number;
  readonly binary: ServerBinary;
  /** The replica's earlier state (a restart keeps its data and replication position). */
  readonly old?: ServerState;
  readonly extraArgs?: readonly string[];
}

/**
 * Starts one read replica of `primary`: its own data directory and port, `read_only=ON`, the primary's users
 * (same passwords, so a replica URL differs from the primary's only by port and CA), and MariaDB GTID
 * replication (`MASTER_USE_GTID=slave_pos`) from the primary's own server port over TLS as the replication
 * user, the primary's certificate verified. The first start copies the primary's `clinic` database with
 * `mariadb-dump --single-transaction --gtid` and starts replicating at that dump's GTID position; later
 * starts resume from the replica's own `gtid_slave_pos` (the primary's port may have changed, so the
 * replication source is set again on every start).
 */
export async function startReplica(options: StartReplicaOptions): Promise<ServerState> {
  const { primary, index, binary } = options;
  if (binary.flavor !== 'mariadb' || primary.flavor !== 'mariadb')
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      'sandbox read replicas need MariaDB (they use MariaDB GTIDs and mariadb-dump); this server is MySQL',
    );
  if (!primary.replication)
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      `sandbox server "${primary.name}" has no replication user yet: run "carepool sandbox stop" then start again`,
    );
  const name = replicaName(primary.name, index);
  const dir = join(options.home, 'sandbox', name);
  const seeded = join(dir, 'replica-seeded');
  // A replica whose first copy never finished starts over from an empty data directory.
  if (!(await exists(seeded))) await rm(join(dir, 'data'), { recursive: true, force: true });
  const started = await startServer({
    name,
    profile: primary.profile,
    dir,
    port: options.port,
    binary,
    gateway: false,
    users: primary.users,
    serverId: 100 * PROFILES[primary.profile].serverId + index,
    extraArgs: ['--read-only=ON', '--skip-slave-start', ...(options.extraArgs ?? [])],
  });
  const state: ServerState = { ...started, replicaOf: primary.name };
  const conn = await adminConnection(state);
  try {
    if (!(await exists(seeded))) {
      const position = await copyPrimary(primary, state);
      await conn.query(sql`SET GLOBAL gtid_slave_pos = ${position}`);
    }
    await conn.query(sql`STOP SLAVE`);
    await conn.query(
      sql`CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.serverPort},
            MASTER_USER = ${primary.replication.user}, MASTER_PASSWORD = ${primary.replication.password},
            MASTER_USE_GTID = slave_pos, MASTER_SSL = 1, MASTER_SSL_CA = ${primary.caPath},
            MASTER_SSL_VERIFY_SERVER_CERT = 1, MASTER_CONNECT_RETRY = 1`,
    );
    await conn.query(sql`START SLAVE`);
    await writeFile(seeded, `${new Date().toISOString()}\n`);
  } finally {
    await conn.close();
  }
  return state;
}

/**
 * For a replica that kept running while its primary restarted: points replication at the primary's current
 * server port when it moved (a gateway-fronted primary may get a new one), so it does not retry the old port.
 */
export async function repointReplica(primary: ServerState, replica: ServerState): Promise<void> {
  const conn = await adminConnection(replica);
  try {
    const { rows } = await conn.query<{ Master_Port?: number | string }>(sql`SHOW SLAVE STATUS`);
    if (Number(rows[0]?.Master_Port) === primary.serverPort) return;
    await conn.query(sql`STOP SLAVE`);
    await conn.query(sql`CHANGE MASTER TO MASTER_PORT = ${primary.serverPort}`);
    await conn.query(sql`START SLAVE`);
  } finally {
    await conn.close();
  }
}

function adminConnection(state: ServerState): Promise<SingleConnection> {
  return connectSingle(state.name, parseConnectionUrl('sandbox', userUrl(state, 'admin')), {
    connectTimeoutMs: 5000,
    keepAliveMs: 0,
  });
}

/**
 * Copies the primary's database into the replica (`mariadb-dump | mariadb`, not binary-logged on the
 * replica) and returns the GTID position the dump's consistent snapshot corresponds to.
 */
async function copyPrimary(primary: ServerState, replica: ServerState): Promise<string> {
  const dumpFile = join(replica.dir, 'tmp', 'initial-copy.sql');
  const common = ['--no-defaults', '--host=127.0.0.1', `--user=${primary.users.admin.user}`, '--ssl'];
  // Replica users have the primary's passwords: one MYSQL_PWD serves both ends, never on a command line.
  const env = { ...process.env, MYSQL_PWD: primary.users.admin.password };
  await runTool(
    'mariadb-dump',
    [
      ...common,
      `--port=${primary.serverPort}`,
      `--ssl-ca=${primary.caPath}`,
      '--single-transaction',
      '--master-data=2',
      '--gtid',
      '--routines',
      '--triggers',
      '--events',
      `--result-file=${dumpFile}`,
      '--databases',
      primary.database,
    ],
    env,
  );
  const text = await readFile(dumpFile, 'utf8');
  const position = /gtid_slave_pos\s*=\s*'([^']*)'/.exec(text)?.[1];
  if (position === undefined)
    throw new AppError(
      'CAREPOOL_SANDBOX_START_FAILED',
      `the copy of "${primary.name}" for replica "${replica.name}" carries no GTID position`,
    );
  await runTool(
    'mariadb',
    [
      ...common,
      `--port=${replica.port}`,
      `--ssl-ca=${replica.caPath}`,
      '--init-command=SET SESSION sql_log_bin = 0',
      '--batch',
      `--execute=SOURCE ${dumpFile}`,
    ],
    env,
  );
  await rm(dumpFile, { force: true });
  return position;
}

function runTool(tool: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const fail = (why: string) =>
      reject(
        new AppError('CAREPOOL_SANDBOX_START_FAILED', `${tool} failed while seeding a replica: ${why}`, {
          meta: { tool },
        }),
      );
    child.once('error', (error) =>
      fail(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `${tool} is not installed (Debian/Ubuntu: apt-get install mariadb-client)`
          : error.message,
      ),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : fail(stderr.trim().slice(-500) || `exit ${code}`),
    );
  });
}

