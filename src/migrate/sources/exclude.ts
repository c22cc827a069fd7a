import { AppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';

/**
 * Parses `--exclude` patterns: comma-separated names where `*` matches any run of characters and `?` one
 * (`audit_*,tmp_?`), matched against whole table and object names, case-sensitively as the server stores
 * them on Linux.
 */
export function parseExclude(value: string | undefined): RegExp[] {
  if (value === undefined) return [];
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new AppError(
      'CAREPOOL_USAGE',
      '--exclude needs at least one name or pattern (e.g. --exclude "audit_*,tmp")',
    );
  return parts.map(
    (p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replaceAll('*', '.*')
          .replaceAll('?', '.')}$`,
      ),
  );
}

/**
 * `schema` without the tables and objects `patterns` name (and without the triggers of excluded tables):
 * what a user leaves out of a comparison, e.g. the partitioned or system-versioned tables carepool refuses
 * to model, which would otherwise stop every diff that touches the schema.
 */
export function excludeNames(schema: Schema, patterns: readonly RegExp[]): Schema {
  if (patterns.length === 0) return schema;
  const out = (name: string) => patterns.some((p) => p.test(name));
  return {
    ...schema,
    tables: schema.tables.filter((t) => !out(t.name)),
    ...(schema.objects
      ? { objects: schema.objects.filter((o) => !out(o.name) && !(o.table !== undefined && out(o.table))) }
      : {}),
  };
}
