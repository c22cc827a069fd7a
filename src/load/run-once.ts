import type { CarepoolConfig, ConnectionSpec } from '../config/index.js';
import type { TargetRegistry } from '../db/targets.js';
import { AppError } from '../errors/index.js';
import { localPoolSource, type PoolSource } from './pool-source.js';
import { remotePoolSource } from './remote-pool-source.js';
import { discoverPaths, hasSlowRoute, requestMix, type SlowPathFn } from './request-mix.js';
import { Sampler } from './sampler.js';
import { openServerMonitor, type ServerMonitor } from './server-monitor.js';
import { type LoadSummary, summarize } from './summarize.js';
import { Traffic, type TrafficTotals } from './traffic.js';
import type { LoadSample, Phase, TargetInfo } from './types.js';

/** A server to load: one started in this process (with its registry), or one at `--url`. */
export interface LoadServer {
  readonly url: string;
  /** The server's targets, when it runs in this process (pools are then read directly). */
  readonly registry?: TargetRegistry;
  /** True when it serves the slow route. */
  readonly slowRoute: boolean;
  /** Headers every request to it needs (its API token). */
  readonly headers?: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts a server over `config` for one run. */
export type StartLoadServer = (config: Pick<CarepoolConfig, 'targets'>) => Promise<LoadServer>;

/** One run: a server, a set of phases, samples and their summary. */
export interface RunResult {
  /** The pool maximum this run used (sweeps vary it). */
  readonly poolMax: number;
  readonly url: string;
  readonly inProcess: boolean;
  readonly phases: readonly Phase[];
  readonly targets: readonly TargetInfo[];
  readonly slowRequests: boolean;
  readonly samples: readonly LoadSample[];
  readonly summary: LoadSummary;
  /** autocannon's own counts, to cross-check the sampled windows. */
  readonly totals: TrafficTotals;
}

/** Options of {@link runOnce}. */
export interface RunOnceOptions {
  readonly config: Pick<CarepoolConfig, 'targets'>;
  readonly targets: readonly string[];
  readonly phases: readonly Phase[];
  readonly url?: string | undefined;
  readonly startServer?: StartLoadServer | undefined;
  readonly slowPath: SlowPathFn;
  readonly slowMs: number;
  readonly maxRequests: number;
  readonly monitorSpec?: ((target: string) => ConnectionSpec | undefined) | undefined;
  readonly sampleMs?: number | undefined;
  readonly onSample?: ((sample: LoadSample) => void) | undefined;
  readonly random?: (() => number) | undefined;
  /** Headers of every request to a `url` server (its API token). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Stops the traffic early; the run then reports what it measured. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs the phases once against one server: starts it (or checks the `--url` one answers), opens a
 * monitoring connection per target, samples while autocannon sends the load, and always cleans up.
 */
export async function runOnce(o: RunOnceOptions): Promise<RunResult> {
  if (o.url === undefined && o.startServer === undefined) {
    throw new AppError('CAREPOOL_LOAD_OPTION_INVALID', 'give either a server URL or a way to start one');
  }
  const server: LoadServer =
    o.url !== undefined
      ? { url: o.url.replace(/\/$/, ''), slowRoute: false, close: async () => undefined }
      : await (o.startServer as StartLoadServer)(o.config);
  const monitors = new Map<string, ServerMonitor>();
  let pools: PoolSource | undefined;
  try {
    const headers = server.headers ?? o.headers ?? {};
    const paths = await discoverPaths(server.url, o.targets, headers);
    const slow =
      server.slowRoute || (await hasSlowRoute(server.url, o.slowPath(o.targets[0] as string, 0), headers));
    const durationS = Math.max(...o.phases.map((p) => p.atS + p.durationS));
    const targets: TargetInfo[] = [];
    for (const name of o.targets) {
      const tc = o.config.targets.find((t) => t.name === name);
      if (tc === undefined) continue;
      const monitor = await openServerMonitor(tc, o.monitorSpec?.(name)).catch(() => undefined);
      if (monitor) monitors.set(name, monitor);
      targets.push({
        name,
        poolMax: tc.pool.max,
        acquireTimeoutMs: tc.pool.acquireTimeoutMs,
        maxConnections: monitor ? await monitor.maxConnections() : null,
        monitor: monitor?.mode ?? 'none',
      });
    }
    pools = server.registry
      ? localPoolSource(server.registry, o.targets)
      : await remotePoolSource(server.url, o.targets, o.sampleMs ?? 250, headers);
    const phases = o.phases.map((p) => (slow ? p : { ...p, slowShare: 0 }));
    const traffic = new Traffic({
      url: server.url,
      phases,
      pick: requestMix(paths, {
        slowPath: slow ? o.slowPath : undefined,
        slowMs: o.slowMs,
        ...(o.random ? { random: o.random } : {}),
      }),
      maxRequests: o.maxRequests,
      timeoutS: 10,
      headers,
      ...(o.random ? { random: o.random } : {}),
    });
    const sampler = new Sampler({
      traffic,
      pools,
      monitors,
      ...(o.sampleMs ? { intervalMs: o.sampleMs } : {}),
      ...(o.onSample ? { onSample: o.onSample } : {}),
    });
    // Hard stop: a run never outlives its schedule by more than the client timeout.
    const guard = setTimeout(() => traffic.stop(), (durationS + 12) * 1000);
    const stop = () => traffic.stop();
    o.signal?.addEventListener('abort', stop, { once: true });
    sampler.start();
    let totals: TrafficTotals;
    try {
      const running = traffic.run();
      if (o.signal?.aborted) traffic.stop();
      totals = await running;
    } finally {
      clearTimeout(guard);
      o.signal?.removeEventListener('abort', stop);
    }
    const samples = await sampler.stop();
    return {
      poolMax: Math.max(...targets.map((t) => t.poolMax), 0),
      url: server.url,
      inProcess: o.url === undefined,
      phases,
      targets,
      slowRequests: phases.some((p) => p.slowShare > 0),
      samples,
      summary: summarize(samples),
      totals,
    };
  } finally {
    pools?.close();
    await Promise.all([...monitors.values()].map((m) => m.close().catch(() => undefined)));
    await server.close();
  }
}
