import { describe, expect, it } from 'vitest';
import { judgedLag, lagFrom, type Sample } from '../../src/replicas/monitor.js';

/**
 * Lag from the primary's GTID samples (MariaDB positions of domain 0). A replica behind every sample kept
 * read as lagging by the history's age (about 32 s at 64 polls of 500 ms) whatever its real lag, so under a
 * bound of 32 s or more it was served from however far behind it was.
 */
const samples = (now: number, count: number, everyMs: number): Sample[] =>
  Array.from({ length: count }, (_, i) => ({
    position: `0-1-${100 + i}`,
    at: now - (count - 1 - i) * everyMs,
  }));

describe('lagFrom', () => {
  const now = 1_000_000;
  const history = samples(now, 64, 500); // positions 0-1-100 .. 0-1-163, the oldest 31.5 s old

  it('is 0 when the replica covers the newest sample, else the age of the newest sample it covers', () => {
    expect(lagFrom(history, 'mariadb', '0-1-163', now)).toEqual({ ms: 0, atLeast: false });
    expect(lagFrom(history, 'mariadb', '0-1-161', now)).toEqual({ ms: 1000, atLeast: false });
    expect(lagFrom(history, 'mariadb', '0-1-100', now)).toEqual({ ms: 31_500, atLeast: false });
    expect(lagFrom(history, 'mariadb', '0-1-50', now)).toEqual({ ms: 31_500, atLeast: true });
    expect(lagFrom([], 'mariadb', '0-1-50', now)).toBeNull();
  });

  it('behind every sample: unknown while that lower bound is within the bound, the bound crossed once above', () => {
    const behind = lagFrom(history, 'mariadb', '0-1-50', now);
    expect(judgedLag(behind, null, 60_000)).toBeNull();
    expect(judgedLag(behind, 0, 60_000)).toBeNull();
    expect(judgedLag(behind, null, 10_000)).toBe(31_500);
    // Seconds_Behind_Master (a delayed replica reports its delay) can show the bound crossed on its own.
    expect(judgedLag(behind, 90, 60_000)).toBe(90_000);
    // A covered sample is an upper bound: used as it is, never below Seconds_Behind_Master.
    expect(judgedLag({ ms: 1000, atLeast: false }, null, 60_000)).toBe(1000);
    expect(judgedLag({ ms: 1000, atLeast: false }, 5, 60_000)).toBe(5000);
    expect(judgedLag(null, 5, 60_000)).toBeNull();
  });
});
