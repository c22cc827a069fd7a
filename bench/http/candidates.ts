/**
 * The servers the HTTP benchmark compares, each in its own process(es) against the same database, each
 * with its own database user so its connections can be counted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startFlask } from '../reference/flask.js';
import type { CompiledServers, ServerScript } from './compile.js';

/** Which server. */
export type CandidateName = 'carepool' | 'carepoolQuiet' | 'bare' | 'bareRow' | 'plain' | 'flask';

/** A running server under test. */
export interface Candidate {
  readonly name: CandidateName;
  /** What it does per request, for the tables. */
  readonly label: string;
  readonly url: string;
  /** Root process; server CPU is summed over it and its children (gunicorn workers). */
  readonly pid: number;
  /** Its database user (connections are counted per user). */
  readonly dbUser: string;
  stop(): Promise<void>;
}

/** Pool size of every candidate (carepool's default and the seeds' pool_size). */
export const POOL_MAX = 20;
/** carepool's acquire timeout (its default), also SQLAlchemy's pool_timeout for the Flask side. */
export const ACQUIRE_TIMEOUT_MS = 2000;

const HERE = import.meta.dirname;

/** Options of {@link startCandidate}. */
export interface StartOptions {
  /** The candidate's own database URL (mysql://, plain TCP). */
  readonly dbUrl: string;
  /** Extra node flags for the Node servers (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** The Node servers compiled to JavaScript (./compile.ts); without it they run from source under tsx. */
  readonly compiled?: CompiledServers;
  /** Extra environment of the Node servers (e.g. carepool-server.ts's BENCH_REPLICAS). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts one candidate and resolves once it listens. */
export async function startCandidate(name: CandidateName, options: StartOptions): Promise<Candidate> {
  const dbUser = decodeURIComponent(new URL(options.dbUrl).username);
  const node = async (
    script: ServerScript,
    env: Record<string, string>,
    label: string,
  ): Promise<Candidate> => {
    const compiled = options.compiled?.[script];
    const args = compiled ? [compiled] : ['--import', 'tsx', join(HERE, script)];
    const server = await spawnNode([...(options.nodeArgs ?? []), ...args], {
      BENCH_DB_URL: options.dbUrl,
      ...options.env,
      ...env,
    });
    return { name, label, dbUser, ...server };
  };
  switch (name) {
    case 'carepool':
      return node('carepool-server.ts', {}, 'carepool as deployed');
    case 'carepoolQuiet':
      return node(
        'carepool-server.ts',
        { BENCH_LOG_LEVEL: 'debug' },
        'carepool as deployed but CAREPOOL_LOG_LEVEL=debug (one log line per request)',
      );
    case 'bare':
      return node(
        'bare-server.ts',
        { BENCH_AUTH: 'token', BENCH_AUDIT: 'batch' },
        'bare node:http + mysql2: token check + reads + audit row (group-committed, as carepool)',
      );
    case 'bareRow':
      return node(
        'bare-server.ts',
        { BENCH_AUTH: 'token', BENCH_AUDIT: 'row' },
        'bare node:http + mysql2: token check + reads + one audit INSERT per request',
      );
    case 'plain':
      return node(
        'bare-server.ts',
        { BENCH_AUTH: 'off', BENCH_AUDIT: 'off' },
        'bare node:http + mysql2, no auth, no audit',
      );
    case 'flask': {
      const flask = await startFlask({ dbUrl: options.dbUrl, poolTimeoutS: ACQUIRE_TIMEOUT_MS / 1000 });
      return {
        name,
        label: `Flask + SQLAlchemy ORM under gunicorn (${flask.workers} gthread workers × ${flask.threads} threads), no auth, no audit (as the seeds ran it)`,
        dbUser,
        url: flask.url,
        pid: flask.pid,
        stop: () => flask.stop(),
      };
    }
  }
}

/** Starts a server script in its own Node process; it prints its port on stdout. */
async function spawnNode(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const script = args.at(-1) ?? '';
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...env,
      BENCH_POOL_MAX: String(POOL_MAX),
      BENCH_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const first = once(child.stdout as NodeJS.ReadableStream, 'data') as Promise<[Buffer]>;
  const [chunk] = await Promise.race([
    first,
    exited.then(([code]) => {
      throw new Error(`${script} exited with code ${String(code)} before listening (see stderr above)`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${Number(chunk.toString().trim())}`,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
