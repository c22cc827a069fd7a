import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isListening } from '../../src/sandbox/ports.js';

/** Debian installs it in /usr/sbin, which is not on every user's PATH. */
const HAPROXY = existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

/** Options of {@link startHaproxy}. */
export interface HaproxyOptions {
  /** The carepool instances behind it (`http://127.0.0.1:PORT`). */
  readonly backends: readonly string[];
  /** Requests HAProxy lets through to one instance at a time; the rest wait in HAProxy's queue. */
  readonly maxconnPerInstance: number;
  /** How long a request may wait in that queue before HAProxy answers 503 + Retry-After itself. */
  readonly queueTimeoutMs: number;
}

/** A running HAProxy (Debian's `haproxy`) in front of carepool instances. */
export interface Haproxy {
  readonly url: string;
  /** Its configuration, as written. */
  readonly config: string;
  stop(): Promise<void>;
}

/**
 * The parts of docs/examples/haproxy.cfg (the deployable configuration, which fleet.test.ts runs as written)
 * that bound one overloaded instance, with the test's own maxconn and queue timeout: HAProxy
 * accepts every connection at once (Node accepts one per event-loop iteration, see docs/reliability.md), hands
 * each instance at most `maxconnPerInstance` requests, queues the rest for at most the queue timeout and then
 * answers carepool's own 503 envelope with Retry-After, and takes instances whose /readyz fails out of rotation.
 */
export function haproxyConfig(port: number, options: HaproxyOptions): string {
  const servers = options.backends.map((url, i) => {
    const { hostname, port: p } = new URL(url);
    return `  server carepool${i + 1} ${hostname}:${p} maxconn ${options.maxconnPerInstance} check inter 1s fall 2 rise 2`;
  });
  const body = JSON.stringify({
    error: {
      code: 'CAREPOOL_WEB_OVERLOADED',
      message: 'every carepool instance is busy; the request waited in the load balancer and was not served',
      hint: 'retry after the number of seconds in Retry-After',
    },
  });
  return [
    'global',
    '  maxconn 4000',
    'defaults',
    '  mode http',
    '  timeout connect 3s',
    '  timeout client 60s',
    '  timeout server 60s',
    `  timeout queue ${options.queueTimeoutMs}ms`,
    'frontend carepool',
    `  bind 127.0.0.1:${port}`,
    '  maxconn 4000',
    '  default_backend carepool',
    'backend carepool',
    '  balance leastconn',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    `  http-error status 503 content-type application/json string ${JSON.stringify(body)} hdr Retry-After 1`,
    ...servers,
    '',
  ].join('\n');
}

/** Starts HAProxy in the foreground on a free loopback port; {@link Haproxy.stop} ends it. */
export function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  return runHaproxy((port) => haproxyConfig(port, options));
}

/** Starts HAProxy with the configuration `configFor` writes for a free loopback port. */
export async function runHaproxy(configFor: (port: number) => string): Promise<Haproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'carepool-haproxy-'));
  const port = await freePort();
  const config = configFor(port);
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 100 && !(await isListening(port)); i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
