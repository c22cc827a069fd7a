import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/audit/group-commit.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('group commit', () => {
  it('writes concurrent submissions as few batches, each caller resolved after its batch', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number>({
      maxDelayMs: 5,
      write: async (batch) => {
        await tick(10);
        batches.push([...batch]);
      },
    });
    await Promise.all(Array.from({ length: 300 }, (_, i) => gc.submit(i)));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(batches.length).toBeLessThanOrEqual(3);
    expect(gc.stats()).toEqual({ batches: batches.length, items: 300, pending: 0 });
  });

  it('never has two writes in flight, and caps the batch size', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    const gc = new GroupCommit<number>({
      maxBatch: 50,
      write: async (batch) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        sizes.push(batch.length);
        await tick(3);
        inFlight--;
      },
    });
    await Promise.all(Array.from({ length: 420 }, (_, i) => gc.submit(i)));
    expect(maxInFlight).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(420);
  });

  it('rejects every caller of a failed batch, and later batches still work', async () => {
    let fail = true;
    const gc = new GroupCommit<string>({
      write: async () => {
        if (fail) throw new Error('disk full');
      },
    });
    const first = await Promise.allSettled([gc.submit('a'), gc.submit('b')]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(gc.submit('c')).resolves.toBeUndefined();
  });

  it('close() writes what is pending and refuses new items', async () => {
    const written: string[] = [];
    const gc = new GroupCommit<string>({ maxDelayMs: 1000, write: async (b) => void written.push(...b) });
    const pending = gc.submit('x');
    await gc.close();
    await pending;
    expect(written).toEqual(['x']);
    await expect(gc.submit('y')).rejects.toThrow(/closed/);
  });
});
