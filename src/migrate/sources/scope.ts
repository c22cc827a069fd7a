import { AppError } from '../../errors/index.js';
import { quoteName } from '../objects/quote.js';

/** Comments and blanks before a statement's first word (not `/*!…*\/`, which the server executes). */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*(?!!)[\s\S]*?\*\/)*/;
const NAME = String.raw`(\`(?:[^\`]|\`\`)+\`|[\w$]+)`;
const USE = new RegExp(String.raw`^USE\s+${NAME}\s*$`, 'i');
const CREATE = new RegExp(
  String.raw`^CREATE\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}([\s\S]*)$`,
  'i',
);
const DROP = new RegExp(String.raw`^DROP\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+EXISTS\s+)?${NAME}\s*$`, 'i');
const ALTER = new RegExp(String.raw`^ALTER\s+(?:DATABASE|SCHEMA)\s+${NAME}([\s\S]*)$`, 'i');

const unquote = (name: string): string =>
  name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name;

/**
 * Points a .sql source at the workspace it is loaded into. Dumps and sample schemas (Sakila's own file,
 * `mysqldump --databases`) start with `DROP SCHEMA x; CREATE SCHEMA x; USE x;`: run as written they would
 * build the schema in another database of the workspace's server (or drop one), and the workspace would
 * read back empty. So `USE x` and `DROP DATABASE x` are left out, and `CREATE DATABASE x <options>` /
 * `ALTER DATABASE x <options>` become `ALTER DATABASE <workspace> <options>` (the database's default
 * character set decides the tables' defaults). Only these statement shapes are recognised (the server
 * still parses everything); a script naming two databases is refused with CAREPOOL_SCHEMA_SQL_MANY_DATABASES.
 */
export function scopeToWorkspace(
  statements: readonly string[],
  workspace: string,
  file: string,
  onNote?: (message: string) => void,
): string[] {
  const named = new Set<string>();
  const out: string[] = [];
  for (const statement of statements) {
    const body = statement.replace(LEADING, '');
    const use = USE.exec(body);
    const drop = DROP.exec(body);
    const create = CREATE.exec(body) ?? ALTER.exec(body);
    const name = use?.[1] ?? drop?.[1] ?? create?.[1];
    if (name === undefined) {
      out.push(statement);
      continue;
    }
    named.add(unquote(name));
    const options = create?.[2]?.trim();
    if (options) out.push(`ALTER DATABASE ${quoteName(workspace)} ${options}`);
  }
  if (named.size > 1)
    throw new AppError(
      'CAREPOOL_SCHEMA_SQL_MANY_DATABASES',
      `${file} names ${named.size} databases (${[...named].join(', ')}); a schema source is one database`,
    );
  const [only] = named;
  if (only === undefined) return out;
  onNote?.(
    `${file}: its USE/CREATE/DROP DATABASE of \`${only}\` and names qualified with it apply to the scratch database standing in for it`,
  );
  return out.map((statement) => requalify(statement, only, workspace));
}

/**
 * `statement` with every `db.` / `` `db`. `` qualifier of the script's own database `db` pointing at the
 * workspace instead (Sakila's own file has `FROM sakila.actor` in a view: loaded as written, the view
 * names a database that does not exist there, or worse, another one). Only code is rewritten: string
 * literals and comments are copied as they are, but the server-executed `/*!…*\/` comments are code.
 * A table named like its own database and used as a qualifier (`sakila.column`) would be rewritten too.
 */
export function requalify(statement: string, db: string, workspace: string): string {
  const target = `${quoteName(workspace)}.`;
  return mapQualifiers(statement, (name) => (name === db ? target : undefined));
}

/**
 * The databases of `existing` (compared case-insensitively) that `statement` qualifies a name with
 * (`db.t`, `` `db`.t ``), outside string literals and comments, as {@link requalify} finds them.
 */
export function qualifiersIn(statement: string, existing: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  mapQualifiers(statement, (name) => {
    if (existing.has(name.toLowerCase())) found.add(name);
    return undefined;
  });
  return [...found];
}

/**
 * `statement` with each qualifier `db.` for which `replace(db)` gives a text replaced by it (the dot
 * included); string literals and comments are copied as they are, `/*!…*\/` comments are code.
 */
function mapQualifiers(statement: string, replace: (db: string) => string | undefined): string {
  let out = '';
  let i = 0;
  const n = statement.length;
  while (i < n) {
    const c = statement[i] as string;
    const next = statement[i + 1];
    let end = i + 1;
    if (c === "'" || c === '"') {
      while (end < n && statement[end] !== c) end += statement[end] === '\\' ? 2 : 1;
      end = Math.min(n, end + 1);
    } else if ((c === '-' && next === '-' && /[\s]|$/.test(statement[i + 2] ?? '')) || c === '#') {
      while (end < n && statement[end] !== '\n') end++;
    } else if (c === '/' && next === '*' && statement[i + 2] !== '!') {
      const close = statement.indexOf('*/', i + 2);
      end = close < 0 ? n : close + 2;
    } else if (c === '`') {
      while (end < n && !(statement[end] === '`' && statement[end + 1] !== '`'))
        end += statement[end] === '`' ? 2 : 1;
      end = Math.min(n, end + 1);
      const by = statement[end] === '.' ? replace(unquote(statement.slice(i, end))) : undefined;
      if (by !== undefined) {
        out += by;
        i = end + 1;
        continue;
      }
    } else if (/[\w$]/.test(c) && !/[\w$.@`]/.test(statement[i - 1] ?? ' ')) {
      while (end < n && /[\w$]/.test(statement[end] as string)) end++;
      const by = statement[end] === '.' ? replace(statement.slice(i, end)) : undefined;
      if (by !== undefined) {
        out += by;
        i = end + 1;
        continue;
      }
    }
    out += statement.slice(i, end);
    i = end;
  }
  return out;
}

/**
 * Refuses (CAREPOOL_SCHEMA_SQL_OTHER_DATABASE) a script that qualifies a name with a database existing on
 * the workspace's server (`databases`: every one but the workspace and information_schema). Loaded as
 * written, `CREATE TABLE clinic.x`, `DROP TABLE clinic.patients` or `RENAME TABLE t TO clinic.t` would
 * change that live database, under a command that only reads. Nothing has run when this throws.
 */
export function refuseOtherDatabases(
  statements: readonly string[],
  databases: readonly string[],
  file: string,
): void {
  const existing = new Set(databases.map((d) => d.toLowerCase()));
  for (const [i, statement] of statements.entries()) {
    const named = qualifiersIn(statement, existing);
    if (named.length > 0)
      throw new AppError(
        'CAREPOOL_SCHEMA_SQL_OTHER_DATABASE',
        `${file}: statement ${i + 1} names the database ${named.map((d) => `\`${d}\``).join(', ')} of the server the source is loaded on (${statement.split('\n')[0]?.slice(0, 120)}); it was not run`,
        { meta: { statement: i + 1, databases: named } },
      );
  }
}
