import { AppError } from '../../errors/index.js';
import type { PoolStats } from './pool-options.js';

/** CAREPOOL_DB_POOL_TIMEOUT: the caller waited the whole acquire timeout (HikariCP's message, with the gauges). */
export function poolTimeoutError(s: PoolStats, acquireTimeoutMs: number, waitedMs: number): AppError {
  return new AppError(
    'CAREPOOL_DB_POOL_TIMEOUT',
    `target "${s.name}": no connection became free within ${acquireTimeoutMs} ms (waited ${waitedMs} ms; total=${s.total}, active=${s.active}, idle=${s.idle}, waiting=${s.waiting}, max=${s.max})`,
    { meta: { target: s.name, acquireTimeoutMs, retryAfterS: 1 } },
  );
}

/** CAREPOOL_DB_UNAVAILABLE: the circuit is open; carries the last connect error's hint. */
export function poolUnavailableError(
  name: string,
  cause: AppError | undefined,
  cooldownMs: number,
): AppError {
  return new AppError(
    'CAREPOOL_DB_UNAVAILABLE',
    `target "${name}" is unavailable: ${cause?.message ?? 'recent connects failed'}`,
    {
      meta: {
        target: name,
        retryAfterS: Math.max(1, Math.ceil(cooldownMs / 1000)),
        cause: cause?.code ?? null,
      },
      cause,
      ...(cause ? { hint: cause.hint } : {}),
    },
  );
}

/** CAREPOOL_DB_POOL_SATURATED: refused at once, the queue could not serve the caller in time. */
export function poolSaturatedError(s: PoolStats, holdMs: number, acquireTimeoutMs: number): AppError {
  return new AppError(
    'CAREPOOL_DB_POOL_SATURATED',
    `target "${s.name}": ${s.waiting} callers already wait for ${s.max} connections (held ~${Math.round(holdMs)} ms each); a new one could not be served within the acquire timeout of ${acquireTimeoutMs} ms`,
    { meta: { target: s.name, waiting: s.waiting, max: s.max, retryAfterS: 1 } },
  );
}

/** CAREPOOL_DB_POOL_CLOSED: the process is shutting down. */
export function poolClosedError(name: string): AppError {
  return new AppError('CAREPOOL_DB_POOL_CLOSED', `target "${name}": the pool is closed`, {
    meta: { target: name },
  });
}
