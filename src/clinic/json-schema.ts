import type { Table } from '../schema/index.js';
import { type FieldSpec, fieldsOf } from './fields.js';

/** A JSON Schema object (the subset carepool emits). */
export type JsonSchema = { readonly [key: string]: unknown };

/** JSON Schema of one writable field, as the API accepts it. */
export function fieldSchema(field: FieldSpec): JsonSchema {
  const nullable = (type: string) => (field.nullable ? [type, 'null'] : type);
  const doc = { description: field.label };
  switch (field.kind) {
    case 'string':
      return {
        ...doc,
        type: nullable('string'),
        ...(field.nullable ? {} : { minLength: 1 }),
        ...(field.maxLength === undefined ? {} : { maxLength: field.maxLength }),
        // An empty string means NULL for a nullable column (as in forms), so the pattern must let it through.
        ...(field.pattern
          ? { pattern: field.nullable ? `^$|${field.pattern.source}` : field.pattern.source }
          : {}),
      };
    case 'enum':
      return {
        ...doc,
        type: nullable('string'),
        enum: [...(field.values ?? []), ...(field.nullable ? [null] : [])],
      };
    case 'date':
      return { ...doc, type: nullable('string'), format: 'date', examples: ['1984-03-12'] };
    case 'datetime':
      return { ...doc, type: nullable('string'), examples: ['2025-05-01 09:30'] };
    case 'int':
      return { ...doc, type: nullable('integer') };
    case 'boolean':
      return { ...doc, type: nullable('boolean') };
  }
}

/** Body schema for creating (`partial: false`) or patching (`partial: true`) a row of `table`. */
export function inputSchema(table: Table, partial: boolean): JsonSchema {
  const fields = fieldsOf(table);
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    ...(partial ? { minProperties: 1 } : required.length > 0 ? { required } : {}),
  };
}

/** Response schema of a stored row of `table` (every column, NULL-able ones as `null`). */
export function rowSchema(table: Table): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const c of table.columns) {
    const k = c.type.kind;
    const type =
      k === 'int' || k === 'smallint' || k === 'tinyint'
        ? 'integer'
        : k === 'boolean'
          ? 'boolean'
          : k === 'float' || k === 'double'
            ? 'number'
            : 'string';
    // No `format: date` here: the serializer would turn a NULL date into "".
    properties[c.name] = {
      type: c.nullable ? [type, 'null'] : type,
      ...(k === 'date' ? { examples: ['2024-01-31'] } : {}),
    };
  }
  return {
    type: 'object',
    properties,
    required: table.columns.filter((c) => !c.nullable).map((c) => c.name),
  };
}
