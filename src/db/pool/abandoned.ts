/**
 * Server threads of connections the client dropped after its statement timer fired. Until such a thread is
 * gone it still holds one of the server's connections, so the pool counts it (and the KILL's own
 * connection) against `max` and never has more than `max` on the server. At most two KILLs run at once.
 */
export class AbandonedThreads {
  readonly #kill: ((threadId: number) => Promise<void>) | undefined;
  readonly #serverTimeoutMs: number;
  readonly #settled: () => void;
  /** KILL connections in flight. */
  #killing = 0;
  /** Dropped connections whose server thread may still run. */
  #dying = 0;

  /**
   * @param kill stops a thread over another connection (none: wait for the server's own timeout).
   * @param serverTimeoutMs the server-side statement timeout, how long a thread may outlive its client.
   * @param settled called each time a thread is known (or assumed) gone, so the pool can open another.
   */
  constructor(
    kill: ((threadId: number) => Promise<void>) | undefined,
    serverTimeoutMs: number,
    settled: () => void,
  ) {
    this.#kill = kill;
    this.#serverTimeoutMs = serverTimeoutMs;
    this.#settled = settled;
  }

  /** Server connections these threads (and their KILLs) hold. */
  get count(): number {
    return this.#dying + this.#killing;
  }

  /** A statement was abandoned on `threadId`; `closed` pools send no KILL. */
  add(threadId: number, closed: boolean): void {
    this.#dying++;
    const settled = () => {
      this.#dying--;
      this.#settled();
    };
    const kill = this.#kill;
    if (kill === undefined || this.#killing >= 2 || closed) {
      // No KILL now: the server's own statement timeout ends it; give it that long.
      setTimeout(settled, this.#serverTimeoutMs).unref();
      return;
    }
    this.#killing++;
    kill(threadId)
      .catch(() => undefined)
      .finally(() => {
        this.#killing--;
        settled();
      });
  }
}
