import type { TargetRegistry } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';

/** Why a target is considered down, for banners. */
export interface DownInfo {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  /** When the last failed connect happened (ms since epoch). */
  readonly since: number;
}

/**
 * Remembers, per target, whether its last connection attempt failed, by watching the pool (a failed connect
 * marks it down, a successful one or a closed circuit clears it). Pages read it to show a banner without
 * asking the database anything, so a down target never slows other targets' pages.
 */
export class TargetStatus {
  readonly #down = new Map<string, DownInfo>();
  readonly #detach: (() => void)[] = [];

  constructor(registry: TargetRegistry, now: () => number = Date.now) {
    for (const target of registry.list()) {
      const name = target.name;
      this.#detach.push(
        target.events.add({
          createFailed: (error) => {
            const e = error instanceof AppError ? error : undefined;
            this.#down.set(name, {
              code: e?.code ?? 'CAREPOOL_DB_QUERY_FAILED',
              message: e?.message ?? String(error),
              hint: e?.hint ?? '',
              since: now(),
            });
          },
          created: () => this.#down.delete(name),
          circuit: (state) => {
            if (state === 'closed') this.#down.delete(name);
          },
        }),
      );
    }
  }

  /** Why `target` is down, or undefined while it looks up. */
  down(target: string): DownInfo | undefined {
    return this.#down.get(target);
  }

  /** Stops watching the pools. */
  close(): void {
    for (const detach of this.#detach.splice(0)) detach();
  }
}
