import { performance } from 'node:perf_hooks';

/** What one fleet-wide check on the primary answers. */
export interface FleetAnswer {
  /** The primary's GTID position when the check ran ('' when the server reported none). */
  readonly position: string;
  /** Which of the asked actors wrote within the write window. */
  readonly writers: ReadonlySet<string>;
}

/** One check: the actors it asks about, when its query was handed to the driver, and its answer. */
interface Check {
  readonly actors: Set<string>;
  /** `performance.now()` just before the query was sent; undefined while the check still collects reads. */
  sentAt: number | undefined;
  answer: Promise<FleetAnswer>;
  /** True once the answer arrived (a read reusing it then need not wait). */
  answered: boolean;
}

/** How many sent checks a read may look back over (newest first) for one that covers it. */
const RECENT = 16;

/** Runs one check's query: calls `sent()` right before handing the query to the driver. */
export type RunCheck = (actors: ReadonlySet<string>, sent: () => void) => Promise<FleetAnswer>;

/** Resolves once `performance.now()` has passed `deadline` (timers may fire early: re-checked). */
export async function settleUntil(deadline: number): Promise<void> {
  for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now())
    await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(left)));
}

/**
 * Shares fleet-wide read-your-writes checks on the primary among reads, safely.
 *
 * The guarantee: a read must see every write its client committed, through any instance, before the read
 * arrived. A check answers with the primary's position as of when it ran; it covers a read if it ran after
 * the client's write committed. Every write through a router waits `settleMs` after its commit before it
 * answers (see {@link ReplicaRouter.write}), so a client's read arrives at least `settleMs` after its last
 * commit. Hence a check sent at `s` (it runs after `s`) covers every read that began at `r <= s + settleMs`:
 * that read's client committed before `r - settleMs <= s`. Only durations on each instance's own monotonic
 * clock are compared; no clock agreement between machines is needed.
 *
 * So a read reuses a check sent at most `settleMs` before it began (in flight or answered) that asked about
 * its actor, preferring one already answered; it looks back over the last few checks sent, not only the
 * latest, so reads by many actors (each check asking about the actors of the reads that joined it) still
 * share checks within `settleMs`. Otherwise it joins the next check, which is sent after the one in flight
 * (one at a time) and after every read in it began.
 */
export class FleetChecks {
  readonly #run: RunCheck;
  readonly #settleMs: number;
  /** The latest checks sent (in flight or answered), oldest first, at most {@link RECENT}. */
  readonly #sent: Check[] = [];
  /** The next check, collecting reads; sent once the one in flight has answered. */
  #pending: Check | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  /** Reads answered by a check sent for them, and by reusing one sent before. */
  joined = 0;
  reused = 0;

  constructor(run: RunCheck, settleMs: number) {
    this.#run = run;
    this.#settleMs = settleMs;
  }

  /**
   * The answer for a read by `actor` (undefined: the writes are not audited, any write may be the client's)
   * that began at `began` (`performance.now()`). Rejects when the check failed.
   */
  ask(actor: string | undefined, began: number): Promise<FleetAnswer> {
    const reuse = this.#covering(actor, began);
    if (reuse !== undefined) {
      this.reused++;
      return reuse.answer;
    }
    this.joined++;
    let check = this.#pending;
    if (check === undefined) {
      const next: Check = {
        actors: new Set(),
        sentAt: undefined,
        answer: Promise.resolve(EMPTY),
        answered: false,
      };
      next.answer = this.#chain.then(async () => {
        if (this.#pending === next) this.#pending = undefined;
        try {
          const answer = await this.#run(next.actors, () => {
            next.sentAt = performance.now();
            this.#sent.push(next);
            if (this.#sent.length > RECENT) this.#sent.shift();
          });
          next.answered = true;
          return answer;
        } catch (error) {
          // A failed check serves no later read: they send a new one.
          const at = this.#sent.indexOf(next);
          if (at >= 0) this.#sent.splice(at, 1);
          throw error;
        }
      });
      this.#chain = next.answer.catch(() => undefined);
      this.#pending = next;
      check = next;
    }
    if (actor !== undefined) check.actors.add(actor);
    return check.answer;
  }

  /** A check sent at most `settleMs` before `began` that asked about `actor`: answered ones first. */
  #covering(actor: string | undefined, began: number): Check | undefined {
    let inFlight: Check | undefined;
    for (let k = this.#sent.length - 1; k >= 0; k--) {
      const check = this.#sent[k] as Check;
      // Sent in order: once one is too old, every earlier one is too.
      if ((check.sentAt ?? Number.NEGATIVE_INFINITY) < began - this.#settleMs) break;
      if (actor !== undefined && !check.actors.has(actor)) continue;
      if (check.answered) return check;
      inFlight ??= check;
    }
    return inFlight;
  }
}

const EMPTY: FleetAnswer = { position: '', writers: new Set() };
