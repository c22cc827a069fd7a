import type { SqlQuery } from '../db/sql.js';
import { type MoveTable, storedColumns } from './catalog.js';
import { columnTexts, rowHashes } from './checksum.js';
import type { RowDifference, TablePair } from './compare.js';
import { type Key, keyText } from './keys.js';
import type { MoveSession } from './session.js';

/**
 * The differing rows among those matching `where` (built per side: one statement per side): keys only on
 * one side, and for keys on both, the columns that differ (their framed texts compared, never with SQL `=`).
 */
export async function rowDiff(
  a: MoveSession,
  b: MoveSession,
  pair: TablePair,
  where: (table: MoveTable) => SqlQuery,
): Promise<RowDifference[]> {
  const table = pair.a;
  const [ra, rb] = await Promise.all([rowHashes(a, pair.a, where(pair.a)), rowHashes(b, pair.b, where(pair.b))]);
  const inB = new Map(rb.map((r) => [keyText(r.key), r]));
  const inA = new Set(ra.map((r) => keyText(r.key)));
  const named = (key: Key) => Object.fromEntries(table.primaryKey.map((c, i) => [c, key[i]]));
  const out: RowDifference[] = [];
  const changed: Key[] = [];
  for (const r of ra) {
    const other = inB.get(keyText(r.key));
    if (other === undefined)
      out.push({ table: table.name, kind: 'missing', key: named(r.key), keyParts: r.key });
    else if (other.hash !== r.hash) changed.push(r.key);
  }
  for (const r of rb) {
    if (!inA.has(keyText(r.key)))
      out.push({ table: table.name, kind: 'extra', key: named(r.key), keyParts: r.key });
  }
  if (changed.length > 0) {
    const [ta, tb] = await Promise.all([columnTexts(a, pair.a, changed), columnTexts(b, pair.b, changed)]);
    const cols = storedColumns(table);
    for (const key of changed) {
      const va = ta.get(keyText(key));
      const vb = tb.get(keyText(key));
      const columns = cols
        .filter((_c, i) => {
          const x = va?.[`carepool_c${i}`] ?? null;
          const y = vb?.[`carepool_c${i}`] ?? null;
          return x === null || y === null ? x !== y : String(x) !== String(y);
        })
        .map((c) => c.name);
      out.push({ table: table.name, kind: 'changed', key: named(key), keyParts: key, columns });
    }
  }
  return out;
}
