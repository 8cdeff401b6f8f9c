// @ts-check
/**
 * Mutation testing of the pure modules (issue 20). Run through
 * `npm run mutation` (scripts/mutation.mjs), which runs one module group at a
 * time with its own --mutate list and report folder; this file holds what
 * every group shares.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // The machine has 2 cores shared by several engineers.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables such as the catalogue's definitions) run
  // every test for each mutant. scripts/mutation.mjs decides per group
  // (STATIC_TESTED): the schedulers' 982 would take hours and are Ignored.
  ignoreStatic: true,
  // progress-file (scripts/mutation-progress-reporter.mjs): each result as it comes, for runs stopped before their end.
  plugins: ['@stryker-mutator/*', './scripts/mutation-progress-reporter.mjs'],
  reporters: ['html', 'json', 'clear-text', 'progress', 'progress-file'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 85, break: null },
};
