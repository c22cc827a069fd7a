import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    globalSetup: ['test/harness/global-setup.ts'],
    // The whole-run secret scan (test/harness/capture.ts) fails the run if a secret leaked into any output.
    reporters: ['default', './test/harness/secret-scan-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2 cores: run files in parallel but not more than the machine can hold with two servers running.
    maxWorkers: 2,
  },
});
