/**
 * Branded SQL: the only ways to make a {@link SqlQuery} are the `sql` tag (values become `?` parameters),
 * `sql.ident` (a validated, back-quoted identifier) and `sql.raw` (text produced by carepool's own renderer).
 * User input can therefore never be concatenated into statement text.
 */
const BRAND: unique symbol = Symbol('SqlQuery');

/** A statement (or fragment) with `?` placeholders and its values. */
export interface SqlQuery {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly [BRAND]: true;
}

const make = (text: string, values: readonly unknown[]): SqlQuery => ({ text, values, [BRAND]: true });

function isSqlQuery(value: unknown): value is SqlQuery {
  return typeof value === 'object' && value !== null && (value as Partial<SqlQuery>)[BRAND] === true;
}

/**
 * Why the server would refuse `name` as a quoted identifier, or undefined when it is one: at most 64
 * characters, not empty, not ending in a space, no U+0000, Basic Multilingual Plane characters only
 * (MySQL and MariaDB). Anything else — spaces, `-`, a leading digit, non-ASCII letters, backticks — is a
 * valid name once back-quoted with backticks doubled.
 */
export function identifierProblem(name: string): string | undefined {
  const chars = [...name];
  if (chars.length === 0) return 'it is empty';
  if (chars.length > 64) return `it has ${chars.length} characters (at most 64)`;
  if (name.endsWith(' ')) return 'it ends with a space';
  if (name.includes('\u0000')) return 'it contains U+0000';
  if (chars.some((c) => (c.codePointAt(0) ?? 0) > 0xffff))
    return 'it contains a character beyond the Basic Multilingual Plane';
  return undefined;
}

/** `name` back-quoted, backticks doubled (the one way carepool quotes identifiers); check it first. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Tagged template: interpolated values become parameters; nested `sql` fragments are spliced in. */
export function sql(strings: TemplateStringsArray, ...args: readonly unknown[]): SqlQuery {
  let text = strings[0] ?? '';
  const values: unknown[] = [];
  args.forEach((arg, i) => {
    if (isSqlQuery(arg)) {
      text += arg.text;
      values.push(...arg.values);
    } else {
      text += '?';
      values.push(arg);
    }
    text += strings[i + 1] ?? '';
  });
  return make(text, values);
}

/** A back-quoted identifier (backticks doubled); throws on a name the server could not hold ({@link identifierProblem}). */
sql.ident = (name: string): SqlQuery => {
  const problem = identifierProblem(name);
  if (problem) throw new TypeError(`not a valid SQL identifier: ${JSON.stringify(name)} (${problem})`);
  return make(quoteIdentifier(name), []);
};

/** Trusted text from carepool's renderer (DDL). Never pass user input here. */
sql.raw = (text: string): SqlQuery => make(text, []);

/** Joins fragments with a separator (default `, `). */
sql.join = (parts: readonly SqlQuery[], separator = ', '): SqlQuery =>
  make(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.values),
  );

/**
 * A multi-row VALUES list: `(?, ?), (?, ?)` with the rows' values as parameters. Used for batched inserts.
 */
sql.rows = (rows: readonly (readonly unknown[])[]): SqlQuery => {
  const width = rows[0]?.length ?? 0;
  if (width === 0 || rows.some((r) => r.length !== width))
    throw new TypeError('sql.rows needs rows of equal, non-zero width');
  const tuple = `(${'?, '.repeat(width - 1)}?)`;
  const values: unknown[] = [];
  for (const row of rows) for (const v of row) values.push(v);
  return make(Array(rows.length).fill(tuple).join(', '), values);
};

/** True when `name` is an identifier {@link sql.ident} accepts. */
export function isIdent(name: string): boolean {
  return identifierProblem(name) === undefined;
}
