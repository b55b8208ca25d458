import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The domain tests alone, for the mutation run (stryker.config.mjs). The project's config excludes
 * `.stryker-tmp`, where Stryker's sandbox lives, so it cannot serve there.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/domain/**/*.test.ts'],
    testTimeout: 30_000,
    // The domain is pure and the tests share no state: one module graph for all files saves the
    // import time Stryker would otherwise pay for every mutant.
    isolate: false,
  },
});
