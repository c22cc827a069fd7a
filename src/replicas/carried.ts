/**
 * Read-your-writes state a client carries itself: per target, the GTID of its last write and when it was
 * made. The web app keeps it in a signed cookie of the signed-in browser (src/web/security/carried-cookie.ts),
 * so every instance behind a load balancer sees the client's own writes without asking the primary
 * (Rails' `DatabaseSelector` keeps a last-write time in the session the same way).
 *
 * A client that carries its writes and has none within {@link CarriedWrites.ttlMs} for a target made no write
 * that an eligible replica could still miss: its reads skip the fleet-wide check on the primary.
 */

/** The client's last write on one target. */
export interface CarriedWrite {
  /** GTID the server reported for it; absent when it reported none (reads then go to the primary). */
  readonly gtid?: string;
  /** When it committed (ms since epoch, the writing instance's clock). */
  readonly at: number;
}

/** Longest GTID text kept (MySQL sets with a few server UUIDs fit; anything longer is not a GTID we made). */
const MAX_GTID = 512;
/** Most targets a client's stored state holds (the oldest writes are dropped from {@link CarriedWrites.entries}). */
const MAX_TARGETS = 16;
const GTID_TEXT = /^[0-9A-Za-z:,-]+$/;

/** A client's carried writes, read from its request and updated by the writes the request makes. */
export class CarriedWrites {
  readonly #entries: Map<string, CarriedWrite>;
  readonly #now: () => number;
  /** How long an entry matters after its write (ms). */
  readonly ttlMs: number;
  #changed = false;
  /** Writes sent and not yet ended, per target: until they end, what is stored holds no GTID for it. */
  readonly #pending = new Map<string, number>();

  constructor(ttlMs: number, entries: ReadonlyMap<string, CarriedWrite> = new Map(), now = Date.now) {
    this.ttlMs = ttlMs;
    this.#now = now;
    this.#entries = new Map();
    const at = now();
    for (const [target, write] of entries) if (this.#live(write, at)) this.#entries.set(target, write);
  }

  /** The client's last write on `target` still within the ttl; `null` when it has none. */
  forTarget(target: string): CarriedWrite | null {
    const write = this.#entries.get(target);
    if (write === undefined) return null;
    // Expired: not sent back (every reader drops it anyway). A read's response that rewrote the cookie could
    // overwrite the cookie of a write this browser made meanwhile in another tab, and lose that write.
    return this.#live(write, this.#now()) ? write : null;
  }

  /** Records a write just committed on `target` (its GTID when the server reported one). */
  record(target: string, gtid: string | undefined): void {
    this.#entries.delete(target);
    const at = this.#now();
    this.#entries.set(target, gtid === undefined || !isGtidText(gtid) ? { at } : { gtid, at });
    this.#changed = true;
  }

  /**
   * Marks a write on `target` as sent, before it runs. Until {@link end}, the state to store holds an entry
   * without a GTID for the target: a response sent while the write is in flight (the deadline's 503) may
   * precede its commit, so the client's reads must go to the primary, as after a lost connection.
   */
  begin(target: string): void {
    this.#pending.set(target, (this.#pending.get(target) ?? 0) + 1);
  }

  /** The write on `target` begun by {@link begin} ended: committed and recorded, or failed. */
  end(target: string): void {
    const left = (this.#pending.get(target) ?? 0) - 1;
    if (left > 0) this.#pending.set(target, left);
    else this.#pending.delete(target);
  }

  /** Whether this request changed the state (the client must be sent the new one). */
  get changed(): boolean {
    return this.#changed || this.#pending.size > 0;
  }

  /** The entries still within the ttl, and writes still in flight (without a GTID), for storing. */
  entries(): ReadonlyMap<string, CarriedWrite> {
    const at = this.#now();
    const live = new Map([...this.#entries].filter(([, w]) => this.#live(w, at)));
    for (const target of this.#pending.keys()) {
      live.delete(target);
      live.set(target, { at });
    }
    while (live.size > MAX_TARGETS) {
      const oldest = live.keys().next().value;
      if (oldest === undefined) break;
      live.delete(oldest);
    }
    return live;
  }

  #live(write: CarriedWrite, at: number): boolean {
    // A write stamped in the future by more than the ttl is not one of ours (clock or forgery): ignored.
    return write.at + this.ttlMs > at && write.at - this.ttlMs < at;
  }
}

/** Whether `text` looks like a GTID position carepool could have recorded (MariaDB or MySQL spelling). */
export function isGtidText(text: string): boolean {
  return text.length > 0 && text.length <= MAX_GTID && GTID_TEXT.test(text);
}
