/**
 * lr-compare's public surface, and the only one (like PyTorch's `__all__`):
 * everything a tfjs user may import is listed here by name; the rest of dist/
 * is the CLI and its training engine, not part of the API.
 *
 *     import { schedule, schedules, learningRateScheduler } from 'lr-compare';
 *
 * Importing it loads no backend and patches nothing: it uses the user's own
 * `@tensorflow/tfjs` (a peer dependency).
 */

// Schedules: build one from a spec string or a typed factory, read its rates.
export { schedule } from './library/schedule.js';
export type { ScheduleRunContext, ScheduleSpec } from './library/schedule.js';
export { schedules } from './library/factories.js';
export type { ScheduleFactories, ScheduleFactory } from './library/factories.js';
export type * from './library/schedule-params.generated.js';
export type { ClosedFormScheduler, MetricDrivenScheduler, MonitoredMetric, Scheduler, StepUnit } from './schedulers/types.js';

// The tfjs callback for model.fit (and for loops of your own), and what it uses to set an optimizer's rate.
export { learningRateScheduler, LearningRateScheduler, LEARNING_RATE_LOG_KEY } from './callbacks/learning-rate-scheduler.js';
export type { LearningRateSchedulerOptions, ScheduleSource } from './callbacks/learning-rate-scheduler.js';
export { effectiveLearningRate, setLearningRate } from './callbacks/optimizer-rate.js';

// Composition (optax's join_schedules): parts joined at boundaries, each counting from its own boundary.
export { join } from './schedulers/join.js';
export type { JoinPart } from './schedulers/join.js';

// The LR range test on a user's own compiled tfjs-layers model, built on the same schedule and callback.
export { findLearningRate } from './train/range-test.js';
export type { LrFinderResult, RangeTestData, RangeTestOptions } from './train/range-test.js';

// Errors.
export { ScheduleSpecError } from './errors.js';
export type { ScheduleErrorCode } from './errors.js';
