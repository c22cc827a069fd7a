import type { ColumnType } from '../../schema/index.js';

/**
 * Parses information_schema COLUMN_TYPE into a {@link ColumnType}, ignoring integer display widths
 * (`int(11)` on MariaDB and MySQL < 8.0.19 is `int` on MySQL 8.0.19+) and reading `tinyint(1)` as boolean
 * (MySQL keeps that one width for exactly this reason). Types carepool does not model map to the nearest
 * one (mediumint → int, blobs → text), so foreign schemas can still be read.
 */
export function parseColumnType(columnType: string, dataType: string): ColumnType {
  const ct = columnType.trim().toLowerCase();
  const unsigned = /\bunsigned\b/.test(ct);
  const intMatch = /^(tinyint|smallint|mediumint|int|integer|bigint)(?:\((\d+)\))?/.exec(ct);
  if (intMatch) {
    const base = intMatch[1];
    if (base === 'tinyint' && intMatch[2] === '1' && !unsigned) return { kind: 'boolean' };
    const kind =
      base === 'bigint'
        ? 'bigint'
        : base === 'smallint'
          ? 'smallint'
          : base === 'tinyint'
            ? 'tinyint'
            : 'int';
    return unsigned ? { kind, unsigned: true } : { kind };
  }
  const dec = /^(?:decimal|numeric)\((\d+)(?:,(\d+))?\)/.exec(ct);
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2] ?? 0) };
  const str = /^(varchar|char|varbinary|binary)\((\d+)\)/.exec(ct);
  if (str)
    return { kind: str[1] === 'char' || str[1] === 'binary' ? 'char' : 'varchar', length: Number(str[2]) };
  const time = /^(datetime|timestamp)(?:\((\d)\))?/.exec(ct);
  if (time) {
    const kind = time[1] === 'timestamp' ? 'timestamp' : 'datetime';
    return time[2] && time[2] !== '0' ? { kind, fsp: Number(time[2]) } : { kind };
  }
  if (ct.startsWith('enum(') || ct.startsWith('set('))
    return { kind: 'enum', values: parseEnumValues(columnType.slice(columnType.indexOf('('))) };
  switch (dataType.toLowerCase()) {
    case 'float':
      return { kind: 'float' };
    case 'double':
    case 'real':
      return { kind: 'double' };
    case 'date':
      return { kind: 'date' };
    case 'json':
      return { kind: 'json' };
    case 'mediumtext':
    case 'mediumblob':
      return { kind: 'mediumtext' };
    case 'longtext':
    case 'longblob':
      return { kind: 'longtext' };
    case 'bit':
    case 'year':
      return { kind: 'smallint' };
    default:
      return { kind: 'text' };
  }
}

/** `('a','it''s')` → ['a', "it's"] (values are quoted with doubled quotes by both servers). */
export function parseEnumValues(list: string): string[] {
  const values: string[] = [];
  const re = /'((?:[^']|'')*)'/g;
  for (let m = re.exec(list); m !== null; m = re.exec(list))
    values.push((m[1] ?? '').replace(/''/g, "'").replace(/\\\\/g, '\\'));
  return values;
}
