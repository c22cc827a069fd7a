/** A FIFO queue with amortised O(1) push/shift, for pool waiters (Array#shift is O(n)). */
export class Deque<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends `item`. */
  push(item: T): void {
    this.#items.push(item);
    this.#size++;
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i];
      if (item !== undefined) return item;
    }
    return undefined;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head];
      this.#items[this.#head] = undefined;
      this.#head++;
      if (item !== undefined) {
        this.#size--;
        this.#compact();
        return item;
      }
    }
    return undefined;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #compact(): void {
    if (this.#size === 0) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
