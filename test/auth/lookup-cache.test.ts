import { describe, expect, it } from 'vitest';
import { LookupCache } from '../../src/auth/lookup-cache.js';

/** A load function whose calls are counted and resolved by hand. */
function manualLoad<V>() {
  const pending: ((value: V) => void)[] = [];
  const failers: ((error: Error) => void)[] = [];
  let calls = 0;
  return {
    load: () =>
      new Promise<V>((resolve, reject) => {
        calls += 1;
        pending.push(resolve);
        failers.push(reject);
      }),
    resolveAll(value: V) {
      for (const r of pending.splice(0)) r(value);
      failers.splice(0);
    },
    rejectAll(error: Error) {
      for (const r of failers.splice(0)) r(error);
      pending.splice(0);
    },
    get calls() {
      return calls;
    },
  };
}

describe('LookupCache', () => {
  it('shares one lookup between concurrent misses of a key (no stampede on expiry)', async () => {
    let now = 0;
    const cache = new LookupCache<string>({ ttlMs: 5000, now: () => now });
    const l = manualLoad<string>();
    const waiting = Array.from({ length: 50 }, () => cache.get('k', l.load));
    expect(l.calls).toBe(1);
    l.resolveAll('v1');
    expect(await Promise.all(waiting)).toEqual(Array(50).fill('v1'));

    now = 5000; // expired: 50 callers again, still one lookup
    const again = Array.from({ length: 50 }, () => cache.get('k', l.load));
    expect(l.calls).toBe(2);
    l.resolveAll('v2');
    expect(new Set(await Promise.all(again))).toEqual(new Set(['v2']));
  });

  it('trusts a value for ttl from the start of its lookup, never longer', async () => {
    let now = 0;
    const cache = new LookupCache<string>({ ttlMs: 1000, now: () => now });
    const l = manualLoad<string>();
    const first = cache.get('k', l.load);
    now = 400; // the lookup took 400 ms
    l.resolveAll('old');
    await first;
    now = 999;
    await cache.get('k', l.load); // starts a background refresh (last fifth), served from the cache
    const calls = l.calls;
    now = 1000; // the entry's life is over although it was stored at 400
    const late = cache.get('k', l.load);
    expect(l.calls).toBe(calls); // joins the refresh in flight instead of trusting the stale value
    l.resolveAll('new');
    expect(await late).toBe('new');
  });

  it('refreshes a busy key in the background before it expires, so callers never wait', async () => {
    let now = 0;
    const cache = new LookupCache<number>({ ttlMs: 1000, now: () => now });
    const l = manualLoad<number>();
    const first = cache.get('k', l.load);
    l.resolveAll(1);
    await first;
    now = 700;
    expect(await cache.get('k', l.load)).toBe(1);
    expect(l.calls).toBe(1); // not yet in the last fifth
    now = 850;
    expect(await cache.get('k', l.load)).toBe(1); // served at once
    expect(await cache.get('k', l.load)).toBe(1);
    expect(l.calls).toBe(2); // one refresh, not one per hit
    l.resolveAll(2);
    await Promise.resolve();
    await Promise.resolve();
    now = 1500; // past the first entry's life, inside the refreshed one's (850 + 1000)
    expect(await cache.get('k', l.load)).toBe(2);
    expect(l.calls).toBe(2);
  });

  it('a failed lookup is not cached; a failed background refresh leaves the entry to expire', async () => {
    let now = 0;
    const cache = new LookupCache<string>({ ttlMs: 1000, now: () => now });
    const l = manualLoad<string>();
    const failing = cache.get('k', l.load);
    l.rejectAll(new Error('store down'));
    await expect(failing).rejects.toThrow('store down');
    const ok = cache.get('k', l.load);
    expect(l.calls).toBe(2);
    l.resolveAll('v');
    expect(await ok).toBe('v');

    now = 900;
    expect(await cache.get('k', l.load)).toBe('v'); // background refresh starts
    l.rejectAll(new Error('store down'));
    await Promise.resolve();
    expect(await cache.get('k', l.load)).toBe('v'); // still within its life
    now = 1000;
    const after = cache.get('k', l.load);
    l.resolveAll('w');
    expect(await after).toBe('w');
  });

  it('delete wins over a lookup in flight (a revocation is not undone by an older answer)', async () => {
    const cache = new LookupCache<string>({ ttlMs: 5000, now: () => 0 });
    const l = manualLoad<string>();
    const before = cache.get('k', l.load);
    cache.delete('k');
    l.resolveAll('granted');
    expect(await before).toBe('granted'); // that caller asked before the change
    const after = cache.get('k', l.load);
    expect(l.calls).toBe(2); // but the answer was not kept
    l.resolveAll('revoked');
    expect(await after).toBe('revoked');
    cache.clear();
    const fresh = cache.get('k', l.load);
    expect(l.calls).toBe(3);
    l.resolveAll('x');
    await fresh;
  });
});
