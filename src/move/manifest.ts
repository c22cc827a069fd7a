import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../errors/index.js';
import type { Key } from './keys.js';
import type { SnapshotInfo } from './snapshot.js';

/** One planned chunk of a copy: a key range of one table, done once its COMMIT on the destination returned. */
export interface ManifestChunk {
  readonly table: string;
  /** Exclusive lower key (null: from the first row). */
  readonly lo: Key | null;
  /** Inclusive upper key (null: to the last row). Tables without a primary key have one chunk, both null. */
  readonly hi: Key | null;
  /** Rows the source had in the range at planning time. */
  readonly rows: number;
  done: boolean;
}

/**
 * The copy manifest: what was copied from where, at which source position, and which chunks are done. It is
 * the resume point after a crash and the starting position for a later `replicate`.
 */
export interface CopyManifest {
  readonly version: 1;
  readonly from: { readonly target: string; readonly database: string; readonly server: string };
  readonly to: { readonly target: string; readonly database: string; readonly server: string };
  readonly tables: readonly string[];
  /** How pre-existing destination rows were treated. */
  readonly existing: 'empty' | 'truncate' | 'append';
  /** The source snapshot of the first run (a resumed run reads a newer snapshot; see docs/move.md). */
  readonly snapshot: SnapshotInfo;
  /** How each table's rows travelled: LOAD DATA LOCAL INFILE or multi-row INSERT. */
  readonly methods: Readonly<Record<string, 'load-data' | 'insert'>>;
  readonly chunks: ManifestChunk[];
  readonly startedAt: string;
  finishedAt: string | null;
  /** Runs that worked on this copy (1 + resumes). */
  runs: number;
}

/** The default manifest path for a copy from `from` to `to`: `<home>/move/<from>-to-<to>.json`. */
export function defaultManifestPath(home: string, from: string, to: string): string {
  return join(home, 'move', `${from}-to-${to}.json`);
}

/** Reads a manifest, or CAREPOOL_MOVE_MANIFEST_INVALID saying why it cannot be used. */
export async function readManifest(path: string): Promise<CopyManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('CAREPOOL_MOVE_MANIFEST_INVALID', `no copy manifest to resume at "${path}"`, {
      cause: error,
      meta: { path },
    });
  }
  try {
    const parsed = JSON.parse(text) as Partial<CopyManifest>;
    if (parsed.version !== 1 || !Array.isArray(parsed.chunks) || parsed.from === undefined)
      throw new Error('not a carepool copy manifest (version 1)');
    return parsed as CopyManifest;
  } catch (error) {
    throw new AppError(
      'CAREPOOL_MOVE_MANIFEST_INVALID',
      `the copy manifest "${path}" cannot be read: ${(error as Error).message}`,
      { cause: error, meta: { path } },
    );
  }
}

/**
 * Writes manifests atomically (a temporary file renamed over the old one, so a kill -9 leaves either the
 * old or the new file, never half of one) and one at a time (workers finish chunks concurrently).
 */
export class ManifestWriter {
  readonly path: string;
  #queue: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  /** Saves the manifest's current state; resolves once it is on disk. */
  save(manifest: CopyManifest): Promise<void> {
    const text = `${JSON.stringify(manifest, null, 1)}\n`;
    const next = this.#queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.path);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
