import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
export async function readMoveState<T>(home: string, kind: MoveStateKind): Promise<(T & { at: string }) | null> {
  try {
    return JSON.parse(await readFile(moveStatePath(home, kind), 'utf8')) as T & { at: string };
  } catch {
    return null;
  }
}
