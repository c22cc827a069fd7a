import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '../../errors/index.js';
import { schemasEqual } from '../diff/diff-schemas.js';
import { applyOps, EMPTY_SCHEMA } from '../ops/apply-ops.js';
import { type Draft, ops } from '../ops/op-builder.js';
import type { Operation } from '../ops/operation.js';
import { resolveDrafts } from '../ops/resolve-drafts.js';
import { buildChain, type Chain, topoOrder } from './graph.js';
import type { MigrationModule, Revision } from './revision.js';

/**
 * carepool's own migrations directory (`<package>/migrations`, next to `src/` and `dist/`), so the
 * chain always matches the models shipped with this build, whatever the working directory.
 */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../../../migrations', import.meta.url));
}

const FILE = /^\d+[A-Za-z0-9_-]*\.(ts|mts|js|mjs)$/;

interface RawRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly file: string;
  readonly up: readonly Draft[];
  readonly down: readonly Draft[];
}

/**
 * Loads every migration file of `dir` (TypeScript through tsx's `tsImport`, so no build step), resolves
 * their operations against the schema the chain builds, checksums them and returns the DAG.
 */
export async function loadChain(dir: string): Promise<Chain> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => FILE.test(n) && !n.endsWith('.d.ts')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') names = [];
    else throw error;
  }
  const raws = await Promise.all(names.map((n) => importRevision(join(dir, n))));
  return buildChain(resolveRevisions(raws), dir);
}

async function importRevision(file: string): Promise<RawRevision> {
  const { tsImport } = await import('tsx/esm/api');
  let mod: unknown;
  try {
    // A fresh namespace per load: an edited file is read again (checksum checks depend on it).
    mod = await tsImport(`${pathToFileURL(file).href}?t=${Date.now()}`, import.meta.url);
  } catch (error) {
    throw new AppError(
      'CAREPOOL_MIGRATE_INVALID_FILE',
      `${file} could not be loaded: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const m = pickModule(mod);
  const bad = (what: string) =>
    new AppError('CAREPOOL_MIGRATE_INVALID_FILE', `${file}: ${what}`, { meta: { file } });
  if (!m) throw bad('has no default export with id, parents, message, up and down');
  if (typeof m.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(m.id))
    throw bad(`id ${JSON.stringify(m.id)} must be 1-64 letters, digits, _ or -`);
  if (!Array.isArray(m.parents) || !m.parents.every((p) => typeof p === 'string'))
    throw bad('parents must be an array of revision ids');
  const call = (fn: 'up' | 'down'): readonly Draft[] => {
    const result = m[fn](ops);
    if (!Array.isArray(result)) throw bad(`${fn}(op) must return an array of operations`);
    return result;
  };
  return {
    id: m.id,
    parents: [...m.parents],
    message: String(m.message ?? ''),
    file,
    up: call('up'),
    down: call('down'),
  };
}

function pickModule(mod: unknown): MigrationModule | undefined {
  const isMigration = (v: unknown): v is MigrationModule =>
    typeof v === 'object' &&
    v !== null &&
    'id' in v &&
    typeof (v as MigrationModule).up === 'function' &&
    typeof (v as MigrationModule).down === 'function';
  if (typeof mod !== 'object' || mod === null) return undefined;
  const d = (mod as { default?: unknown }).default;
  if (isMigration(d)) return d;
  // tsx may wrap CommonJS-style output one level deeper.
  const dd = (d as { default?: unknown } | undefined)?.default;
  return isMigration(dd) ? dd : undefined;
}

/** Resolves drafts in chain order (pure): each revision's up against its parents' schema, down against its result. */
export function resolveRevisions(raws: readonly RawRevision[]): Revision[] {
  const byId = new Map(raws.map((r) => [r.id, r]));
  const order = topoOrder(byId);
  const done = new Map<string, Revision>();
  for (const id of order) {
    const raw = byId.get(id) as RawRevision;
    const before = replayAncestors(raw, done);
    const wrap = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (error) {
        if (error instanceof AppError)
          throw new AppError(error.code, `${raw.file}: ${error.message}`, { cause: error });
        throw error;
      }
    };
    const up = wrap(() => resolveDrafts(before, raw.up));
    const down = wrap(() => resolveDrafts(up.schema, raw.down));
    const warnings: string[] = [];
    const hasSql = [...up.ops, ...down.ops].some((o) => o.kind === 'sql');
    if (!hasSql && !schemasEqual(down.schema, before))
      warnings.push(`${id}: down does not return the schema to what it was before up`);
    done.set(id, {
      id,
      parents: raw.parents,
      message: raw.message,
      file: raw.file,
      up: up.ops,
      down: down.ops,
      checksum: checksumOf(id, raw.parents, up.ops, down.ops),
      warnings,
    });
  }
  return order.map((id) => done.get(id) as Revision);
}

function replayAncestors(raw: RawRevision, done: ReadonlyMap<string, Revision>) {
  const seen = new Set<string>();
  const stack = [...raw.parents];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(done.get(id)?.parents ?? []));
  }
  let schema = EMPTY_SCHEMA;
  for (const [id, r] of done) if (seen.has(id)) schema = applyOps(schema, r.up);
  return schema;
}

/** The checksum of a revision's behaviour (see {@link Revision.checksum}). */
export function checksumOf(
  id: string,
  parents: readonly string[],
  up: readonly Operation[],
  down: readonly Operation[],
): string {
  return createHash('sha256').update(JSON.stringify({ id, parents, up, down })).digest('hex');
}
