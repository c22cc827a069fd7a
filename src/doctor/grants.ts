/** Privileges of one account on one database, read from SHOW GRANTS. */
export interface DatabasePrivileges {
  /** Upper-case privilege names that apply to the database (global, database-level; ALL expanded to `ALL`). */
  readonly privileges: ReadonlySet<string>;
  /** True when the account can grant privileges to others. */
  readonly grantOption: boolean;
}

/** DML the application needs on its database. */
export const DML_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/** Privileges that change the schema (least privilege: only the migrator should hold them). */
export const DDL_PRIVILEGES = [
  'CREATE',
  'ALTER',
  'DROP',
  'INDEX',
  'REFERENCES',
  'CREATE VIEW',
  'TRIGGER',
] as const;

const GRANT = /^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE)\s+)?(\S+)\s+TO\s+/i;

/**
 * Parses SHOW GRANTS lines into the privileges that apply to `database`. Only the privilege list and scope
 * are read; the rest of the line (which on MariaDB and MySQL 5.7 includes the password hash) is dropped and
 * must never be printed. Role grants (`GRANT role TO user`) are ignored: a role's privileges are not listed.
 */
export function privilegesOn(grantLines: readonly string[], database: string): DatabasePrivileges {
  const privileges = new Set<string>();
  let grantOption = false;
  for (const line of grantLines) {
    const m = GRANT.exec(line.trim());
    if (!m) continue;
    const scope = (m[2] ?? '').replace(/`/g, '');
    const [db = '', table = '*'] = scope.split('.');
    if (table !== '*' || !(db === '*' || matchesDatabase(db, database))) continue;
    for (const raw of (m[1] ?? '').split(',')) {
      const p = raw
        .trim()
        .replace(/\s*\(.*\)$/, '')
        .toUpperCase();
      if (p === 'ALL' || p === 'ALL PRIVILEGES') privileges.add('ALL');
      else if (p !== '' && p !== 'USAGE') privileges.add(p);
    }
    if (/WITH GRANT OPTION\s*$/i.test(line)) grantOption = true;
  }
  return { privileges, grantOption };
}

/** True when the privileges include `privilege` (directly or through ALL). */
export function has(p: DatabasePrivileges, privilege: string): boolean {
  return p.privileges.has('ALL') || p.privileges.has(privilege);
}

/** Database names in GRANTs may be LIKE patterns (`clinic\_%`); `\_` and `\%` are literal. */
function matchesDatabase(pattern: string, database: string): boolean {
  if (!/(^|[^\\])[%_]/.test(pattern)) return pattern.replace(/\\([_%])/g, '$1') === database;
  const regex = pattern
    .split(/(\\[_%]|[%_])/)
    .map((part) =>
      part === '%'
        ? '.*'
        : part === '_'
          ? '.'
          : part.startsWith('\\')
            ? escapeRegex(part.slice(1))
            : escapeRegex(part),
    )
    .join('');
  return new RegExp(`^${regex}$`).test(database);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
