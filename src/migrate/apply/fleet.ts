import type { Target } from '../../db/targets.js';
import { type MigrateOptions, migrateTarget, type TargetResult } from './migrate-target.js';

/** Options of {@link migrateFleet}. */
export interface FleetOptions extends Omit<MigrateOptions, 'shouldStop'> {
  /** Stop the other targets (between revisions) once one fails. Default: carry on. */
  readonly stopOnError?: boolean;
}

/**
 * Runs the same plan on every target in parallel, each with its own lock, journal and result. One
 * target's failure never hides another's outcome; with `stopOnError` the others stop at the next
 * revision boundary (a revision in flight finishes, so no target is left half-applied by the stop).
 */
export async function migrateFleet(
  targets: readonly Target[],
  options: FleetOptions = {},
): Promise<TargetResult[]> {
  let failed = false;
  return Promise.all(
    targets.map(async (target) => {
      const result = await migrateTarget(target, {
        ...options,
        ...(options.stopOnError ? { shouldStop: () => failed } : {}),
      });
      if (!result.ok) failed = true;
      return result;
    }),
  );
}
