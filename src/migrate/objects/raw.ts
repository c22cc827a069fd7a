import { type ObjectKind, objectKey, type SchemaObject } from '../../schema/objects.js';
import type { Schema } from '../../schema/index.js';
import type { Operation } from '../ops/operation.js';
import { EVENTS_NOT_MODELLED, hiddenKindsName } from './introspect.js';

/** A view, trigger or routine a raw `op.sql` statement creates or drops (named from the statement's head). */
export interface RawObjectStatement {
  readonly action: 'create' | 'drop';
  readonly kind: ObjectKind;
  readonly name: string;
}

// Only the head of the statement is read (not a parser of bodies): CREATE [OR REPLACE] [ALGORITHM=…]
// [DEFINER=…] [SQL SECURITY …] [AGGREGATE] VIEW|TRIGGER|PROCEDURE|FUNCTION [IF NOT EXISTS] name, or DROP … [IF EXISTS] name.
const HEAD =
  /^\s*(CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:DEFINER\s*=\s*(?:`[^`]*`|'[^']*'|[^\s@]+)(?:@(?:`[^`]*`|'[^']*'|\S+))?\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?(?:AGGREGATE\s+)?(VIEW|TRIGGER|PROCEDURE|FUNCTION)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:`(?:[^`]|``)+`|\w+)(?:\s*\.\s*(?:`(?:[^`]|``)+`|\w+))?)/i;

const unquote = (name: string): string => {
  const last = name.split(/\s*\.\s*(?=`|\w)/).at(-1) ?? name;
  return last.startsWith('`') ? last.slice(1, -1).replaceAll('``', '`') : last;
};

/** The object a raw SQL statement creates or drops, or null when it is not such a statement. */
export function rawObjectStatement(text: string): RawObjectStatement | null {
  const m = HEAD.exec(text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, ''));
  if (!m?.[1] || !m[2] || !m[3]) return null;
  return {
    action: m[1].toUpperCase() === 'CREATE' ? 'create' : 'drop',
    kind: m[2].toLowerCase() as ObjectKind,
    name: unquote(m[3]),
  };
}

/**
 * The views, triggers and routines that raw `op.sql` steps of `revisions` (their `up` operations, in
 * order) leave in place, as `kind:name` keys with the revision that made each. The chain replayed in memory
 * cannot know their definitions (carepool does not parse SQL), so they are reported as not compared,
 * never taken as absent.
 */
export function rawObjectsOf(
  revisions: readonly { readonly id: string; readonly up: readonly Operation[] }[],
): Map<string, string> {
  const made = new Map<string, string>();
  for (const rev of revisions)
    for (const op of rev.up) {
      if (op.kind === 'object') {
        made.delete(objectKey(op.object));
        continue;
      }
      if (op.kind !== 'sql') continue;
      const raw = rawObjectStatement(op.up);
      if (!raw) continue;
      if (raw.action === 'create') made.set(objectKey(raw), rev.id);
      else made.delete(objectKey(raw));
    }
  return made;
}

const label = (o: Pick<SchemaObject, 'kind' | 'name' | 'table'>) =>
  `${o.kind} ${o.name}${o.table ? ` on ${o.table}` : ''}`;

/**
 * The objects a comparison of `a` with `b` leaves out, each with the reason, so a caller never reports
 * "same schema" over them silently: objects of one side when the other does not track objects at all
 * (the built-in models, a chain that never created one with an object operation), objects a raw
 * `op.sql` step made (`raw`, from {@link rawObjectsOf}), and events (not modelled).
 */
export function objectsNotCompared(
  a: { readonly label: string; readonly schema: Schema; readonly raw?: ReadonlyMap<string, string> },
  b: { readonly label: string; readonly schema: Schema; readonly raw?: ReadonlyMap<string, string> },
): string[] {
  const out: string[] = [];
  for (const [side, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (side.schema.objects !== undefined || !other.schema.objects?.length) continue;
    for (const o of other.schema.objects)
      out.push(
        `${label(o)} (in ${other.label}) not compared: ${side.label} does not track views, triggers or routines${
          side.raw?.has(objectKey(o)) ? `; a raw op.sql step of ${side.raw.get(objectKey(o))} creates it` : ''
        }`,
      );
  }
  // Kinds a side could not list are named when the other side tracks objects (else nothing is compared).
  for (const [side, other] of [
    [a, b],
    [b, a],
  ] as const)
    if (side.schema.hiddenObjects && other.schema.objects !== undefined)
      out.push(
        `${hiddenKindsName(side.schema.hiddenObjects)} of ${side.label} not compared: ${side.schema.hiddenObjects.reason}`,
      );
  for (const side of [a, b])
    for (const name of side.schema.events ?? [])
      out.push(`event ${name} (in ${side.label}) not compared: ${EVENTS_NOT_MODELLED}`);
  for (const side of [a, b])
    for (const [key, rev] of side.raw ?? [])
      if (!out.some((line) => line.includes(`${key.replace(':', ' ')} `)))
        out.push(
          `${key.replace(':', ' ')} not compared: made by a raw op.sql step of ${rev} in ${side.label}`,
        );
  return out;
}

/**
 * `schema` without the views, triggers and routines in `raw` (from {@link rawObjectsOf}): a comparison
 * with a chain that tracks objects must leave out the ones its raw `op.sql` steps made, on both sides, as
 * {@link objectsNotCompared} says it does. Without this, the live copies of those objects (the audit
 * triggers of 0003_security) read as drift and a diff script would drop them.
 */
export function withoutRawObjects(schema: Schema, raw: ReadonlyMap<string, string> | undefined): Schema {
  if (!raw?.size || !schema.objects) return schema;
  return { ...schema, objects: schema.objects.filter((o) => !raw.has(objectKey(o))) };
}
