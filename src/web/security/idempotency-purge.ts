import type { FastifyInstance } from 'fastify';
import type { TargetRegistry } from '../../db/targets.js';
import { isAppError } from '../../errors/index.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS, purgeExpired } from '../../idempotency/index.js';

/** How often expired keys are purged: a quarter of the TTL, between 10 s and 15 minutes. */
export function purgeIntervalMs(ttlMs: number): number {
  return Math.min(15 * 60_000, Math.max(10_000, Math.round(ttlMs / 4)));
}

/**
 * Sets the app's Idempotency-Key TTL and purges expired keys on every target on a timer (from the first
 * `ready`, stopped on close). Keys are also dropped at use (see idempotency/once), so an expired key never
 * replays even between purges. A purge that fails (target down) is logged and retried on the next tick.
 */
export function registerIdempotencyPurge(
  app: FastifyInstance,
  registry: TargetRegistry,
  ttlMs: number = DEFAULT_IDEMPOTENCY_TTL_MS,
): void {
  app.decorate('idempotencyTtlMs', ttlMs);
  let timer: NodeJS.Timeout | undefined;
  const purge = async () => {
    for (const target of registry.list()) {
      try {
        const n = await purgeExpired(target.sql, ttlMs);
        if (n > 0) app.log.debug({ target: target.name, purged: n }, 'expired idempotency keys purged');
      } catch (error) {
        app.log.warn(
          { target: target.name, code: isAppError(error) ? error.code : 'unknown' },
          'expired idempotency keys could not be purged',
        );
      }
    }
  };
  app.addHook('onReady', async () => {
    timer = setInterval(() => void purge(), purgeIntervalMs(ttlMs));
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}
