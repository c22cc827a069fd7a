import { CHARACTER_KINDS, type Column, type ColumnType, SPATIAL_KINDS } from '../../schema/index.js';

/** Integer ranges as [bits, signed]; boolean is TINYINT(1). */
const INT_BITS: Readonly<Record<string, number>> = {
  boolean: 8,
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  bigint: 64,
  year: 8,
};

/** Maximum bytes of the string, TEXT and BLOB kinds (a CHAR/VARCHAR length is in characters). */
const LOB_BYTES: Readonly<Record<string, number>> = {
  tinytext: 255,
  text: 65_535,
  mediumtext: 16_777_215,
  longtext: 4_294_967_295,
  tinyblob: 255,
  blob: 65_535,
  mediumblob: 16_777_215,
  longblob: 4_294_967_295,
  json: 4_294_967_295,
};

/** Character kinds and JSON: values that are text. */
const TEXTUAL = new Set([...CHARACTER_KINDS, 'json']);
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
const SPATIAL = new Set<string>(SPATIAL_KINDS);

/** Character sets every value of which the target character set can hold. */
const WIDENS_TO: Readonly<Record<string, readonly string[]>> = {
  utf8mb4: ['ascii', 'latin1', 'utf8mb3', 'utf8', 'utf8mb4'],
  utf8mb3: ['ascii', 'utf8mb3', 'utf8'],
  latin1: ['ascii', 'latin1'],
};

function signedRange(t: ColumnType): [bigint, bigint] | null {
  const bits = INT_BITS[t.kind];
  if (bits === undefined) return null;
  if (t.kind === 'year') return [1901n, 2155n];
  const unsigned = 'unsigned' in t && Boolean(t.unsigned);
  const n = BigInt(bits);
  return unsigned ? [0n, (1n << n) - 1n] : [-(1n << (n - 1n)), (1n << (n - 1n)) - 1n];
}

/** Capacity of a string-like type in bytes (CHAR/VARCHAR at `perChar` bytes per character). */
function capacity(t: ColumnType, perChar: number): number | null {
  if (t.kind === 'char' || t.kind === 'varchar') return t.length * perChar;
  if (t.kind === 'binary' || t.kind === 'varbinary') return t.length;
  return LOB_BYTES[t.kind] ?? null;
}

/**
 * Why changing column `from` into `to` may lose or alter stored data, or null when every value survives.
 * Right for every type family: integer range and signedness, DECIMAL digits, FLOAT/DOUBLE, string and BLOB
 * capacity, text <-> binary (bytes reinterpreted), character set conversions that cannot hold every
 * character, ENUM/SET member removal (reordering keeps values: the server maps by string), temporal
 * precision and range, spatial narrowing (GEOMETRY -> POINT), JSON from text (values must parse).
 * NOT NULL changes are data-dependent and checked against the live rows elsewhere.
 */
export function columnChangeLoss(table: string, from: Column, to: Column): string | null {
  const where = `${table}.${from.name}`;
  const a = from.type;
  const b = to.type;
  const csA = from.charset ?? from.collation?.split('_')[0];
  const csB = to.charset ?? to.collation?.split('_')[0];
  if (TEXTUAL.has(a.kind) && TEXTUAL.has(b.kind) && csA !== csB && b.kind !== 'json') {
    const target = csB ?? 'utf8mb4';
    if (!(WIDENS_TO[target] ?? [target]).includes(csA ?? 'utf8mb4'))
      return `converts ${where} from character set ${csA ?? '(table default)'} to ${csB ?? '(table default)'}: characters may be lost`;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  const range = [signedRange(a), signedRange(b)];
  if (range[0] && range[1]) {
    const [ra, rb] = range as [[bigint, bigint], [bigint, bigint]];
    return rb[0] <= ra[0] && rb[1] >= ra[1] ? null : `narrows the range of ${where} (${a.kind} → ${b.kind})`;
  }
  if (a.kind === 'decimal' && b.kind === 'decimal') {
    return b.scale < a.scale || b.precision - b.scale < a.precision - a.scale || (!a.unsigned && b.unsigned)
      ? `narrows ${where} (DECIMAL(${a.precision},${a.scale}) → DECIMAL(${b.precision},${b.scale}))`
      : null;
  }
  if ((a.kind === 'float' || a.kind === 'double') && (b.kind === 'float' || b.kind === 'double')) {
    return a.kind === 'double' && b.kind === 'float'
      ? `reduces the precision of ${where} (DOUBLE → FLOAT)`
      : null;
  }
  if ((TEXTUAL.has(a.kind) && BINARY.has(b.kind)) || (BINARY.has(a.kind) && TEXTUAL.has(b.kind))) {
    return `reinterprets ${where} between text and binary (${a.kind} → ${b.kind})`;
  }
  if ((a.kind === 'enum' || a.kind === 'set') && (b.kind === 'enum' || b.kind === 'set')) {
    const lost = a.values.filter((v) => !b.values.includes(v));
    if (a.kind !== b.kind) return `changes ${where} from ${a.kind.toUpperCase()} to ${b.kind.toUpperCase()}`;
    return lost.length > 0
      ? `removes ${a.kind.toUpperCase()} members ${lost.join(', ')} from ${where}`
      : null;
  }
  if (b.kind === 'json') return `requires every value of ${where} to be valid JSON (${a.kind} → json)`;
  const perChar = 4;
  const capA = capacity(a, perChar);
  const capB = capacity(b, perChar);
  if (capA !== null && capB !== null && (TEXTUAL.has(a.kind) || BINARY.has(a.kind) || a.kind === 'json')) {
    const sameFamily = TEXTUAL.has(a.kind) === TEXTUAL.has(b.kind);
    if (sameFamily) {
      if ((a.kind === 'char' || a.kind === 'varchar') && (b.kind === 'char' || b.kind === 'varchar'))
        return b.length < a.length ? `narrows ${where} from ${a.length} to ${b.length} characters` : null;
      if ((a.kind === 'binary' || a.kind === 'varbinary') && (b.kind === 'binary' || b.kind === 'varbinary'))
        return b.length < a.length || (b.kind === 'binary' && a.kind === 'varbinary')
          ? `narrows or pads ${where} (${a.kind}(${a.length}) → ${b.kind}(${b.length}))`
          : null;
      return capB < capA ? `narrows ${where} (${a.kind} → ${b.kind})` : null;
    }
  }
  if ((a.kind === 'datetime' || a.kind === 'timestamp' || a.kind === 'time') && a.kind === b.kind) {
    return (b.fsp ?? 0) < (a.fsp ?? 0) ? `reduces the fractional seconds of ${where}` : null;
  }
  if (a.kind === 'date' && (b.kind === 'datetime' || b.kind === 'timestamp') && b.kind === 'datetime')
    return null;
  if (a.kind === 'bit' && b.kind === 'bit') return b.length < a.length ? `narrows ${where} (BIT)` : null;
  if (SPATIAL.has(a.kind) && SPATIAL.has(b.kind)) {
    // Same kind, another SRID: no value changes (MariaDB records REF_SYSTEM_ID only; MySQL refuses the
    // ALTER when a row has another SRID), so nothing can be lost.
    return b.kind === 'geometry' || b.kind === a.kind
      ? null
      : `narrows ${where} from ${a.kind.toUpperCase()} to ${b.kind.toUpperCase()}`;
  }
  return `changes the type of ${where} (${a.kind} → ${b.kind})`;
}
