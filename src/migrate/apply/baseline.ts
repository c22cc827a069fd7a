import type { Target } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import { objectKey } from '../../schema/objects.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import type { Chain } from '../files/graph.js';
import { loadChain } from '../files/load.js';
import { writeRevision } from '../files/write.js';
import { introspectSchema } from '../introspect/index.js';
import { EMPTY_SCHEMA } from '../ops/apply-ops.js';
import { withObjects } from '../objects/diff.js';
import { excludeNames } from '../sources/exclude.js';
import { EVENTS_NOT_MODELLED, hiddenKindsName } from '../objects/introspect.js';
import { invertOps } from '../ops/invert.js';
import { openSession } from './session.js';
import { type StampResult, stampTarget } from './stamp.js';

/** The outcome of {@link baselineTarget}. */
export interface BaselineResult {
  readonly target: string;
  readonly id: string;
  readonly file: string;
  /** How many operations the baseline's `up` has. */
  readonly operations: number;
  readonly stamp: StampResult;
  /** What the baseline could not include and why (routines the user cannot see); absent when nothing. */
  readonly notIncluded?: string;
}

/**
 * Brings an existing database under migrations in one step: writes a first revision whose `up` creates
 * exactly what `target` holds (read by the same introspection `stamp` verifies with), then stamps the
 * target at it, which re-reads the database and checks it equals the new revision. The migrations folder
 * must be empty (CAREPOOL_MIGRATE_BASELINE_EXISTS otherwise): a baseline is the root of a chain.
 */
export async function baselineTarget(
  target: Target,
  chain: Chain,
  message = `baseline of ${target.name}`,
  exclude: readonly RegExp[] = [],
): Promise<BaselineResult> {
  if (chain.order.length > 0) {
    throw new AppError(
      'CAREPOOL_MIGRATE_BASELINE_EXISTS',
      `${chain.dir} already has ${chain.order.length} revision(s) (${chain.order.slice(0, 3).join(', ')}${chain.order.length > 3 ? ', …' : ''})`,
      { meta: { dir: chain.dir } },
    );
  }
  const session = await openSession(target, { lock: false });
  const read = await introspectSchema(session.conn, session.database).finally(() => session.close());
  const live = excludeNames(read, exclude);
  const keptTables = new Set(live.tables.map((t) => t.name));
  const keptObjects = new Set((live.objects ?? []).map(objectKey));
  const excluded = [
    ...read.tables.filter((t) => !keptTables.has(t.name)).map((t) => `table ${t.name}`),
    ...(read.objects ?? []).filter((o) => !keptObjects.has(objectKey(o))).map((o) => `${o.kind} ${o.name}`),
  ];
  // Objects too: the baseline tracks every view, trigger and routine the database holds.
  const up = diffSchemas({ ...EMPTY_SCHEMA, objects: [] }, withObjects(live));
  const written = await writeRevision({
    chain,
    message,
    parents: [],
    up,
    down: invertOps(up),
    header: `Written by \`carepool migrate baseline --from ${target.name}\`: everything ${target.name} held${excluded.length > 0 ? ` but ${excluded.join(', ')} (--exclude)` : ''}; stamped there as applied.`,
  });
  const stamp = await stampTarget(target, written.id, {
    chain: await loadChain(chain.dir),
    recordDrift: false,
    exclude,
  });
  const hidden = live.hiddenObjects;
  const left = [
    ...(hidden ? [`${hiddenKindsName(hidden)}: ${hidden.reason}`] : []),
    ...(live.events ?? []).map((name) => `event ${name}: ${EVENTS_NOT_MODELLED}`),
    ...(excluded.length > 0
      ? [
          `${excluded.join(', ')}: left out with --exclude (a database built from the chain will not have them; migrate check and stamp need the same --exclude)`,
        ]
      : []),
  ];
  return {
    target: target.name,
    id: written.id,
    file: written.file,
    operations: up.length,
    stamp,
    ...(left.length > 0 ? { notIncluded: left.join('; ') } : {}),
  };
}
