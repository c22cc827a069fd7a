import { describe, expect, it } from 'vitest';
import { checkBudget, fleetBudget, poolShare, staleAfterMs } from '../../src/fleet/index.js';

const base = { maxConnections: 171, headroom: 11, poolMax: 20, self: 'me' };

describe('fleet budget (pure)', () => {
  it('gives a lone instance its configured pool, never more', () => {
    expect(poolShare({ ...base, live: [] })).toBe(20);
    expect(poolShare({ ...base, live: [{ instanceId: 'me', poolMax: 1 }] })).toBe(20);
  });

  it('splits max_connections − headroom evenly once every instance has its share (B1ms, 10 instances)', () => {
    const live = Array.from({ length: 10 }, (_, i) => ({ instanceId: `i${i}`, poolMax: 16 }));
    // (171 − 11) / 10 = 16 each, and the sum fits.
    expect(poolShare({ ...base, self: 'i3', live })).toBe(16);
    expect(checkBudget(171, 11, live)).toMatchObject({ demand: 160, over: false, instances: 10 });
  });

  it('a newcomer takes only the room the others leave: the sum exceeds the budget by at most the newcomer\'s first connection, until the others\' next beat', () => {
    const budget = fleetBudget(40, 10); // 30
    let pools = new Map<string, number>([['a', 20]]);
    const sum = () => [...pools.values()].reduce((s, n) => s + n, 0);
    const step = (self: string, slack = 0) => {
      const live = [...pools].map(([instanceId, poolMax]) => ({ instanceId, poolMax }));
      pools.set(self, poolShare({ maxConnections: 40, headroom: 10, poolMax: 20, self, live }));
      expect(sum()).toBeLessThanOrEqual(budget + slack);
    };
    pools.set('b', 1); // joins with a claim of 1
    step('b');
    expect(pools.get('b')).toBe(10);
    step('a');
    step('b');
    expect([pools.get('a'), pools.get('b')]).toEqual([15, 15]);
    // The whole budget is taken: the newcomer's one connection comes out of the headroom for one beat.
    pools.set('c', 1);
    step('c', 1);
    for (const who of ['a', 'b', 'c', 'a', 'b', 'c']) step(who);
    expect([...pools.values()]).toEqual([10, 10, 10]);
    // One leaves: the others grow back at their next beats.
    pools = new Map([...pools].filter(([id]) => id !== 'c'));
    step('a');
    step('b');
    expect([...pools.values()]).toEqual([15, 15]);
  });

  it('never goes below one connection, even when the others over-claim', () => {
    expect(
      poolShare({ ...base, maxConnections: 20, headroom: 10, live: [{ instanceId: 'x', poolMax: 20 }] }),
    ).toBe(1);
  });

  it('flags a fleet whose pools plus headroom exceed max_connections', () => {
    const live = Array.from({ length: 9 }, (_, i) => ({ instanceId: `i${i}`, poolMax: 20 }));
    expect(checkBudget(171, 10, live)).toMatchObject({ demand: 180, over: true });
  });

  it('calls a row stale after three missed beats plus a second', () => {
    expect(staleAfterMs(2000)).toBe(7000);
  });
});
