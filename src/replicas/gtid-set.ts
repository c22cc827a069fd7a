/**
 * GTID positions, MariaDB and MySQL, compared without a server round trip.
 *
 * - MariaDB: `domain-server-seq` per replication domain, comma-separated (`1-1-57,2-2-9`). Sequence numbers
 *   only grow within a domain (gtid_strict_mode), so position A covers B when, for every domain of B, A has
 *   a sequence number at least as high.
 * - MySQL: `uuid:1-5:7-9,uuid2:1-3` (gtid_executed); A covers B when every interval of B lies in A's.
 */
export type GtidFlavor = 'mariadb' | 'mysql';

/** True when the server at position `have` has applied every transaction of `want`. */
export function gtidCovers(flavor: GtidFlavor, have: string, want: string): boolean {
  return flavor === 'mariadb' ? mariadbCovers(have, want) : mysqlCovers(have, want);
}

/** How many transactions `have` misses of `want` (MariaDB: summed per domain; MySQL: ids not covered). */
export function gtidMissing(flavor: GtidFlavor, have: string, want: string): number {
  if (flavor === 'mariadb') {
    const h = mariadbDomains(have);
    let missing = 0;
    for (const [domain, seq] of mariadbDomains(want)) missing += Math.max(0, seq - (h.get(domain) ?? 0));
    return missing;
  }
  const h = mysqlSets(have);
  let missing = 0;
  for (const [uuid, ranges] of mysqlSets(want))
    for (const [a, b] of ranges)
      for (let n = a; n <= b && missing < 1e6; n++) if (!inRanges(h.get(uuid), n)) missing++;
  return missing;
}

/**
 * The sources of `want` (MariaDB replication domains, MySQL server UUIDs) of which `have` holds no
 * transaction at all: a replica lacking one of its primary's has never applied anything from it, i.e. it
 * replicates from another server (a lag estimate would be meaningless). Empty when none is missing.
 */
export function gtidForeignSources(flavor: GtidFlavor, have: string, want: string): string[] {
  if (flavor === 'mariadb') {
    const h = mariadbDomains(have);
    return [...mariadbDomains(want).keys()].filter((d) => !h.has(d)).map(String);
  }
  const h = mysqlSets(have);
  return [...mysqlSets(want).keys()].filter((uuid) => !h.has(uuid));
}

function mariadbDomains(position: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const part of position.split(',')) {
    const m = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (m) out.set(Number(m[1]), Math.max(out.get(Number(m[1])) ?? 0, Number(m[3])));
  }
  return out;
}

function mariadbCovers(have: string, want: string): boolean {
  const h = mariadbDomains(have);
  for (const [domain, seq] of mariadbDomains(want)) if ((h.get(domain) ?? 0) < seq) return false;
  return true;
}

function mysqlSets(set: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const part of set.replace(/\s+/g, '').split(',')) {
    const [uuid, ...ranges] = part.split(':');
    if (!uuid || ranges.length === 0) continue;
    const list = out.get(uuid.toLowerCase()) ?? [];
    for (const r of ranges) {
      const [a, b] = r.split('-').map(Number);
      if (a !== undefined && Number.isFinite(a))
        list.push([a, b !== undefined && Number.isFinite(b) ? b : a]);
    }
    out.set(uuid.toLowerCase(), list);
  }
  return out;
}

function inRanges(ranges: readonly [number, number][] | undefined, n: number): boolean {
  return (ranges ?? []).some(([a, b]) => n >= a && n <= b);
}

function mysqlCovers(have: string, want: string): boolean {
  const h = mysqlSets(have);
  for (const [uuid, ranges] of mysqlSets(want))
    for (const [a, b] of ranges) if (!(h.get(uuid) ?? []).some(([x, y]) => a >= x && b <= y)) return false;
  return true;
}
