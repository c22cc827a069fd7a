import type { SchemaObject } from '../../schema/objects.js';

/**
 * A change to a view, trigger, procedure or function. `replace` is for views only (CREATE OR REPLACE
 * VIEW); a changed trigger or routine is a `drop` of the old one and a `create` of the new one, because
 * MySQL has no CREATE OR REPLACE for them. `previous` is what a `replace` replaces (its inverse needs it).
 */
export interface ObjectOperation {
  readonly kind: 'object';
  readonly action: 'create' | 'replace' | 'drop';
  readonly object: SchemaObject;
  readonly previous?: SchemaObject;
}
