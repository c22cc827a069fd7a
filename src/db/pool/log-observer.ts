import { AppError } from '../../errors/index.js';
import type { Logger } from '../../log/logger.js';
import type { PoolObserver } from './observer.js';

/**
 * Logs what an operator must hear about a pool: leaks (warn), the circuit opening (error) and closing
 * (info), failed connects (warn, with the coded cause). Messages carry codes and hints, never secrets.
 */
export function logObserver(logger: Logger, target: string): PoolObserver {
  const log = logger.child({ target });
  return {
    leak: (info) =>
      log.warn(
        { threadId: info.threadId, heldMs: info.heldMs, label: info.label },
        'connection held longer than the leak threshold (CAREPOOL_LEAK_DETECTION_MS): a caller may never release it',
      ),
    circuit: (state, error) => {
      if (state === 'open') {
        const e = error instanceof AppError ? error : undefined;
        log.error(
          { code: e?.code, hint: e?.hint },
          `target unavailable, failing fast: ${e?.message ?? 'connects failed'}`,
        );
      } else log.info('target reachable again; circuit closed');
    },
    createFailed: (error) => {
      const e = error instanceof AppError ? error : undefined;
      log.warn({ code: e?.code }, `connect failed: ${e?.message ?? String(error)}`);
    },
  };
}
