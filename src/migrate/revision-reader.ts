import type { RevisionReader } from '../db/health.js';
import { sql } from '../db/sql.js';
import { HISTORY_TABLE } from './history/history-store.js';

/**
 * The applied head revision(s) of a target, read through its app pool (SELECT only), for
 * `probeTarget(target, readRevision)`: `0002_appointments`, `a,b` with two unmerged heads, or null when
 * nothing is applied (or the history table does not exist yet).
 */
export const readRevision: RevisionReader = async (target) => {
  try {
    const { rows } = await target.sql.query<{ revision: string; parents: string }>(
      sql`SELECT revision, parents FROM ${sql.ident(HISTORY_TABLE)}`,
    );
    const parents = new Set(rows.flatMap((r) => String(r.parents).split(',').filter(Boolean)));
    const heads = rows
      .map((r) => r.revision)
      .filter((r) => !parents.has(r))
      .sort();
    return heads.length > 0 ? heads.join(',') : null;
  } catch {
    return null;
  }
};
