import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Training tests run real (tiny) jobs on 2 cores; give them room, and run
    // files one at a time so that they do not fight over the cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
