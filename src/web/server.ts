import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { AccessGuard } from '../clinic/index.js';
import type { CarepoolConfig } from '../config/index.js';
import type { RevisionReader } from '../db/health.js';
import { PoolMetrics } from '../db/pool/metrics.js';
import { TargetRegistry } from '../db/targets.js';
import type { Logger } from '../log/logger.js';
import { buildApp } from './app.js';
import type { Identify } from './plugins/identity.js';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Validated configuration: targets (with their pools) and `http.host`/`http.port`. */
  readonly config: Pick<CarepoolConfig, 'targets' | 'http'>;
  /** Overrides `config.http.host`. Default 127.0.0.1: there is no sign-in yet. */
  readonly host?: string;
  /** Overrides `config.http.port`; 0 picks a free port. */
  readonly port?: number;
  readonly logger?: Logger;
  readonly readRevision?: RevisionReader;
  readonly identify?: Identify;
  readonly guard?: AccessGuard;
}

/** A listening server. */
export interface ServerHandle {
  /** `http://host:port` it listens on. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly registry: TargetRegistry;
  /** Metrics served at /metrics (pool metrics included). */
  readonly metrics: Registry;
  /** True when the address is reachable only from this machine. */
  readonly loopbackOnly: boolean;
  /** Stops accepting, lets in-flight requests finish, then drains the pools. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the target registry (pool metrics attached from the first connection), the app, and listens.
 * `carepool serve` and `carepool up` both call this.
 */
export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
  const metrics = new Registry();
  // The gauges read the registry at scrape time; the observers must exist before the pools do.
  const source = { poolStats: () => registry.poolStats() };
  const poolMetrics = new PoolMetrics(metrics, source);
  const registry: TargetRegistry = new TargetRegistry(options.config, {
    observers: (name) => [poolMetrics.observerFor(name)],
  });
  const app = await buildApp({
    registry,
    metrics,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.readRevision ? { readRevision: options.readRevision } : {}),
    ...(options.identify ? { identify: options.identify } : {}),
    ...(options.guard ? { guard: options.guard } : {}),
  });
  const host = options.host ?? options.config.http.host ?? '127.0.0.1';
  const port = options.port ?? options.config.http.port;
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    await registry.close(1000);
    throw error;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${bound}`,
    host,
    port: bound,
    app,
    registry,
    metrics,
    loopbackOnly: isLoopback(host),
    close() {
      closing ??= (async () => {
        await app.close();
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
