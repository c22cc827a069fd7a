import type { Renames } from '../diff/diff-schemas.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import type { Operation } from '../ops/operation.js';
import { withoutRawObjects } from '../objects/raw.js';
import { DEFAULT_OFFLINE_SERVER, type ServerInfo } from '../server.js';
import { type LoadedSource, loadSource, type SourceContext } from './sources.js';
import { type ChangeVerification, startVerification, verifyChange } from './verify-change.js';

/** What {@link compareSources} found. */
export interface Comparison {
  readonly from: LoadedSource;
  readonly to: LoadedSource;
  /** What turns `from` into `to`. */
  readonly ops: readonly Operation[];
  /** The server statements are rendered for: `from`'s, else `options.server`, else `to`'s, else MySQL 8.0. */
  readonly server: ServerInfo;
  /** With `verify` and a difference: the proof (or why there is none). */
  readonly proof?: ChangeVerification;
}

/**
 * `schema diff FROM TO` as a library call: both sources loaded at once, diffed, and with `verify` the
 * change proven in a workspace before anyone sees it (see {@link verifyChange}). With `verify`, the
 * workspace connection is started before the sources are read ({@link startVerification}): its connect
 * and session settings overlap the live catalog read instead of following it, and it is released on
 * every path (nothing to verify, a source failing to load, a refusal).
 */
export async function compareSources(
  ctx: SourceContext,
  from: string,
  to: string,
  options: { readonly verify?: boolean; readonly server?: ServerInfo; readonly renames?: Renames } = {},
): Promise<Comparison> {
  // The change is for `from`: when it is a target, its own server is the first workspace host tried.
  const vctx: SourceContext = { ...ctx, prefer: from };
  const start = options.verify ? startVerification(vctx) : undefined;
  try {
    // Both settled before anything is thrown: a source still being read closes its connections first.
    const [sa, sb] = settledBoth(await Promise.allSettled([loadSource(from, ctx), loadSource(to, ctx)]));
    const renames = options.renames ?? {};
    // Objects a chain's raw op.sql steps made are not compared (objectsNotCompared names them): left out
    // of both sides, so they are neither drift nor dropped by the script.
    const raw = new Map([...(sa.rawObjects ?? []), ...(sb.rawObjects ?? [])]);
    const a = withoutRawObjects(sa.schema, raw);
    const b = withoutRawObjects(sb.schema, raw);
    const ops = diffSchemas(a, b, renames);
    const server = sa.server ?? options.server ?? sb.server ?? DEFAULT_OFFLINE_SERVER;
    const proof =
      start && ops.length > 0 ? await verifyChange(vctx, a, b, server, renames, { start, ops }) : undefined;
    return { from: sa, to: sb, ops, server, ...(proof ? { proof } : {}) };
  } finally {
    await start?.release();
  }
}

/** Both values, or the first failure (after both have settled). */
function settledBoth<A, B>([a, b]: [PromiseSettledResult<A>, PromiseSettledResult<B>]): [A, B] {
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}
