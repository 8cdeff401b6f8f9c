/**
 * Joining schedules end to end, as optax's `join_schedules(schedules, boundaries)`
 * does: from step `boundaries[i-1]` on, schedule i runs, counting from its own
 * step 0 (`schedule_i(step - boundary)`). Warmup, `sequential(...)` and
 * optax's warmup schedules are all built on it.
 *
 * A part may be metric-driven (ReduceLROnPlateau after warmup): the joined
 * schedule then keeps a step counter, feeds each observed metric only to the
 * part active during that step, and reads the rate of the part active next.
 */
import type { ClosedFormScheduler, MetricDrivenScheduler, MonitoredMetric, Scheduler } from './types.js';

/** A part of a join: a closed-form function of its own step, or a metric-driven scheduler. */
export type JoinPart =
  | { readonly kind: 'closed-form'; readonly lrAt: (step: number) => number; readonly momentumAt?: (step: number) => number }
  | { readonly kind: 'metric-driven'; readonly scheduler: MetricDrivenScheduler };

/** Index of the part active at `step`: the number of boundaries <= step (optax: `step >= boundary`). */
function partIndex(boundaries: readonly number[], step: number): number {
  let index = 0;
  while (index < boundaries.length && step >= boundaries[index]!) index++;
  return index;
}

function checkJoin(parts: readonly unknown[], boundaries: readonly number[]): void {
  if (parts.length === 0) throw new RangeError('join needs at least one schedule');
  if (boundaries.length !== parts.length - 1) {
    throw new RangeError(`join needs one boundary fewer than schedules: ${parts.length} schedules, ${boundaries.length} boundaries`);
  }
  for (let i = 0; i < boundaries.length; i++) {
    const boundary = boundaries[i]!;
    if (!Number.isSafeInteger(boundary) || boundary < 0 || (i > 0 && boundary < boundaries[i - 1]!)) {
      throw new RangeError(`join boundaries must be whole numbers >= 0 in non-decreasing order, got ${boundaries.join(', ')}`);
    }
  }
}

/** optax.join_schedules over closed-form parts: a closed-form function of the step. */
export function joinClosedForm(parts: readonly ((step: number) => number)[], boundaries: readonly number[]): (step: number) => number {
  checkJoin(parts, boundaries);
  return (step: number) => {
    const index = partIndex(boundaries, step);
    return parts[index]!(index === 0 ? step : step - boundaries[index - 1]!);
  };
}

/** The joined schedule of parts of which at least one is metric-driven; it counts its own steps. */
class JoinedMetricScheduler implements MetricDrivenScheduler {
  readonly kind = 'metric-driven';
  readonly unit = 'epoch';
  readonly monitor: MonitoredMetric;
  private step = 0;

  constructor(
    private readonly parts: readonly JoinPart[],
    private readonly boundaries: readonly number[],
  ) {
    const monitors = new Set(parts.flatMap((part) => (part.kind === 'metric-driven' ? [part.scheduler.monitor] : [])));
    if (monitors.size !== 1) throw new RangeError(`the metric-driven parts of a join must watch one metric, got ${[...monitors].join(', ')}`);
    this.monitor = [...monitors][0]!;
  }

  private active(): { part: JoinPart; localStep: number } {
    const index = partIndex(this.boundaries, this.step);
    return { part: this.parts[index]!, localStep: index === 0 ? this.step : this.step - this.boundaries[index - 1]! };
  }

  currentLr(): number {
    const { part, localStep } = this.active();
    return part.kind === 'closed-form' ? part.lrAt(localStep) : part.scheduler.currentLr();
  }

  observe(metric: number): void {
    const { part } = this.active();
    // Metrics seen while a closed-form part runs are not the metric-driven part's business.
    if (part.kind === 'metric-driven') part.scheduler.observe(metric);
    this.step++;
  }
}

/**
 * `join(schedules, boundaries)`: optax `join_schedules` semantics. Closed-form
 * parts give a closed-form schedule in `unit`; any metric-driven part makes
 * the result metric-driven (per epoch).
 */
export function join(parts: readonly JoinPart[], boundaries: readonly number[], unit: ClosedFormScheduler['unit'] = 'epoch'): Scheduler {
  checkJoin(parts, boundaries);
  if (parts.every((part) => part.kind === 'closed-form')) {
    const lrAt = joinClosedForm(
      parts.map((part) => (part as { lrAt: (step: number) => number }).lrAt),
      boundaries,
    );
    return { kind: 'closed-form', unit, lrAt };
  }
  return new JoinedMetricScheduler(parts, boundaries);
}
