import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (`npm run test:reliability`): fault and load scenarios, each on its own private
 * servers and a carepool process, run one file at a time (they load the machine on purpose).
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
