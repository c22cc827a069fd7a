/**
 * A FIFO queue with O(1) push/shift and O(1) removal by handle, for pool waiters. (Array#shift is O(n),
 * and a waiter that times out must leave the middle of the queue.)
 */
export class Deque<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Appends `item`; returns its slot for {@link Deque.remove}. */
  push(item: T): number {
    this.#items.push(item);
    this.#size++;
    return this.#items.length - 1;
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

  /** Removes the item at `slot` if it is still `item`. */
  remove(slot: number, item: T): boolean {
    if (this.#items[slot] !== item) return false;
    this.#items[slot] = undefined;
    this.#size--;
    this.#compact();
    return true;
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
