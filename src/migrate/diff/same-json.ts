/**
 * True when `a` and `b` serialise to the same JSON text (key order included): the diff's notion of
 * "unchanged". Serialising every column, index and FK of both sides was most of the diff's time on a
 * 200-table schema, so a structural walk answers first; it says equal only where the texts must be
 * equal, and leaves anything else (NaN, undefined members, class instances) to JSON.stringify.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return sameShape(a, b) || JSON.stringify(a) === JSON.stringify(b);
}

/** True only when `a` and `b` serialise alike; false means "not sure". */
function sameShape(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameShape(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype)
    return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const key = ka[i] as string;
    if (key !== kb[i]) return false;
    const va = (a as Record<string, unknown>)[key];
    // JSON.stringify leaves out undefined, functions and symbols: such objects go to it.
    if (va === undefined || typeof va === 'function' || typeof va === 'symbol') return false;
    if (!sameShape(va, (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
