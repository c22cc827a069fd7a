import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConnectionUrl } from '../../src/config/index.js';
import { connectSingle, type SingleConnection } from '../../src/db/connect.js';
import { sql } from '../../src/db/sql.js';
import { TargetRegistry } from '../../src/db/targets.js';
import { migrateTarget } from '../../src/migrate/index.js';
import {
  type ProfileName,
  type SandboxState,
  type ServerState,
  sandboxEnv,
  startSandbox,
  stopSandbox,
  userUrl,
} from '../../src/sandbox/index.js';
import { seedTarget } from '../../src/seed/index.js';
import { UserStore } from '../../src/auth/index.js';
import { randomBytes } from 'node:crypto';

const BIN = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

/**
 * A private, disposable deployment for fault tests: its own sandbox servers (so a test may kill or
 * reconfigure them), migrated and seeded, and carepool running as a separate process exactly as a user
 * runs it (`carepool up` with targets configured, which serves without touching the schema).
 */
export interface Stack {
  readonly home: string;
  readonly sandbox: SandboxState;
  /** Env that points carepool at the stack's servers (plus the overrides given). */
  readonly env: Record<string, string>;
  /** `Authorization` header of a clinician's API token on the stack's targets (every route needs one). */
  readonly auth: { readonly authorization: string };
  server(name: ProfileName): ServerState;
  admin(name: ProfileName): Promise<SingleConnection>;
  /** Starts carepool (`up`) as a child process and waits until it serves; returns its URL. */
  startCarepool(extraEnv?: Record<string, string>): Promise<Carepool>;
  /** Restarts a sandbox server that was killed (same port, same data). */
  restartServer(name: ProfileName): Promise<void>;
  stop(): Promise<void>;
}

/** A running carepool process. */
export interface Carepool {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it printed (stdout + stderr). */
  output(): string;
  /** Resident memory of the process in MiB (Linux). */
  rssMiB(): Promise<number>;
  /** Sends a signal and resolves with the exit code (or null) once it exits. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  readonly profiles?: readonly ProfileName[];
  readonly patients?: number;
  readonly extraArgs?: readonly string[];
  /** Env for carepool (pool settings etc.). */
  readonly env?: Record<string, string>;
}

/** Starts a private stack. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const home = await mkdtemp(join(tmpdir(), 'carepool-rel-'));
  const profiles = options.profiles ?? ['azure', 'gcp'];
  const sandbox = await startSandbox({
    home,
    profiles,
    ports: 'free',
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
  });
  const env = { ...sandboxEnv(sandbox), CAREPOOL_HOME: home, CAREPOOL_LOG_LEVEL: 'warn', ...options.env };
  const registry = new TargetRegistry(loadConfig({ env, dotenv: false, cwd: home }));
  let auth = { authorization: '' };
  try {
    for (const t of registry.list()) {
      const r = await migrateTarget(t);
      if (!r.ok) throw new Error(`migration failed on ${t.name}: ${r.error?.message}`);
      await seedTarget(t, { patients: options.patients ?? 500, recordsPerPatient: 2, seed: 3, reset: true });
    }
    const users = new UserStore(registry);
    await users.upsertUser('reliability', 'clinician', randomBytes(18).toString('base64url'));
    auth = { authorization: `Bearer ${await users.createToken('reliability', 'reliability')}` };
  } catch (error) {
    // A stack that failed to set up has no `stop()` for the caller to run: its servers must not outlive it.
    await registry.close();
    await stopSandbox(home);
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  await registry.close();
  const children: Carepool[] = [];
  const stack: Stack = {
    home,
    sandbox,
    env,
    auth,
    server: (name) => sandbox.servers[name] as ServerState,
    admin: (name) =>
      connectSingle(
        name,
        parseConnectionUrl('admin', userUrl(sandbox.servers[name] as ServerState, 'admin')),
        {
          connectTimeoutMs: 3000,
          keepAliveMs: 0,
        },
      ),
    async startCarepool(extraEnv = {}) {
      const c = await spawnCarepool({ ...env, ...extraEnv });
      children.push(c);
      return c;
    },
    async restartServer(name) {
      await startSandbox({ home, profiles: [name], ports: 'fixed' });
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop('SIGKILL')));
      await stopSandbox(home);
      await rm(home, { recursive: true, force: true });
    },
  };
  return stack;
}

async function spawnCarepool(env: Record<string, string>): Promise<Carepool> {
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`carepool did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /carepool is serving (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`carepool exited before serving:\n${out}`));
    });
  });
  return {
    url,
    process: child,
    output: () => out,
    async rssMiB() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Server-side count of connections of the sandbox app user (PROCESSLIST), on an open admin connection. */
export async function appConnections(admin: SingleConnection, server: ServerState): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    sql`SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ${server.users.app.user}`,
  );
  return Number(rows[0]?.n ?? 0);
}
