import type { Slot } from './lease.js';
import type { DestroyReason, PoolObserver } from './observer.js';

/**
 * Removes from `idle` (in place) the connections that sat idle past `idleTimeoutMs`, reached their lifetime
 * or broke, keeping at least `min`, and hands each to `destroy`. LIFO lending leaves the least recently used
 * connections at the bottom of the stack, so eviction starts there.
 */
export function evictIdle(
  idle: Slot[],
  settings: { readonly min: number; readonly idleTimeoutMs: number },
  now: number,
  destroy: (slot: Slot, reason: DestroyReason) => void,
): void {
  for (let i = 0; i < idle.length && idle.length > settings.min;) {
    const slot = idle[i] as Slot;
    const idleTooLong = settings.idleTimeoutMs > 0 && now - slot.lastUsedAt > settings.idleTimeoutMs;
    if (idleTooLong || now >= slot.retireAt || slot.conn.broken) {
      idle.splice(i, 1);
      destroy(slot, slot.conn.broken ? 'broken' : idleTooLong ? 'idle' : 'lifetime');
    } else i++;
  }
}

/** Reports (once per checkout) every lent connection held longer than `leakDetectionMs` (0: off). */
export function reportLeaks(
  active: Iterable<Slot>,
  leakDetectionMs: number,
  now: number,
  observer: PoolObserver,
): void {
  if (leakDetectionMs <= 0) return;
  for (const slot of active) {
    const held = now - slot.checkedOutAt;
    if (!slot.leakReported && held > leakDetectionMs) {
      slot.leakReported = true;
      observer.leak?.({ threadId: slot.conn.threadId, heldMs: held, label: slot.label });
    }
  }
}

/** Resolves when the callback handed to `arm` is called, or after `ms` (unref'd timer), whichever is first. */
export function untilOrTimeout(ms: number, arm: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    arm(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
