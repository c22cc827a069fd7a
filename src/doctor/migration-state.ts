import { sql } from '../db/sql.js';
import { HISTORY_TABLE, loadChain } from '../migrate/index.js';
import type { MigrationStateReader } from './session-checks.js';

/**
 * A {@link MigrationStateReader} over the migration engine: the applied heads from the target's history
 * table (read with the app user, SELECT only) and the heads of the migration files in `dir`. The files are
 * loaded once per reader. Returns null (and the doctor falls back to looking for the history table) when
 * the files cannot be loaded.
 */
export function migrationStateFromFiles(dir: string): MigrationStateReader {
  let heads: Promise<string | null> | undefined;
  return async (_target, client) => {
    heads ??= loadChain(dir).then(
      (chain) => (chain.heads.length > 0 ? [...chain.heads].sort().join(',') : null),
      () => null,
    );
    const head = await heads;
    let rows: { revision: string; parents: string }[];
    try {
      rows = (
        await client.query<{ revision: string; parents: string }>(
          sql`SELECT revision, parents FROM ${sql.ident(HISTORY_TABLE)}`,
        )
      ).rows;
    } catch {
      rows = [];
    }
    const parents = new Set(
      rows.flatMap((r) =>
        String(r.parents ?? '')
          .split(',')
          .filter(Boolean),
      ),
    );
    const applied = rows
      .map((r) => r.revision)
      .filter((r) => !parents.has(r))
      .sort();
    if (head === null && applied.length === 0) return null;
    return { current: applied.length > 0 ? applied.join(',') : null, head };
  };
}
