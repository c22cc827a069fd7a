import type { ObserverHub } from '../db/pool/observer.js';
import { roundMs } from './percentiles.js';

/** What a {@link WaitRecorder} collected since the last drain. */
export interface WaitWindow {
  /** Acquire waits (ms, 0.1 ms resolution), in the order they happened. */
  readonly waits: readonly number[];
  readonly timeouts: number;
}

/**
 * Records every acquire wait and acquire timeout of one pool while attached to its {@link ObserverHub}.
 * The hook runs on every acquire, so it only pushes a number.
 */
export class WaitRecorder {
  #waits: number[] = [];
  #timeouts = 0;
  readonly #detach: () => void;

  constructor(hub: ObserverHub) {
    this.#detach = hub.add({
      acquired: (ms) => {
        this.#waits.push(roundMs(ms));
      },
      timedOut: () => {
        this.#timeouts++;
      },
    });
  }

  /** Returns what was recorded since the previous call and starts a new window. */
  drain(): WaitWindow {
    const window = { waits: this.#waits, timeouts: this.#timeouts };
    this.#waits = [];
    this.#timeouts = 0;
    return window;
  }

  /** Stops recording. */
  detach(): void {
    this.#detach();
  }
}
