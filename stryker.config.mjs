// Mutation testing of the pure domain: `npm run mutation` (not part of `npm test`: it takes many
// minutes). Mutates shared/domain only and runs only the tests in test/domain.
import process from 'node:process';

// Fewer fast-check runs per mutant: the property tests still explore, the run stays affordable.
process.env.DOMAIN_PROPERTY_RUNS ??= '20';
// A fixed seed: every mutant faces the same random sessions, and the initial run is reproducible.
process.env.DOMAIN_PROPERTY_SEED ??= '20270607';

// MUTATION_FILES narrows the run (a glob under shared/domain) and MUTATION_REPORT names its report,
// so a long run can be split: `MUTATION_FILES='session.ts' MUTATION_REPORT=session npm run mutation`.
const files = process.env.MUTATION_FILES ?? '**/*.ts';
const report = `reports/mutation/${process.env.MUTATION_REPORT ?? 'domain'}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [`shared/domain/${files}`, '!shared/domain/index.ts'],
  vitest: { configFile: 'test/domain/vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 10_000,
  incremental: true,
  incrementalFile: `${report}-incremental.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['cdk.out', '.data', 'reports', 'docs', 'bench', '.ci'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  thresholds: { high: 90, low: 85, break: null },
};
