import { AppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import { applyOps, EMPTY_SCHEMA } from '../ops/apply-ops.js';
import type { Revision } from './revision.js';

/** The revision DAG: Alembic-style parents, several heads allowed (until merged). */
export interface Chain {
  readonly revisions: ReadonlyMap<string, Revision>;
  /** Every revision, parents before children (ties broken by id). */
  readonly order: readonly string[];
  /** Revisions no other revision names as parent. */
  readonly heads: readonly string[];
  readonly dir: string;
}

/** Builds the DAG and checks it: unknown parents and cycles are errors naming the file. */
export function buildChain(revisions: readonly Revision[], dir: string): Chain {
  const map = new Map<string, Revision>();
  for (const r of revisions) {
    if (map.has(r.id)) {
      throw new AppError(
        'CAREPOOL_MIGRATE_INVALID_FILE',
        `two migrations have the id "${r.id}": ${map.get(r.id)?.file} and ${r.file}`,
      );
    }
    map.set(r.id, r);
  }
  for (const r of revisions) {
    for (const p of r.parents) {
      if (!map.has(p))
        throw new AppError(
          'CAREPOOL_MIGRATE_INVALID_FILE',
          `${r.file}: parent "${p}" of "${r.id}" does not exist`,
        );
    }
  }
  return {
    revisions: map,
    order: topoOrder(map),
    heads: revisions
      .filter((r) => !revisions.some((x) => x.parents.includes(r.id)))
      .map((r) => r.id)
      .sort(),
    dir,
  };
}

/** Kahn's algorithm, smallest id first, so the order is stable across machines. */
export function topoOrder(
  map: ReadonlyMap<string, { readonly id: string; readonly parents: readonly string[] }>,
): string[] {
  const indegree = new Map([...map.values()].map((r) => [r.id, r.parents.length]));
  const ready = [...indegree]
    .filter(([, n]) => n === 0)
    .map(([id]) => id)
    .sort();
  const out: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    out.push(id);
    for (const r of map.values()) {
      if (!r.parents.includes(id)) continue;
      const n = (indegree.get(r.id) ?? 0) - 1;
      indegree.set(r.id, n);
      if (n === 0) {
        ready.push(r.id);
        ready.sort();
      }
    }
  }
  if (out.length !== map.size) {
    const stuck = [...map.keys()].filter((id) => !out.includes(id));
    throw new AppError(
      'CAREPOOL_MIGRATE_INVALID_FILE',
      `the migration parents form a cycle among: ${stuck.join(', ')}`,
    );
  }
  return out;
}

/** `id` and every revision it descends from. */
export function ancestorsOf(chain: Pick<Chain, 'revisions'>, id: string): Set<string> {
  const out = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    if (out.has(cur)) continue;
    const r = chain.revisions.get(cur);
    if (!r) throw unknownRevision(cur);
    out.add(cur);
    stack.push(...r.parents);
  }
  return out;
}

/** The schema the chain describes once exactly `applied` revisions ran (replayed in memory). */
export function schemaOf(chain: Pick<Chain, 'revisions' | 'order'>, applied: ReadonlySet<string>): Schema {
  let schema = EMPTY_SCHEMA;
  for (const id of chain.order) {
    if (applied.has(id)) schema = applyOps(schema, chain.revisions.get(id)?.up ?? []);
  }
  return schema;
}

/** The unknown-revision error, listing what is known. */
export function unknownRevision(id: string, known: readonly string[] = []): AppError {
  return new AppError(
    'CAREPOOL_MIGRATE_UNKNOWN_REVISION',
    `revision "${id}" is not in migrations/${known.length ? ` (known: ${known.join(', ')})` : ''}`,
    {
      meta: { revision: id },
    },
  );
}

/** Revision specs that are not ids: they pass through {@link resolveRevision} unchanged. */
const SPECIAL = /^(head|heads|base|[+-]\d+)$/;

/**
 * The full id a revision spec names: an exact id, or a unique prefix of one (`0001` → `0001_initial`,
 * as Alembic accepts). `head`, `heads`, `base`, `+N`, `-N` pass through. An unknown spec throws
 * CAREPOOL_MIGRATE_UNKNOWN_REVISION; a prefix of several ids throws CAREPOOL_MIGRATE_AMBIGUOUS_REVISION
 * listing them.
 */
export function resolveRevision(chain: Pick<Chain, 'revisions' | 'order'>, spec: string): string {
  if (SPECIAL.test(spec) || chain.revisions.has(spec)) return spec;
  const candidates = chain.order.filter((id) => id.startsWith(spec));
  if (candidates.length === 1) return candidates[0] as string;
  if (candidates.length > 1)
    throw new AppError(
      'CAREPOOL_MIGRATE_AMBIGUOUS_REVISION',
      `revision prefix "${spec}" matches ${candidates.length} revisions: ${candidates.join(', ')}`,
      { meta: { revision: spec, candidates } },
    );
  throw unknownRevision(spec, [...chain.order]);
}
