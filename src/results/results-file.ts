import { UsageError } from '../errors.js';
import { readInputText } from '../read-input.js';
import { RESULTS_VERSION, type ResultsFile } from './results.js';
import { compareSchedulers } from './statistics.js';
import { SELECT_CHOICES, tuningOfRuns } from './tuning.js';

/**
 * Reading results files back (report, check, compare, merge, run --resume):
 * every problem is one line that names the file and the first bad field.
 */

type Check = (value: unknown) => boolean;
const isNumber: Check = (value) => typeof value === 'number';
/** NaN and Infinity (a diverged epoch) are written by JSON.stringify as null. */
const isMetric: Check = (value) => value === null || typeof value === 'number';
const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A metric that is a fraction (null: a diverged epoch). */
const isFractionOrNull: Check = (value) => value === null || (typeof value === 'number' && value >= 0 && value <= 1);
/** A loss is never negative (cross-entropy); null: a diverged epoch. */
const isLossOrNull: Check = (value) => value === null || (typeof value === 'number' && value >= 0);
/** The rate a run used: known, finite and not negative, even in a diverged epoch. */
const isLearningRate: Check = (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isEpochOrNull: Check = (value) => value === null || (Number.isInteger(value) && (value as number) >= 1);

const EPOCH_FIELDS: Record<string, Check> = {
  epoch: (value) => Number.isInteger(value) && (value as number) >= 1,
  learningRate: isLearningRate,
  loss: isLossOrNull,
  accuracy: isFractionOrNull,
  validationLoss: isLossOrNull,
  validationAccuracy: isFractionOrNull,
  seconds: isNumber,
};

/** The summary fields that the tables and charts read. */
const SUMMARY_FIELDS: Record<string, Check> = {
  epochsRun: isNumber,
  finalValidationAccuracy: isFractionOrNull,
  bestValidationAccuracy: isFractionOrNull,
  bestValidationAccuracyEpoch: isNumber,
  lowestValidationLoss: isLossOrNull,
  lowestValidationLossEpoch: isNumber,
  finalValidationLoss: isLossOrNull,
  testAccuracy: isFractionOrNull,
  testAccuracyAtBestValidationLoss: isFractionOrNull,
  finalLearningRate: isLearningRate,
  epochsToTarget: isEpochOrNull,
  divergedAtEpoch: isEpochOrNull,
  seconds: isNumber,
  secondsPerEpoch: isMetric,
};

const RUN_FIELDS: Record<string, Check> = {
  // A control character (a newline) would split the table and the verdict line.
  label: (value) => isString(value) && (value as string) !== '' && !/[\u0000-\u001f\u007f]/.test(value as string),
  scheduler: isString,
  repeat: (value) => Number.isInteger(value) && (value as number) >= 0,
  history: Array.isArray,
  summary: isObject,
};

/** A run still training when the comparison stopped has everything but the summary (its test metrics were never taken). */
const UNFINISHED_RUN_FIELDS: Record<string, Check> = Object.fromEntries(Object.entries(RUN_FIELDS).filter(([name]) => name !== 'summary'));

const CONFIGURATION_FIELDS: Record<string, Check> = {
  schedulers: (value) => Array.isArray(value) && value.every(isString),
  epochs: (value) => Number.isInteger(value) && (value as number) >= 1,
  repeats: (value) => Number.isInteger(value) && (value as number) >= 1,
  targetAcc: isNumber,
  validationSamples: isNumber,
};

/** The first field of `record` that is missing or of the wrong type, as a path. */
function badField(record: Record<string, unknown>, fields: Record<string, Check>, at: string): string | null {
  for (const [name, check] of Object.entries(fields)) {
    if (!(name in record)) return `${at}.${name} is missing`;
    if (!check(record[name])) return `${at}.${name} has a wrong value (${JSON.stringify(record[name])?.slice(0, 40)})`;
  }
  return null;
}

/**
 * What is wrong with one run, finished (`runs`) or still training when the
 * comparison stopped (`unfinishedRuns`: no summary, since its test metrics
 * were never taken), or null.
 */
function runProblem(run: unknown, at: string, kind: { finished: boolean; tuned: boolean }): string | null {
  if (!isObject(run)) return `${at} is not an object`;
  const record = run as Record<string, unknown>;
  const problem = kind.finished
    ? (badField(record, RUN_FIELDS, at) ?? badField(record.summary as Record<string, unknown>, SUMMARY_FIELDS, `${at}.summary`))
    : badField(record, UNFINISHED_RUN_FIELDS, at);
  if (problem) return problem;
  if (kind.tuned) {
    // A tuned file's every run says which phase it belongs to and the rate it trained at.
    const tunedProblem = badField(
      record,
      { phase: (value) => value === 'selection' || value === 'confirmation', gridPoint: (value) => isObject(value) && isNumber((value as Record<string, unknown>).lr) },
      at,
    );
    if (tunedProblem) return tunedProblem;
  }
  const history = record.history as unknown[];
  if (history.length === 0) return `${at}.history is empty`;
  for (let epoch = 0; epoch < history.length; epoch++) {
    if (!isObject(history[epoch])) return `${at}.history[${epoch}] is not an object`;
    const epochProblem = badField(history[epoch] as Record<string, unknown>, EPOCH_FIELDS, `${at}.history[${epoch}]`);
    if (epochProblem) return epochProblem;
    // The writer records epochs 1, 2, 3, ... in order; anything else was edited or pasted together.
    const number = (history[epoch] as { epoch: number }).epoch;
    if (number !== epoch + 1) return `${at}.history[${epoch}].epoch is ${number}, but epochs must run 1, 2, 3, ... in order (expected ${epoch + 1})`;
  }
  return null;
}

function problemIn(data: Record<string, unknown>): string | null {
  const top = badField(
    data,
    { complete: isBoolean, createdAt: isString, configuration: isObject, environment: isObject, runs: Array.isArray },
    'results',
  );
  if (top) return top;
  const configuration = badField(data.configuration as Record<string, unknown>, CONFIGURATION_FIELDS, 'configuration');
  if (configuration) return configuration;
  const environment = data.environment as Record<string, unknown>;
  if (!isString(environment.backend)) return 'environment.backend is missing';
  const tuning = (data.configuration as Record<string, unknown>).tuning;
  if (tuning !== undefined) {
    const problem = badField(
      isObject(tuning) ? (tuning as Record<string, unknown>) : {},
      {
        lr: (value) => Array.isArray(value) && value.length > 0 && value.every((rate) => typeof rate === 'number' && rate > 0),
        select: (value) => (SELECT_CHOICES as readonly unknown[]).includes(value),
        confirmRepeats: (value) => Number.isInteger(value) && (value as number) >= 1,
      },
      'configuration.tuning',
    );
    if (problem) return problem;
  }
  const runs = data.runs as unknown[];
  for (let index = 0; index < runs.length; index++) {
    const problem = runProblem(runs[index], `runs[${index}]`, { finished: true, tuned: tuning !== undefined });
    if (problem) return problem;
  }
  const unfinished = data.unfinishedRuns;
  if (unfinished !== undefined) {
    if (!Array.isArray(unfinished)) return `results.unfinishedRuns has a wrong value (${JSON.stringify(unfinished)?.slice(0, 40)})`;
    // Only an interrupted file has runs still training; a complete one has none.
    if (data.complete === true && unfinished.length > 0) return 'results.unfinishedRuns is not empty although the run is marked complete';
    for (let index = 0; index < unfinished.length; index++) {
      const problem = runProblem(unfinished[index], `unfinishedRuns[${index}]`, { finished: false, tuned: tuning !== undefined });
      if (problem) return problem;
    }
  }
  const seen = new Map<string, number>();
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index] as { label: string; repeat: number; phase?: string; gridPoint?: { lr: number } };
    // A tuned file's selection runs of one label and repeat differ in their rate: (label, rate, repeat) is one run.
    const atRate = run.phase === 'selection' ? ` at lr ${run.gridPoint?.lr}` : '';
    const key = `${run.label}${atRate}#${run.repeat}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return `runs[${index}] repeats runs[${earlier}]: both are '${run.label}'${atRate} repeat ${run.repeat}; each (label, repeat) is one run`;
    seen.set(key, index);
  }
  if (data.complete === true && runs.length === 0) return 'results.runs is empty although the run is marked complete';
  return null;
}

/** Reads and checks a results file; every problem is a UsageError of one line. */
export function readResultsFile(path: string): ResultsFile {
  const text = readInputText(path, 'results file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text it choked on, newlines included: keep the message to one short line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 100);
    throw new UsageError(`${path} is not JSON (${reason}); give the results file that 'lr-compare run' wrote`);
  }
  if (!isObject(data)) throw new UsageError(`${path} is not an lr-compare results file: it holds no JSON object`);
  const record = data as Record<string, unknown>;
  if (record.version === undefined) throw new UsageError(`${path} is not an lr-compare results file: it has no results version`);
  if (!Number.isInteger(record.version) || (record.version as number) < 1) {
    throw new UsageError(`${path}: version ${JSON.stringify(record.version)} is not supported (this lr-compare reads versions 1 to ${RESULTS_VERSION})`);
  }
  if ((record.version as number) > RESULTS_VERSION) {
    throw new UsageError(
      `${path} was written by a newer lr-compare (results version ${record.version}; this one reads versions 1 to ${RESULTS_VERSION}): upgrade lr-compare`,
    );
  }
  const problem = problemIn(record);
  if (problem) throw new UsageError(`${path} is not a complete lr-compare results file: ${problem}`);
  const results = data as ResultsFile;
  if (results.runs.length === 0) return results;
  // The statistics of exactly the runs in the file, computed as `run` computes them (also for files
  // written before statistics were stored, and for runs pasted together by hand).
  const tuning = tuningOfRuns(results.configuration, results.runs);
  return { ...results, statistics: compareSchedulers(results.runs, results.configuration.validationSamples), ...(tuning ? { tuning } : {}) };
}
