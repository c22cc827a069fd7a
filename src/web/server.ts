import type { ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { AuditLog } from '../audit/index.js';
import { UserStore } from '../auth/index.js';
import type { FleetSettings } from '../config/fleet.js';
import type { CarepoolConfig } from '../config/index.js';
import type { RevisionReader } from '../db/health.js';
import { PoolMetrics } from '../db/pool/metrics.js';
import { TargetRegistry } from '../db/targets.js';
import { type Fleet, joinFleet } from '../fleet/index.js';
import type { Logger } from '../log/logger.js';
import { followCutovers } from '../move/cutover-record.js';
import { AppError } from '../errors/index.js';
import { buildApp } from './app.js';
import { loadSessionSecret } from './security/session-secret.js';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Validated configuration: targets (with their pools), the `http` settings and `home` (session key). */
  readonly config: Pick<CarepoolConfig, 'targets' | 'http' | 'home'>;
  /** Overrides `config.http.host` (default 127.0.0.1). */
  readonly host?: string;
  /** Overrides `config.http.port`; 0 picks a free port. */
  readonly port?: number;
  readonly logger?: Logger;
  readonly readRevision?: RevisionReader;
  /** The clock of sessions (tests). */
  readonly now?: () => number;
  /** Sign-in attempts per address per window (tests raise it). */
  readonly loginLimit?: { readonly max: number; readonly windowMs: number };
  /** Join the fleet (heartbeat rows, pools sized to a share of each server, draining); none: off. */
  readonly fleet?: FleetSettings;
}

/** A listening server. */
export interface ServerHandle {
  /** `http(s)://host:port` it listens on. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly registry: TargetRegistry;
  /** Metrics served at /metrics (pool metrics included). */
  readonly metrics: Registry;
  /** True when the address is reachable only from this machine. */
  readonly loopbackOnly: boolean;
  /** True when it serves HTTPS. */
  readonly https: boolean;
  /** Users and tokens of the targets it serves (what sign-in checks). */
  readonly users: UserStore;
  /** This instance's fleet membership, when it joined one. */
  readonly fleet?: Fleet;
  /** Stops accepting, lets in-flight requests finish, then drains the pools. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the target registry (pool metrics attached from the first connection), the app with sign-in, roles
 * and the audit trail, and listens (HTTPS when `CAREPOOL_HTTPS_CERT`/`_KEY` are set). `carepool serve` and
 * `carepool up` both call this.
 */
export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
  const metrics = new Registry();
  // The gauges read the registry at scrape time; the observers must exist before the pools do.
  const source = { poolStats: () => registry.poolStats() };
  const poolMetrics = new PoolMetrics(metrics, source);
  const registry: TargetRegistry = new TargetRegistry(options.config, {
    observers: (name) => [poolMetrics.observerFor(name)],
  });
  // After `carepool cutover --from A --to B` the app sends A's requests to B without a restart.
  const unfollow = await followCutovers(registry, options.config.home);
  // Before the app exists: the pools serve with their fleet share from the first request on.
  const fleet = options.fleet?.enabled ? await joinFleet(registry, options.fleet) : undefined;
  let draining = false;
  const { http } = options.config;
  const tls = http.https ? await readTlsFiles(http.https) : undefined;
  const users = new UserStore(registry);
  const app = await buildApp({
    registry,
    metrics,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.readRevision ? { readRevision: options.readRevision } : {}),
    ...(tls ? { https: tls } : {}),
    move: { home: options.config.home, targets: options.config.targets },
    draining: () => draining,
    ...(http.trustProxy ? { trustProxy: http.trustProxy } : {}),
    security: {
      users,
      audit: new AuditLog(registry),
      sessionSecret: await loadSessionSecret(http.sessionSecret, options.config.home),
      sessionPolicy: {
        idleMs: http.sessionIdleMinutes * 60_000,
        absoluteMs: http.sessionMaxHours * 3_600_000,
      },
      https: tls !== undefined,
      idempotencyTtlMs: http.idempotencyTtlMs,
      ...(options.now ? { now: options.now } : {}),
      ...(options.loginLimit ? { loginLimit: options.loginLimit } : {}),
    },
  });
  const host = options.host ?? options.config.http.host ?? '127.0.0.1';
  const port = options.port ?? options.config.http.port;
  try {
    // Node's default accept backlog is 511: a burst of 1,000 new connections overflowed it, and the kernel
    // dropped SYNs, which clients see as a connect stall of 1-3 s and more. The kernel caps this at somaxconn.
    await app.listen({ host, port, backlog: 4096 });
  } catch (error) {
    await app.close();
    unfollow();
    await fleet?.leave();
    await registry.close(1000);
    throw error;
  }
  // Requests still being answered, counted on the raw server: shutdown waits for them before it closes the
  // pools (a request whose statement is still running must not have its connection destroyed under it).
  let inFlight = 0;
  let drained: (() => void) | undefined;
  app.server.on('request', (_req, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
  });
  const waitForRequests = (maxMs: number) =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, maxMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
  // The longest a data request may take (its deadline), plus a second.
  const longestRequestMs =
    Math.max(
      0,
      ...options.config.targets.map((t) => t.pool.acquireTimeoutMs + (t.pool.statementTimeoutMs ?? 0)),
    ) + 1000;
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${urlHost}:${bound}`,
    host,
    port: bound,
    app,
    registry,
    metrics,
    loopbackOnly: isLoopback(host),
    https: tls !== undefined,
    users,
    ...(fleet ? { fleet } : {}),
    close() {
      closing ??= (async () => {
        // Draining: /readyz answers 503 (load balancers stop sending) while requests are still served.
        draining = true;
        await fleet?.drain();
        const delay = options.fleet?.drainDelayMs ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        await app.close();
        await waitForRequests(longestRequestMs);
        unfollow();
        await fleet?.leave();
        await registry.close(2000);
      })();
      return closing;
    },
  };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

async function readTlsFiles(files: {
  certFile: string;
  keyFile: string;
}): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (variable: string, file: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new AppError(
        'CAREPOOL_CONFIG_INVALID',
        `${variable} names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { meta: { variable }, hint: `Point ${variable} at a PEM file this user can read.` },
      );
    }
  };
  return {
    cert: await read('CAREPOOL_HTTPS_CERT', files.certFile),
    key: await read('CAREPOOL_HTTPS_KEY', files.keyFile),
  };
}
