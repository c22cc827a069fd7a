import { sql } from '../../db/sql.js';
import type { Target } from '../../db/targets.js';
import { AppError } from '../../errors/index.js';
import { describe } from '../diff/describe.js';
import { diffSchemas } from '../diff/diff-schemas.js';
import { ancestorsOf, type Chain, schemaOf } from '../files/graph.js';
import { defaultMigrationsDir, loadChain } from '../files/load.js';
import { HISTORY_TABLE, insertHistory } from '../history/history-store.js';
import { introspectSchema } from '../introspect/index.js';
import type { Operation } from '../ops/operation.js';
import { assertNoJournal, readTargetState } from './migrate-target.js';
import { type MigrateSession, openSession } from './session.js';

/** The outcome of {@link stampTarget}. */
export interface StampResult {
  readonly target: string;
  readonly ok: boolean;
  readonly applied: readonly string[];
  /** What would turn the live schema into the revision's (empty when they match). */
  readonly differences: readonly Operation[];
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
}

/**
 * Adopts a database at `revision` without running anything (e.g. one the seeds' `create_all` made):
 * the live schema is introspected and must equal the chain's schema at that revision, unless `force`.
 * The history then holds exactly that revision and its ancestors, with current checksums.
 */
export async function stampTarget(
  target: Target,
  revision: string,
  options: { chain?: Chain; migrationsDir?: string; force?: boolean } = {},
): Promise<StampResult> {
  let session: MigrateSession | undefined;
  let differences: Operation[] = [];
  try {
    const chain = options.chain ?? (await loadChain(options.migrationsDir ?? defaultMigrationsDir()));
    session = await openSession(target, { lock: true });
    const state = await readTargetState(session, true);
    assertNoJournal(state, target.name);
    const wanted =
      revision === 'base'
        ? new Set<string>()
        : ancestorsOf(chain, revision === 'head' ? (chain.heads[0] ?? 'head') : revision);
    const live = await introspectSchema(session.conn, session.database);
    differences = diffSchemas(live, schemaOf(chain, wanted));
    if (differences.length > 0 && !options.force) {
      throw new AppError(
        'CAREPOOL_MIGRATE_STAMP_MISMATCH',
        `${target.name} does not match ${revision}: ${differences.length} difference(s), e.g. ${differences.slice(0, 3).map(describe).join('; ')}`,
        { meta: { target: target.name, revision, differences: differences.length } },
      );
    }
    const ordered = chain.order.filter((id) => wanted.has(id));
    await session.conn.transaction(async (tx) => {
      await tx.query(sql`DELETE FROM ${sql.ident(HISTORY_TABLE)}`);
      for (const id of ordered) {
        const rev = chain.revisions.get(id);
        if (rev) await tx.query(insertHistory(rev, null, 0));
      }
    });
    return { target: target.name, ok: true, applied: ordered, differences };
  } catch (error) {
    const e =
      error instanceof AppError
        ? error
        : new AppError('CAREPOOL_MIGRATE_STATEMENT_FAILED', String((error as Error)?.message ?? error), {
            cause: error,
          });
    return {
      target: target.name,
      ok: false,
      applied: [],
      differences,
      error: { code: e.code, message: e.message, hint: e.hint },
    };
  } finally {
    await session?.close();
  }
}
