import { AppError } from '../../errors/index.js';
import type { Schema } from '../../schema/index.js';
import { ancestorsOf, type Chain, resolveRevision, schemaOf, unknownRevision } from '../files/graph.js';
import type { Revision } from '../files/revision.js';
import type { Operation } from '../ops/operation.js';
import { columnChangeLoss } from '../render/destructive.js';
import { renderOps, type Statement } from '../render/render-op.js';
import type { ServerInfo } from '../server.js';

/** Which way a step goes. */
export type Direction = 'up' | 'down';

/** One revision to apply or revert, with its statements for one server. */
export interface PlannedStep {
  readonly revision: Revision;
  readonly direction: Direction;
  readonly statements: readonly Statement[];
}

/** A NOT NULL change whose safety depends on data (checked live before running). */
export interface NullCheck {
  readonly table: string;
  readonly column: string;
}

/**
 * The revisions to run to reach `spec` from the `applied` set:
 * up: `head` (the one head), `heads` (all), REV (it and its ancestors), `+N` (the next N);
 * down: `base`, REV (keep it and its ancestors), `-N` (the last N applied). Pure.
 */
export function selectSteps(
  chain: Chain,
  applied: ReadonlySet<string>,
  given: string,
  direction: Direction,
): { id: string; direction: Direction }[] {
  const spec = resolveRevision(chain, given);
  const known = [...chain.order];
  if (direction === 'up') {
    let wanted: Set<string>;
    const plus = /^\+(\d+)$/.exec(spec);
    if (plus) {
      const pending = chain.order.filter((id) => !applied.has(id));
      wanted = new Set([...applied, ...pending.slice(0, Number(plus[1]))]);
    } else if (spec === 'head') {
      if (chain.heads.length > 1) {
        throw new AppError(
          'CAREPOOL_MIGRATE_MULTIPLE_HEADS',
          `the chain has ${chain.heads.length} heads (${chain.heads.join(', ')}): "head" is ambiguous`,
          {
            meta: { heads: chain.heads },
          },
        );
      }
      wanted = chain.heads[0] === undefined ? new Set() : ancestorsOf(chain, chain.heads[0]);
    } else if (spec === 'heads') {
      wanted = new Set(chain.heads.flatMap((h) => [...ancestorsOf(chain, h)]));
    } else {
      if (!chain.revisions.has(spec)) throw unknownRevision(spec, known);
      wanted = ancestorsOf(chain, spec);
    }
    return chain.order.filter((id) => wanted.has(id) && !applied.has(id)).map((id) => ({ id, direction }));
  }
  const appliedDesc = [...chain.order].reverse().filter((id) => applied.has(id));
  const minus = /^-(\d+)$/.exec(spec);
  if (minus) return appliedDesc.slice(0, Number(minus[1])).map((id) => ({ id, direction }));
  if (spec === 'base') return appliedDesc.map((id) => ({ id, direction }));
  if (!chain.revisions.has(spec)) throw unknownRevision(spec, known);
  const keep = ancestorsOf(chain, spec);
  return appliedDesc.filter((id) => !keep.has(id)).map((id) => ({ id, direction }));
}

/** Renders selected steps for `server`, threading the in-memory schema from `applied` (pure). */
export function renderSteps(
  chain: Chain,
  applied: ReadonlySet<string>,
  steps: readonly { id: string; direction: Direction }[],
  server: ServerInfo,
): PlannedStep[] {
  const now = new Set(applied);
  let schema: Schema = schemaOf(chain, now);
  return steps.map(({ id, direction }) => {
    const revision = chain.revisions.get(id) as Revision;
    const ops = direction === 'up' ? revision.up : revision.down;
    const { statements } = renderOps(ops, server, schema);
    if (direction === 'up') now.add(id);
    else now.delete(id);
    schema = schemaOf(chain, now);
    return { revision, direction, statements };
  });
}

/** Why an operation may lose data, or null. NOT NULL changes are data-dependent: see {@link nullChecks}. */
export function destructiveReason(op: Operation): string | null {
  switch (op.kind) {
    case 'dropTable':
      return `drops table ${op.table.name}`;
    case 'dropColumn':
      return `drops column ${op.table}.${op.column.name}`;
    case 'alterColumn':
      return columnChangeLoss(op.table, op.from, op.to);
    case 'sql':
      return op.destructive ? `raw SQL marked destructive: ${op.up.slice(0, 60)}` : null;
    default:
      return null;
  }
}

/** NOT NULL changes in `steps`: each must find no NULLs in the live table. */
export function nullChecks(steps: readonly PlannedStep[]): NullCheck[] {
  return steps.flatMap((s) =>
    s.statements.flatMap(({ op }) =>
      op.kind === 'alterColumn' && op.from.nullable && !op.to.nullable
        ? [{ table: op.table, column: op.to.name }]
        : [],
    ),
  );
}
