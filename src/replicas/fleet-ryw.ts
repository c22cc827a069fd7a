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
}

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
 * So a read reuses the latest check sent at most `settleMs` before it began (in flight or answered) when
 * that check asked about its actor; otherwise it joins the next check, which is sent after the one in
 * flight (one at a time) and after every read in it began.
 */
export class FleetChecks {
  readonly #run: RunCheck;
  readonly #settleMs: number;
  /** The latest check sent (in flight or answered). */
  #last: Check | undefined;
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
    const last = this.#last;
    if (
      last?.sentAt !== undefined &&
      last.sentAt >= began - this.#settleMs &&
      (actor === undefined || last.actors.has(actor))
    ) {
      this.reused++;
      return last.answer;
    }
    this.joined++;
    let check = this.#pending;
    if (check === undefined) {
      const next: Check = { actors: new Set(), sentAt: undefined, answer: Promise.resolve(EMPTY) };
      next.answer = this.#chain.then(() => {
        if (this.#pending === next) this.#pending = undefined;
        return this.#run(next.actors, () => {
          next.sentAt = performance.now();
          this.#last = next;
        });
      });
      this.#chain = next.answer.catch(() => undefined);
      this.#pending = next;
      check = next;
    }
    if (actor !== undefined) check.actors.add(actor);
    return check.answer;
  }
}

const EMPTY: FleetAnswer = { position: '', writers: new Set() };
