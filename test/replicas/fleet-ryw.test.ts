import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { type FleetAnswer, FleetChecks, settleUntil } from '../../src/replicas/fleet-ryw.js';

/** A check runner the test answers by hand; records each query's actors. */
function manual() {
  const calls: { actors: string[]; answer: (a: FleetAnswer) => void }[] = [];
  const run = (actors: ReadonlySet<string>, sent: () => void) =>
    new Promise<FleetAnswer>((resolve) => {
      sent();
      calls.push({ actors: [...actors].sort(), answer: resolve });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));
const answer = (position: string, ...writers: string[]): FleetAnswer => ({
  position,
  writers: new Set(writers),
});

describe('FleetChecks: sharing read-your-writes checks on the primary', () => {
  it('reads that arrive before a check is sent share it; one check is in flight at a time', async () => {
    const { calls, run } = manual();
    const checks = new FleetChecks(run, 0);
    const now = performance.now();
    const a = checks.ask('ann', now);
    const b = checks.ask('bob', now);
    await tick();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.actors).toEqual(['ann', 'bob']);
    // Arrives while the first is in flight, after it was sent: needs a new check, sent after the first answers.
    const c = checks.ask('cy', performance.now() + 1);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.answer(answer('0-1-5', 'bob'));
    expect((await a).writers.has('ann')).toBe(false);
    expect((await b).writers.has('bob')).toBe(true);
    await tick();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.actors).toEqual(['cy']);
    calls[1]?.answer(answer('0-1-6'));
    expect((await c).position).toBe('0-1-6');
    expect(checks.joined).toBe(3);
    expect(checks.reused).toBe(0);
  });

  it('a read that began at most settleMs after a check was sent reuses it (in flight or answered), if it asked about its actor', async () => {
    const { calls, run } = manual();
    const checks = new FleetChecks(run, 50);
    const first = checks.ask('ann', performance.now());
    await tick();
    expect(calls).toHaveLength(1);
    const sentBy = performance.now();
    // In flight, began within the window: shares the query.
    const same = checks.ask('ann', sentBy + 10);
    // Position only (writes not audited): any check covers it.
    const anyone = checks.ask(undefined, sentBy + 10);
    // Another actor: the check did not ask about them, so a new one.
    const other = checks.ask('bob', sentBy + 10);
    calls[0]?.answer(answer('0-1-7', 'ann'));
    expect(await same).toBe(await first);
    expect((await anyone).position).toBe('0-1-7');
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]?.answer(answer('0-1-8'));
    expect((await other).position).toBe('0-1-8');
    // A read that began more than settleMs after the latest check was sent needs a new one.
    const later = checks.ask(undefined, performance.now() + 1000);
    await tick();
    expect(calls).toHaveLength(3);
    calls[2]?.answer(answer('0-1-9'));
    expect((await later).position).toBe('0-1-9');
    expect(checks.joined).toBe(3);
    expect(checks.reused).toBe(2);
  });

  it('reads by many actors look back over recent checks: one that asked about the actor within settleMs is reused', async () => {
    const { calls, run } = manual();
    const checks = new FleetChecks(run, 10_000);
    const ann = checks.ask('ann', performance.now());
    await tick();
    calls[0]?.answer(answer('0-1-10'));
    await ann;
    // Bob was not asked about: a check of his own, which is now the latest sent.
    const bob = checks.ask('bob', performance.now());
    await tick();
    expect(calls).toHaveLength(2);
    // Ann again: the latest check did not ask about her, the one before did (within settleMs): reused.
    expect((await checks.ask('ann', performance.now())).position).toBe('0-1-10');
    expect(calls).toHaveLength(2);
    calls[1]?.answer(answer('0-1-11'));
    expect((await bob).position).toBe('0-1-11');
    expect(checks.reused).toBe(1);
  });

  it('an answered check is preferred to one in flight that also covers the read; a failed check is never reused', async () => {
    const { calls, run } = manual();
    const checks = new FleetChecks(run, 10_000);
    const first = checks.ask('ann', performance.now());
    await tick();
    calls[0]?.answer(answer('0-1-20'));
    await first;
    // A read that began after the first check's window: a second check asking about ann, left in flight.
    const later = checks.ask('ann', performance.now() + 20_000);
    await tick();
    expect(calls).toHaveLength(2);
    // Both cover a read beginning now; the answered one serves it without waiting for the second.
    expect((await checks.ask('ann', performance.now())).position).toBe('0-1-20');
    calls[1]?.answer(answer('0-1-21'));
    expect((await later).position).toBe('0-1-21');

    let n = 0;
    const failing = new FleetChecks((_actors, sent) => {
      sent();
      n++;
      return n === 1 ? Promise.reject(new Error('primary down')) : Promise.resolve(answer('0-1-30'));
    }, 10_000);
    await expect(failing.ask('ann', performance.now())).rejects.toThrow('primary down');
    expect((await failing.ask('ann', performance.now())).position).toBe('0-1-30');
    expect(n).toBe(2);
  });

  it('a failed check fails its reads (the router then reads the primary); the next check is sent', async () => {
    let n = 0;
    const checks = new FleetChecks((_actors, sent) => {
      sent();
      n++;
      return n === 1 ? Promise.reject(new Error('primary down')) : Promise.resolve(answer('0-1-1'));
    }, 0);
    await expect(checks.ask('ann', performance.now())).rejects.toThrow('primary down');
    expect((await checks.ask('ann', performance.now() + 1)).position).toBe('0-1-1');
  });

  it('settleUntil returns only once the monotonic clock has passed the deadline', async () => {
    for (const ms of [0, 1, 5, 12]) {
      const deadline = performance.now() + ms;
      await settleUntil(deadline);
      expect(performance.now()).toBeGreaterThanOrEqual(deadline);
    }
  });
});
