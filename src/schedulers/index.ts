/** The schedulers' public API. */
export type {
  ClosedFormScheduler,
  MetricDrivenScheduler,
  ParamValue,
  ResolvedSchedulerSpec,
  ScheduleContext,
  Scheduler,
  StepUnit,
} from './types.js';
export type { SchedulerDefinition, BuildInput, BuiltSchedule } from './definition.js';
export type { ParamDefinition, ParamType, NumericRange } from './params.js';
export type { CustomScheduleFunction } from './custom.js';
export { SCHEDULER_REGISTRY, SCHEDULER_NAMES, ARTICLE_SCHEDULERS, ALL_SCHEDULERS, findScheduler } from './registry.js';
export { parseSchedulerSpec, resolveSchedulerSelection } from './spec.js';
export { createScheduler, learningRates, momentums, runSteps } from './create.js';
export { OPTIMIZER_NAMES, MOMENTUM_CYCLING_OPTIMIZERS, cyclesMomentum, isOptimizerName, type OptimizerName } from './optimizer-names.js';
export { renderCatalogue, renderCatalogueSummary, renderCatalogueMarkdown } from './catalogue.js';
