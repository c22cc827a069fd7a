import { Registry } from 'prom-client';
import type { CarepoolConfig } from '../../config/index.js';
import { PoolMetrics } from '../../db/pool/metrics.js';
import { TargetRegistry } from '../../db/targets.js';
import type { LoadServer } from '../../load/index.js';
import { buildApp } from '../app.js';
import { registerSlowRoute } from './live-slow.js';

/**
 * The web app as `carepool load` runs it in its own process: the same app `carepool serve` runs (pool metrics
 * included), plus the slow route of {@link registerSlowRoute}, on 127.0.0.1 and a free port. The load runner
 * calls it once per run (once per pool size in a sweep), so each run has fresh pools.
 */
export async function startLoadServer(config: Pick<CarepoolConfig, 'targets'>): Promise<LoadServer> {
  const metrics = new Registry();
  const source = { poolStats: () => registry.poolStats() };
  const poolMetrics = new PoolMetrics(metrics, source);
  const registry: TargetRegistry = new TargetRegistry(config, {
    observers: (name) => [poolMetrics.observerFor(name)],
  });
  try {
    const app = await buildApp({ registry, metrics, security: 'none' });
    registerSlowRoute(app, registry);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return {
      url: `http://127.0.0.1:${port}`,
      registry,
      slowRoute: true,
      async close() {
        await app.close();
        await registry.close(2000);
      },
    };
  } catch (error) {
    await registry.close(1000);
    throw error;
  }
}
