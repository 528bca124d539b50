import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
    // Integration tests start servers, bot processes and a browser, and mostly wait on them: two
    // workers on this 2-core machine take the suite from about 445 s to 280 s (the default here was one).
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
