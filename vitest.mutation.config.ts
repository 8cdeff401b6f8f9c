import { defineConfig } from 'vitest/config';

/**
 * The fast, pure tests that Stryker runs once per mutant (npm run mutation).
 * Only tests of the mutated modules belong here: no training, no child
 * processes, no browser, so that one mutant costs milliseconds, not seconds.
 */
export default defineConfig({
  test: {
    include: [
      'test/schedulers/parser.test.ts',
      'test/schedulers/catalogue.test.ts',
      'test/schedulers/composition.test.ts',
      'test/schedulers/golden.test.ts',
      'test/schedulers/article.test.ts',
      'test/schedulers/runtime.test.ts',
      'test/schedulers/*.pure.test.ts',
      'test/statistics/*.test.ts',
      'test/data/idx*.test.ts',
      'test/results/*.pure.test.ts',
    ],
    testTimeout: 30_000,
  },
});
