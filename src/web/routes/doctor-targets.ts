import type { Target, TargetRegistry } from '../../db/targets.js';

/**
 * The targets a doctor request names (`?target=` a name, a comma list, `all` or nothing for all), in
 * configuration order and without repeats, so equal selections share one run. Unknown names raise
 * CAREPOOL_TARGET_UNKNOWN (404, listing the configured targets).
 */
export function doctorTargets(registry: TargetRegistry, selector: string | undefined): readonly Target[] {
  const chosen = new Set(registry.select(selector?.trim() || undefined));
  return registry.list().filter((t) => chosen.has(t));
}
