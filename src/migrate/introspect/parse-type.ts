import { DEFAULT_INT_WIDTH } from '../../erd/column-type.js';
import { type ColumnType, type IntegerKind, SPATIAL_KINDS } from '../../schema/index.js';

/** A COLUMN_TYPE this model cannot represent: the reason, for the table's "unsupported" report. */
export class UnsupportedType extends Error {}

const SIMPLE = new Set([
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'date',
  'json',
  ...SPATIAL_KINDS,
  'uuid',
  'inet4',
  'inet6',
]);

/**
 * Parses information_schema COLUMN_TYPE into a {@link ColumnType}, exactly: every type keeps its kind
 * (SET stays SET, BLOB stays BLOB, MEDIUMINT stays MEDIUMINT). Integer display widths are kept only when
 * they differ from the server's default (`int(11)` on MariaDB is `int` on MySQL 8.0.19+); `tinyint(1)` is
 * boolean. Anything else throws {@link UnsupportedType}, never a nearby type.
 */
export function parseColumnType(columnType: string, dataType: string, srid?: number): ColumnType {
  const ct = columnType.trim().toLowerCase();
  const zerofill = /\bzerofill\b/.test(ct);
  const unsigned = /\bunsigned\b/.test(ct) || zerofill;
  const sign = { ...(unsigned ? { unsigned: true } : {}), ...(zerofill ? { zerofill: true } : {}) };
  const rest = ct.replace(/\s+(unsigned|zerofill)\b/g, '');
  const int = /^(tinyint|smallint|mediumint|int|bigint)(?:\((\d+)\))?$/.exec(rest);
  if (int) {
    const kind = int[1] as IntegerKind;
    if (kind === 'tinyint' && int[2] === '1' && !unsigned) return { kind: 'boolean' };
    const width = int[2] === undefined ? undefined : Number(int[2]);
    const implied = DEFAULT_INT_WIDTH[kind][unsigned ? 1 : 0];
    return { kind, ...sign, ...(width === undefined || width === implied ? {} : { width }) };
  }
  const dec = /^decimal\((\d+),(\d+)\)$/.exec(rest);
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]), ...sign };
  const real = /^(float|double)(?:\((\d+),(\d+)\))?$/.exec(rest);
  if (real) {
    const kind = real[1] as 'float' | 'double';
    return real[2] === undefined
      ? { kind, ...sign }
      : { kind, precision: Number(real[2]), scale: Number(real[3]), ...sign };
  }
  const str = /^(varchar|char|varbinary|binary)\((\d+)\)$/.exec(rest);
  if (str) return { kind: str[1] as 'varchar' | 'char' | 'binary' | 'varbinary', length: Number(str[2]) };
  const bit = /^bit\((\d+)\)$/.exec(rest);
  if (bit) return { kind: 'bit', length: Number(bit[1]) };
  const time = /^(time|datetime|timestamp)(?:\((\d)\))?$/.exec(rest);
  if (time) {
    const kind = time[1] as 'time' | 'datetime' | 'timestamp';
    return time[2] && time[2] !== '0' ? { kind, fsp: Number(time[2]) } : { kind };
  }
  if (/^year(\(4\))?$/.test(rest)) return { kind: 'year' };
  const list = /^(enum|set)\(/.exec(rest);
  if (list && columnType.trim().endsWith(')')) {
    const kind = list[1] as 'enum' | 'set';
    return { kind, values: parseEnumValues(columnType.trim().slice(kind.length)) };
  }
  const simple = rest === 'geomcollection' ? 'geometrycollection' : rest;
  if (SIMPLE.has(simple)) {
    const kind = simple as Extract<ColumnType, { kind: 'geometry' }>['kind'];
    if (dataType.toLowerCase() === 'json' && simple !== 'json')
      throw new UnsupportedType(`type ${columnType}`);
    return srid === undefined ? ({ kind } as ColumnType) : ({ kind, srid } as ColumnType);
  }
  throw new UnsupportedType(`column type "${columnType}" is not in carepool's model`);
}

/** `('a','it''s')` → ['a', "it's"] (both servers double quotes and backslashes). */
export function parseEnumValues(list: string): string[] {
  const values: string[] = [];
  const re = /'((?:[^']|'')*)'/g;
  for (let m = re.exec(list); m !== null; m = re.exec(list))
    values.push((m[1] ?? '').replace(/''/g, "'").replace(/\\\\/g, '\\'));
  return values;
}
