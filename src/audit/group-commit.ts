/**
 * Group commit: callers `submit` items and each waits until the batch holding its item is durably written;
 * one writer call per batch. A batch closes after `maxDelayMs` from its first item or at `maxBatch` items,
 * whichever comes first, and only one batch is written at a time (the next one fills meanwhile), so under
 * load batches grow instead of writes queuing up. If a write fails, every caller of that batch gets the error.
 */
export interface GroupCommitOptions<T> {
  /** Writes one batch (e.g. one multi-row INSERT). */
  readonly write: (batch: readonly T[]) => Promise<void>;
  /** Longest an item waits for its batch to close. Default 2 ms. */
  readonly maxDelayMs?: number;
  /** Largest batch. Default 500. */
  readonly maxBatch?: number;
}

interface Pending<T> {
  readonly item: T;
  resolve(): void;
  reject(error: unknown): void;
}

/** See {@link GroupCommitOptions}. */
export class GroupCommit<T> {
  readonly #o: Required<GroupCommitOptions<T>>;
  #open: Pending<T>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;
  #batches = 0;
  #items = 0;

  constructor(options: GroupCommitOptions<T>) {
    this.#o = { maxDelayMs: 2, maxBatch: 500, ...options };
  }

  /** Batches written and items in them so far (for metrics and tests). */
  stats(): { readonly batches: number; readonly items: number; readonly pending: number } {
    return { batches: this.#batches, items: this.#items, pending: this.#open.length };
  }

  /** Resolves once `item` is written; rejects with the writer's error if its batch failed. */
  submit(item: T): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the audit writer is closed'));
    return new Promise<void>((resolve, reject) => {
      this.#open.push({ item, resolve, reject });
      if (this.#open.length >= this.#o.maxBatch) this.#flushSoon(0);
      else this.#flushSoon(this.#o.maxDelayMs);
    });
  }

  /** Writes what is pending and refuses new items. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#open.length > 0 || this.#writing) {
      if (this.#writing) await this.#writing.catch(() => undefined);
      else await this.#flush();
    }
  }

  #flushSoon(delayMs: number): void {
    if (this.#writing) return; // the running write flushes the next batch when it finishes
    if (this.#timer !== undefined && delayMs > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, delayMs);
  }

  async #flush(): Promise<void> {
    if (this.#writing || this.#open.length === 0) return;
    const batch = this.#open.splice(0, this.#o.maxBatch);
    this.#writing = this.#o.write(batch.map((p) => p.item)).then(
      () => {
        this.#batches++;
        this.#items += batch.length;
        for (const p of batch) p.resolve();
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
    await this.#writing;
    this.#writing = undefined;
    if (this.#open.length > 0)
      this.#flushSoon(this.#open.length >= this.#o.maxBatch ? 0 : this.#o.maxDelayMs);
  }
}
