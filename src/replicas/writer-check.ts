import { type SqlQuery, sql } from '../db/sql.js';
import type { FleetAnswer } from './fleet-ryw.js';
import type { GtidFlavor } from './gtid-set.js';

/**
 * How long (ms) after its `at` an audit row of a write may still be uncommitted (invisible to a check). The
 * write window already assumes it (its last second, see {@link ReplicaRouter}); watermarks assume the same.
 */
export const COMMIT_MARGIN_MS = 1000;

/** One check's query and what to learn from its answer. */
export interface WriterCheckQuery {
  readonly query: SqlQuery;
  /** Reads the answer row (`g` position, `w` writers, `s` the server's NOW(3)) and moves the watermarks. */
  answer(row: { g: string | null; w: string | null; s: string | null } | undefined): FleetAnswer;
}

/**
 * Builds the fleet-wide check (the primary's GTID position and which actors wrote within the window) and
 * keeps, per actor, a **watermark**: the server time of the latest check that found no write by them.
 *
 * Migration 0008 indexes `carepool_audit` on `(actor, action, at)`: the check then reads only the asked
 * actors' write rows (test/replicas/writer-check.test.ts counts them). Watermarks are for a database without
 * it (before 0008): over `(actor, at)` finding writes among an actor's rows reads every row of that actor in
 * the window, reads' audit rows included: an actor reading 1,000 times a second made each check read ~4,500
 * rows (bench/replicas/profile.ts). A check that
 * knows the actor had no write visible at its watermark `m` only needs rows from `m − COMMIT_MARGIN_MS`:
 * an older row not visible at `m` would have been uncommitted for longer than the margin after its `at`,
 * which the window already rules out. So the rows read per check fall from the actor's window to the time
 * since their last check plus the margin. The lower bound never passes the server's current time (a clock
 * stepped back) nor goes below the window.
 *
 * Checks run one at a time ({@link FleetChecks}), so watermarks move in the order the checks were sent.
 * An actor found writing loses their watermark (their next check reads the whole window again).
 */
export class WriterChecks {
  readonly #flavor: () => GtidFlavor;
  readonly #windowUs: number;
  readonly #maxActors: number;
  /** Actor → server time ('YYYY-MM-DD hh:mm:ss.fff') of the latest check that found no write; oldest first. */
  readonly #marks = new Map<string, string>();

  constructor(flavor: () => GtidFlavor, windowMs: number, maxActors: number) {
    this.#flavor = flavor;
    this.#windowUs = Math.round(windowMs * 1000);
    this.#maxActors = maxActors;
  }

  /** How many actors have a watermark (for tests). */
  get size(): number {
    return this.#marks.size;
  }

  /** The query for a check asking about `actors` (none: position only). */
  build(actors: ReadonlySet<string>): WriterCheckQuery {
    const position =
      this.#flavor() === 'mariadb' ? sql`@@GLOBAL.gtid_binlog_pos` : sql`@@GLOBAL.gtid_executed`;
    const asked = [...actors];
    if (asked.length === 0)
      return { query: sql`SELECT ${position} AS g, NULL AS w, NULL AS s`, answer: (row) => answerOf(row) };
    const window = sql`NOW(3) - INTERVAL ${this.#windowUs} MICROSECOND`;
    // Actors grouped by watermark: one range per group on (actor, at).
    const groups = new Map<string | undefined, string[]>();
    for (const actor of asked) {
      const mark = this.#marks.get(actor);
      const list = groups.get(mark);
      if (list) list.push(actor);
      else groups.set(mark, [actor]);
    }
    const ranges = [...groups].map(([mark, list]) => {
      const names = sql.join(list.map((a) => sql`${a}`));
      if (mark === undefined) return sql`(actor IN (${names}) AND at >= ${window})`;
      const since = sql`LEAST(CAST(${mark} AS DATETIME(3)), NOW(3)) - INTERVAL ${COMMIT_MARGIN_MS * 1000} MICROSECOND`;
      return sql`(actor IN (${names}) AND at >= GREATEST(${window}, ${since}))`;
    });
    const query = sql`SELECT ${position} AS g, (SELECT GROUP_CONCAT(DISTINCT actor SEPARATOR '\n')
      FROM carepool_audit WHERE (${sql.join(ranges, ' OR ')}) AND action IN ('create', 'update', 'delete')) AS w,
      CAST(NOW(3) AS CHAR) AS s`;
    return {
      query,
      answer: (row) => {
        const result = answerOf(row);
        const now = row?.s;
        for (const actor of asked) {
          this.#marks.delete(actor);
          if (now && !result.writers.has(actor)) this.#marks.set(actor, now);
        }
        while (this.#marks.size > this.#maxActors) {
          const oldest = this.#marks.keys().next().value;
          if (oldest === undefined) break;
          this.#marks.delete(oldest);
        }
        return result;
      },
    };
  }
}

const NO_WRITERS: ReadonlySet<string> = new Set();

function answerOf(row: { g: string | null; w: string | null } | undefined): FleetAnswer {
  const w = row?.w;
  return { position: row?.g ?? '', writers: w ? new Set(w.split('\n')) : NO_WRITERS };
}
