import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { AuditLog } from '../../audit/index.js';
import { UserStore } from '../../auth/index.js';
import { Secret } from '../../config/index.js';
import { AppError, isAppError } from '../../errors/index.js';
import type { CarepoolConfig } from '../../config/index.js';
import { PoolMetrics } from '../../db/pool/metrics.js';
import { TargetRegistry } from '../../db/targets.js';
import type { LoadServer } from '../../load/index.js';
import { buildApp } from '../app.js';
import { registerSlowRoute } from './live-slow.js';

/** The user the in-process load server's traffic signs in as (an admin: the slow route needs `ops:run`). */
export const LOAD_USER = 'carepool-load';

/**
 * The web app as `carepool load` runs it in its own process: the same app `carepool serve` runs — sign-in,
 * roles and the audit trail on, pool metrics included — plus the slow route of {@link registerSlowRoute}, on
 * 127.0.0.1 and a free port. The traffic authenticates as {@link LOAD_USER} with an API token made for this run
 * and revoked when it ends, so every simulated read also writes its audit event, as in production. The load
 * runner calls this once per run (once per pool size in a sweep), so each run has fresh pools.
 */
export async function startLoadServer(config: Pick<CarepoolConfig, 'targets'>): Promise<LoadServer> {
  const metrics = new Registry();
  const source = { poolStats: () => registry.poolStats() };
  const poolMetrics = new PoolMetrics(metrics, source);
  const registry: TargetRegistry = new TargetRegistry(config, {
    observers: (name) => [poolMetrics.observerFor(name)],
  });
  const users = new UserStore(registry);
  const tokenName = `load-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  try {
    const token = await loadToken(users, tokenName);
    const app = await buildApp({
      registry,
      metrics,
      security: {
        users,
        audit: new AuditLog(registry),
        sessionSecret: new Secret(randomBytes(32).toString('base64url')),
      },
    });
    registerSlowRoute(app, registry);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return {
      url: `http://127.0.0.1:${port}`,
      registry,
      slowRoute: true,
      headers: { authorization: `Bearer ${token}` },
      async close() {
        await app.close();
        await users.revokeTokens(LOAD_USER, tokenName).catch(() => undefined);
        await registry.close(2000);
      },
    };
  } catch (error) {
    await registry.close(1000);
    throw error;
  }
}

/** Creates (or refreshes) the load user with a random password nobody knows, and a token for this run. */
async function loadToken(users: UserStore, tokenName: string): Promise<string> {
  try {
    await users.upsertUser(LOAD_USER, 'admin', randomBytes(24).toString('base64url'));
    return await users.createToken(LOAD_USER, tokenName);
  } catch (error) {
    throw new AppError(
      'CAREPOOL_LOAD_USER_FAILED',
      `the in-process server could not create its load user on every target (${isAppError(error) ? error.code : 'error'})`,
      { cause: error },
    );
  }
}
