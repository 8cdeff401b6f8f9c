import type { OptimizerName } from '../optimizers.js';
import { kernelsPatched } from '../backend/patch.js';
import { ColumnStep } from './columns.js';
import { HostSgdStep } from './host-sgd.js';
import { ReferenceStep } from './reference.js';
import { RowStep } from './rows.js';
import type { BatchLayout, StepPlan } from './train-step.js';

/** Every step, by name: what `chooseStep` picks from, and what tests and benchmarks may ask for by name. */
export const STEP_NAMES = ['reference', 'rows', 'columns', 'host-sgd/rows', 'host-sgd/columns'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * The batch layout that suits a backend. On wasm the cost that layout decides
 * is XNNPACK's repacking of each product's right-hand operand, which the
 * column layout keeps small. Elsewhere layout costs nothing (tfjs-node's
 * TensorFlow takes transposes for free; the cpu backend's loops are
 * indifferent to them) and what counts is the number of kernel calls, each of
 * which costs tfjs-node tens of microseconds: the row step has fewer (the
 * hidden layer is one fused product + bias + relu).
 */
function layoutFor(backend: string): BatchLayout {
  return backend === 'wasm' ? 'columns' : 'rows';
}

/**
 * Whether a fused dense product (product + bias + activation) costs one kernel
 * call. Not on tfjs-node: tfjs-core wraps a fused product in three reshapes,
 * which tfjs-node runs as TensorFlow ops, and its fused kernel is itself a
 * product, an addition and a relu, so six calls against three unfused. On the
 * cpu backend the fused kernel is one call, and the unfused bias addition
 * takes tfjs' slow broadcasting loop.
 */
function fusedDenseIsOneCall(backend: string): boolean {
  return backend !== 'tensorflow';
}

/** The step called `name`, for `backend` (which decides only the row step's forward pass). */
export function stepNamed(name: StepName, backend: string): StepPlan {
  switch (name) {
    case 'reference':
      return { name, create: (context) => new ReferenceStep(context) };
    case 'rows':
      return { name, create: (context) => new RowStep(context, fusedDenseIsOneCall(backend)) };
    case 'columns':
      return { name, create: (context) => new ColumnStep(context) };
    case 'host-sgd/rows':
      return { name, create: (context) => new HostSgdStep(context, 'rows') };
    case 'host-sgd/columns':
      return { name, create: (context) => new HostSgdStep(context, 'columns') };
  }
}

/**
 * The fastest step for a backend and optimizer; with `tf.getBackend()` as the
 * backend. Plain SGD: the host-SGD step (the small output layer on the host).
 * Other optimizers: the whole backward pass on the backend and the tfjs
 * optimizer. Either in the backend's layout (`layoutFor`). This and backend
 * selection (train/backend/) are the only code that knows backend names.
 * docs/performance.md has the measurements behind these choices.
 */
export function chooseStep(backend: string, optimizer: OptimizerName): StepPlan {
  const layout = layoutFor(backend);
  if (optimizer === 'sgd') return stepNamed(layout === 'columns' ? 'host-sgd/columns' : 'host-sgd/rows', backend);
  return stepNamed(layout, backend);
}

/**
 * Whether cohort training (the runs of a repeat together) is faster than
 * training run by run on a backend, as measured (docs/performance.md,
 * "Cohort training"). On tensorflow and wasm the stacked step (steps/cohort.ts)
 * shares the per-call cost of the products among the runs. On cpu there is no
 * per-call cost to share, and the stacked weights leave the core's cache (the
 * stacked step measured 1.01x per-run there); the host step
 * (steps/cohort-host.ts, `cohortOnHost`) keeps each run's weights in cache,
 * updates them in place and shares the batch: 1.15x per-run in CPU time.
 */
export function cohortFasterOn(backend: string): boolean {
  return backend === 'tensorflow' || backend === 'wasm' || backend === 'cpu';
}

/**
 * Whether a plain-SGD cohort trains on host arrays run by run
 * (`HostCohortStep`) rather than with one stacked product on the backend
 * (`CohortStep`): on cpu with lr-compare's kernels, whose products are the
 * same host `gemm`, so the numbers are the same and each run's weights stay
 * in cache (docs/performance.md, "Cohort training"). With tfjs' stock cpu
 * kernels the stacked step keeps the cohort's numbers equal to per-run ones.
 */
export function cohortOnHost(backend: string): boolean {
  return backend === 'cpu' && kernelsPatched('cpu');
}
