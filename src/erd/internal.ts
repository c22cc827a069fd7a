import type { ErdModel } from './types.js';

/** carepool's own tables (users, tokens, audit trail, idempotency keys, …) all start with this prefix. */
export const INTERNAL_PREFIX = 'carepool_';

/** True for one of carepool's internal tables, as opposed to the clinical schema. */
export function isInternalTable(name: string): boolean {
  return name.startsWith(INTERNAL_PREFIX);
}

/**
 * The model without carepool's internal tables and the relationships that touch them: what a reader of the
 * clinical schema wants to see (the pages show this by default, with a toggle; the CLI has
 * `--include-internal`). A model with no clinical table is returned as it is, so there is still something to draw.
 */
export function withoutInternal(model: ErdModel): ErdModel {
  const entities = model.entities.filter((e) => !isInternalTable(e.name));
  if (entities.length === 0) return model;
  return {
    ...model,
    entities,
    relationships: model.relationships.filter((r) => !isInternalTable(r.child) && !isInternalTable(r.parent)),
  };
}

/** How many internal tables a model has (the pages say how many the toggle hides). */
export function internalCount(model: ErdModel): number {
  return model.entities.filter((e) => isInternalTable(e.name)).length;
}
