import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RowDifference, TableStats } from './compare.js';
import type { VerifyResult } from './verify.js';

/** What the Move page shows besides copy manifests: the last verify and the last cutover. */
export type MoveStateKind = 'verify' | 'cutover';

/** Path of the last `kind` report under carepool's home. */
export function moveStatePath(home: string, kind: MoveStateKind): string {
  return join(home, 'move', `last-${kind}.json`);
}

/** Writes the last `kind` report (atomically, mode 0600); the Move page reads it. */
export async function writeMoveState(home: string, kind: MoveStateKind, value: unknown): Promise<void> {
  const path = moveStatePath(home, kind);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ at: new Date().toISOString(), ...(value as object) })}\n`, {
    mode: 0o600,
  });
  await rename(tmp, path);
}

/** The last `kind` report, or null when there is none (or it cannot be read). */
export async function readMoveState<T>(
  home: string,
  kind: MoveStateKind,
): Promise<(T & { at: string }) | null> {
  try {
    return JSON.parse(await readFile(moveStatePath(home, kind), 'utf8')) as T & { at: string };
  } catch {
    return null;
  }
}

/** `p_patients (id=5)`. */
function rowName(d: RowDifference): string {
  const key = Object.entries(d.key)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`)
    .join(', ');
  return `${d.table} (${key})`;
}

/** One line per differing row. */
export function differenceLine(d: RowDifference, from: string, to: string): string {
  switch (d.kind) {
    case 'missing':
      return `${rowName(d)}: missing on ${to}`;
    case 'extra':
      return `${rowName(d)}: extra on ${to} (not on ${from})`;
    case 'changed':
      return `${rowName(d)}: differs in ${(d.columns ?? []).join(', ') || '(no single column: row hash only)'}`;
    default: {
      const never: never = d.kind;
      return never;
    }
  }
}

/**
 * One line per table compared as an append-only log: how it was compared, and the rows only the
 * destination holds (its own entries, kept); after a sync, how many rows were appended.
 */
export function appendOnlyLines(
  tables: readonly TableStats[],
  from: string,
  to: string,
  mode: 'verify' | 'sync' | 'dry-run',
): string[] {
  return tables.flatMap((t) => {
    if (t.appendOnly === undefined) return [];
    const kept = `${t.appendOnly.destinationOnly} row(s) only on ${to}: its own entries, kept`;
    return [
      mode === 'verify'
        ? `${t.table}: append-only log, compared by content (each server numbers its own rows; a missing row is named by its id on ${from}); ${kept}`
        : `${t.table}: append-only log, ${t.differences} row(s) of ${from} ${mode === 'sync' ? 'appended' : 'to append'} under ${to}'s own ids; ${kept}`,
    ];
  });
}

/** Records a verify run for the Move page: counts per table and the first 200 findings (keys, no values). */
export function recordVerify(home: string, result: VerifyResult): Promise<void> {
  return writeMoveState(home, 'verify', {
    from: result.from,
    to: result.to,
    identical: result.identical,
    differenceCount: result.differenceCount,
    rowsPerSecond: result.rowsPerSecond,
    ms: result.ms,
    tables: result.tables,
    findings: [
      ...appendOnlyLines(result.tables, result.from, result.to, 'verify'),
      ...result.differences.slice(0, 200).map((d) => differenceLine(d, result.from, result.to)),
    ],
  });
}
