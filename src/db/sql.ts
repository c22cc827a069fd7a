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

/** Valid unquoted-able MySQL identifier for carepool objects (tables, columns, indexes, users). */
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

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

/** A back-quoted identifier; throws on anything that is not a plain identifier. */
sql.ident = (name: string): SqlQuery => {
  if (!IDENT.test(name)) throw new TypeError(`not a valid SQL identifier: ${JSON.stringify(name)}`);
  return make(`\`${name}\``, []);
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

/** True when `name` is a plain identifier {@link sql.ident} accepts. */
export function isIdent(name: string): boolean {
  return IDENT.test(name);
}
