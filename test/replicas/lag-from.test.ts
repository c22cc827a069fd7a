import { describe, expect, it } from 'vitest';
import { lagFrom, type Sample } from '../../src/replicas/monitor.js';

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
    expect(lagFrom(history, 'mariadb', '0-1-163', now, 60_000)).toBe(0);
    expect(lagFrom(history, 'mariadb', '0-1-161', now, 60_000)).toBe(1000);
    expect(lagFrom(history, 'mariadb', '0-1-100', now, 60_000)).toBe(31_500);
  });

  it('behind every sample: unknown while the samples span less than the bound, their age once more', () => {
    expect(lagFrom(history, 'mariadb', '0-1-50', now, 60_000)).toBeNull();
    expect(lagFrom(history, 'mariadb', '0-1-50', now, 10_000)).toBe(31_500);
    expect(lagFrom([], 'mariadb', '0-1-50', now, 10_000)).toBeNull();
  });
});
