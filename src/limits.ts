/**
 * The largest value of every count a user can give, in one table: the
 * options' parsers check them before any work, --help shows them, and the
 * README lists them. Each is far above what a real experiment needs and low
 * enough that the work it asks for fits in memory and finishes.
 */
export const LIMITS = {
  /** run --epochs, schedule --epochs: epochs of one run. */
  epochs: 100_000,
  /** run --repeats: runs per scheduler. */
  repeats: 1_000,
  /** Scheduler runs per repeat (--schedulers names plus -s specs). */
  schedulers: 100,
  /** --batch-size: MNIST's training set is 60,000 images; a batch cannot be larger than the data. */
  batchSize: 60_000,
  /** schedule --steps, and the length in steps of the run a schedule is built for. */
  scheduleSteps: 1_000_000,
  /** schedule --batches-per-epoch. */
  batchesPerEpoch: 1_000_000,
  // find-lr --steps: 100,000 batches, kept beside the range test (MAX_LR_FINDER_STEPS in src/train/range-test.ts).
  /** run --jobs: worker processes. */
  jobs: 256,
  /** run --shard i/n: n. A plan cannot have more runs than schedulers x repeats. */
  shards: 100_000,
  /** label=... of a scheduler spec, in characters. */
  labelLength: 100,
  /** A scheduler spec, in characters: without label= it is also the run's label (composites are long). */
  specLength: 1_000,
  /** run --tune-lr: rates in the grid. */
  tuneRates: 20,
  /** Runs one spec's parameter grids (key={a,b}) expand into. */
  gridCombinations: 64,
  /** A tuned plan's runs per repeat: scheduler runs (grid variants included) x rates. */
  tunedRunsPerRepeat: 200,
  /** merge: results files in one merge. */
  mergeFiles: 10_000,
} as const;

