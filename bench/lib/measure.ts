/** Median of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `op` `count` times with `concurrency` in flight; returns operations per second. */
export async function throughput(
  op: () => Promise<unknown>,
  count: number,
  concurrency: number,
): Promise<number> {
  let left = count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left--;
        await op();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * Compares candidates fairly on a noisy machine: warm each up, then interleave rounds (A B A B …) and
 * keep every round's ops/s of each (index = round, so rounds can be paired).
 */
export async function compareRounds(
  candidates: Readonly<Record<string, () => Promise<unknown>>>,
  options: { count: number; concurrency: number; rounds: number },
): Promise<Record<string, number[]>> {
  const names = Object.keys(candidates);
  for (const name of names)
    await throughput(
      candidates[name] as () => Promise<unknown>,
      Math.ceil(options.count / 4),
      options.concurrency,
    );
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      samples[name]?.push(
        await throughput(candidates[name] as () => Promise<unknown>, options.count, options.concurrency),
      );
    }
  }
  return samples;
}

/** {@link compareRounds}, reduced to the median ops/s of each candidate. */
export async function compare(
  candidates: Readonly<Record<string, () => Promise<unknown>>>,
  options: { count: number; concurrency: number; rounds: number },
): Promise<Record<string, number>> {
  const samples = await compareRounds(candidates, options);
  return Object.fromEntries(Object.entries(samples).map(([n, s]) => [n, median(s)]));
}

/** Per-round ratios `a[i] / b[i]` of two candidates measured in the same rounds, formatted. */
export function pairedRatios(a: readonly number[], b: readonly number[], digits = 2): string {
  return a.map((x, i) => (x / (b[i] ?? Number.NaN)).toFixed(digits)).join(', ');
}
