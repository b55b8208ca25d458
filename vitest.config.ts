import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'shared/**/*.test.ts', 'events/**/*.test.ts', 'functions/**/*.test.ts', 'infra/**/*.test.ts'],
    exclude: ['node_modules', 'cdk.out', '.data', '.stryker-tmp'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker per core minus one: a single worker on a 2-core machine,
    // while the slowest files (offline stacks, browser, emulators) mostly wait on I/O. Three
    // workers there took the suite from 420 s to 233 s; each file starts its own emulators on
    // ephemeral ports and its own data directory, so files share no state.
    maxWorkers: Math.max(3, availableParallelism()),
  },
});
