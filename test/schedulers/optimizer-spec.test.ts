/** `optimizer=` in a spec: beside label=, validated against the optimizer names, refused on a composite's parts. */
import { describe, expect, it } from 'vitest';
import { parseSchedulerSpec, resolveSchedulerSelection } from '../../src/schedulers/index.js';

describe('a spec that carries its own optimizer', () => {
  it('keeps the optimizer apart from the schedule parameters', () => {
    const spec = parseSchedulerSpec('none:label=sf,optimizer=schedulefree_sgd');
    expect(spec.optimizer).toBe('schedulefree_sgd');
    expect(spec.label).toBe('sf');
    expect(Object.keys(spec.params)).not.toContain('optimizer');
    expect(parseSchedulerSpec('cosine').optimizer).toBeUndefined();
  });

  it('refuses an unknown optimizer, one given twice, and one on a part of a composite, naming what is allowed', () => {
    expect(() => parseSchedulerSpec('step:optimizer=lion')).toThrow(
      "scheduler 'step': optimizer must be one of sgd, momentum, adam, rmsprop, adamw, schedulefree_sgd, schedulefree_adamw, got 'lion'",
    );
    expect(() => parseSchedulerSpec('step:optimizer=adam,optimizer=sgd')).toThrow('optimizer is given twice');
    expect(() => parseSchedulerSpec('sequential(linear:optimizer=adam; cosine):milestones=5')).toThrow("'optimizer=' belongs on the sequential(...) itself");
  });

  it('lets one selection mix optimizers', () => {
    const specs = resolveSchedulerSelection(['all'], ['none:label=schedule-free,optimizer=schedulefree_sgd']);
    expect(specs.map((spec) => spec.optimizer ?? '--optimizer')).toEqual(['--optimizer', '--optimizer', '--optimizer', '--optimizer', '--optimizer', 'schedulefree_sgd']);
  });
});
