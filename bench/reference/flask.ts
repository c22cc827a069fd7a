/**
 * Runs bench/reference/flask_app.py under Debian's gunicorn for the HTTP benchmark.
 *
 * Workers: gunicorn's `gthread` class, one process per core (2 here) × 10 threads. Python runs one thread at a
 * time per process, so more processes than cores only adds context switches, and 2 × 10 threads means at
 * most 20 requests — hence at most 20 checked-out database connections — at once in total: the same 20 as
 * carepool's pool max. Each worker still has the seeds' own SQLAlchemy pool (pool_size=20, max_overflow=0),
 * so 40 connections are *configured*; the benchmark reports how many were really open. Measured on GET
 * patient at 64 connections (2 rounds of 4 s each, 2026-12-01): 2 × 10 gthread 611-702 req/s; 3 × 7
 * 476-635; 4 × 5 416-545; the classic `sync` recipe, 2 × cores + 1 = 5 processes of one request each,
 * 519-534 req/s with p50 over 1 s and connection errors (sync workers do not keep connections alive).
 * BENCH_FLASK_WORKERS / BENCH_FLASK_THREADS override the choice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PYTHON } from './stack.js';

/** A running gunicorn (its master's pid: CPU is summed over the workers, its children). */
export interface FlaskServer {
  readonly url: string;
  readonly pid: number;
  readonly workers: number;
  readonly threads: number;
  stop(): Promise<void>;
}

/** Options of {@link startFlask}. */
export interface FlaskOptions {
  /** `mysql://user:pass@host:port/db` (plain TCP); turned into SQLAlchemy's `mysql+pymysql://` form. */
  readonly dbUrl: string;
  /** SQLAlchemy's pool_timeout, seconds: carepool's acquire timeout. */
  readonly poolTimeoutS: number;
}

/** Starts gunicorn on a free loopback port and waits until the app answers /healthz. */
export async function startFlask(options: FlaskOptions): Promise<FlaskServer> {
  const workers = Number(process.env.BENCH_FLASK_WORKERS ?? availableParallelism());
  const threads = Number(process.env.BENCH_FLASK_THREADS ?? Math.ceil(20 / workers));
  const port = await freePort();
  const db = new URL(options.dbUrl);
  const sqlalchemyUrl = `mysql+pymysql://${db.username}:${db.password}@${db.hostname}:${db.port}${db.pathname}?charset=utf8mb4`;
  const child: ChildProcess = spawn(
    PYTHON,
    [
      '-m',
      'gunicorn',
      '--worker-class',
      threads > 1 ? 'gthread' : 'sync',
      '--workers',
      String(workers),
      '--threads',
      String(threads),
      '--bind',
      `127.0.0.1:${port}`,
      '--chdir',
      import.meta.dirname,
      '--log-level',
      'warning',
      'flask_app:app',
    ],
    {
      env: {
        ...process.env,
        CAREPOOL_BENCH_DB_URL: sqlalchemyUrl,
        BENCH_POOL_TIMEOUT_S: String(options.poolTimeoutS),
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`gunicorn exited with code ${child.exitCode} (see stderr above)`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gunicorn did not answer ${url}/healthz within 30 s`);
    }
    await sleep(100);
  }
  return { url, pid: child.pid ?? 0, workers, threads, stop };
}

/** A free loopback TCP port (released just before gunicorn binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Path of the app, for messages. */
export const FLASK_APP = join(import.meta.dirname, 'flask_app.py');
