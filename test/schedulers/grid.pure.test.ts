import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { expandGridSpec, MAX_GRID_COMBINATIONS, resolveGridSelection, resolveGridSpec } from '../../src/schedulers/grid.js';

describe('parameter grids in specs', () => {
  it('expand into one labelled run per combination, the last grid fastest', () => {
    const runs = resolveGridSelection([], ['cyclic:max_lr={0.05,0.1},step_size_up={10,20}']);
    expect(runs.map((run) => run.label)).toEqual([
      'cyclic[max_lr=0.05,step_size_up=10]',
      'cyclic[max_lr=0.05,step_size_up=20]',
      'cyclic[max_lr=0.1,step_size_up=10]',
      'cyclic[max_lr=0.1,step_size_up=20]',
    ]);
    expect(runs.map((run) => [run.params.max_lr, run.params.step_size_up])).toEqual([[0.05, 10], [0.05, 20], [0.1, 10], [0.1, 20]]);
    expect(runs[3].grid).toEqual({ max_lr: 0.1, step_size_up: 20 });
  });

  it('leave | lists, fixed parameters, composites and label= as the spec grammar has them', () => {
    const lists = resolveGridSelection([], ['multistep:milestones={10|20,30},gamma=0.5']);
    expect(lists.map((run) => [run.label, run.params.milestones, run.params.gamma])).toEqual([
      ['multistep:gamma=0.5[milestones=10|20]', [10, 20], 0.5],
      ['multistep:gamma=0.5[milestones=30]', [30], 0.5],
    ]);
    const composite = resolveGridSelection([], ['sequential(linear:total_iters={2,5}; cosine):milestones=5']);
    expect(composite.map((run) => [run.label, run.spec])).toEqual([
      ['sequential(linear; cosine):milestones=5[total_iters=2]', 'sequential(linear:total_iters=2; cosine):milestones=5'],
      ['sequential(linear; cosine):milestones=5[total_iters=5]', 'sequential(linear:total_iters=5; cosine):milestones=5'],
    ]);
    expect(resolveGridSelection([], ['step:step_size={5,10},label=st']).map((run) => run.label)).toEqual(['st[step_size=5]', 'st[step_size=10]']);
    // Without braces: exactly resolveSchedulerSelection.
    expect(resolveGridSelection(['step'], ['cosine:eta_min=0.001']).map((run) => run.label)).toEqual(['step', 'cosine:eta_min=0.001']);
  });

  it('refuses bad grids in one line naming the problem', () => {
    expect(() => expandGridSpec('step:step_size={}')).toThrow(/an empty value in step_size=\{\}/);
    expect(() => expandGridSpec('step:step_size={5,}')).toThrow(new UsageError("scheduler spec 'step:step_size={5,}': an empty value in step_size={5,}"));
    expect(() => expandGridSpec('step:step_size={5,5}')).toThrow(/lists a value twice/);
    expect(() => expandGridSpec('step:step_size={5,10')).toThrow(/matching braces/);
    expect(() => expandGridSpec('step:step_size={{5}}')).toThrow(/matching braces/);
    expect(() => expandGridSpec('chained(step:gamma={0.1,0.5}; exponential:gamma={0.9,0.8})')).toThrow(/gamma is swept twice/);
    const values = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(',');
    expect(expandGridSpec(`step:step_size={${values(MAX_GRID_COMBINATIONS)}}`)).toHaveLength(MAX_GRID_COMBINATIONS);
    expect(() => expandGridSpec(`step:step_size={${values(8)}},gamma={${values(9).split(',').map((v) => Number(v) / 10).join(',')}}`)).toThrow(
      new RegExp(`expands into 72 combinations; at most ${MAX_GRID_COMBINATIONS}`),
    );
    expect(() => resolveGridSelection([], ['step:step_size={0,1}'])).toThrow(/step_size must be >= 1, got 0/);
    expect(() => resolveGridSelection(['step'], ['step:step_size={20,30},label=step'])).not.toThrow();
  });

  it('take label= wherever it stands among the parameters', () => {
    // It used to be recognised only as the last parameter: 'step:label=st,...' was labelled 'step:label=st[step_size=5]'.
    expect(resolveGridSelection([], ['step:label=st,step_size={5,10}']).map((run) => run.label)).toEqual(['st[step_size=5]', 'st[step_size=10]']);
    expect(expandGridSpec('sequential(linear:total_iters={2,5}; cosine):label=seq,milestones=5').map((variant) => variant.label)).toEqual([
      'seq[total_iters=2]',
      'seq[total_iters=5]',
    ]);
    expect(expandGridSpec('step:step_size={5,10}, label = my run ').map((variant) => variant.label)).toEqual(['my run[step_size=5]', 'my run[step_size=10]']);
  });

  it('label a variant with the spec less its grids, leaving no stray separator', () => {
    const labels = (spec: string) => expandGridSpec(spec).map((variant) => variant.label);
    // A grid between two parameters, with and without spaces: one comma stays.
    expect(labels('step:gamma=0.5,step_size={5,10},warmup=2')[0]).toBe('step:gamma=0.5,warmup=2[step_size=5]');
    expect(labels('step:gamma=0.5, step_size={5,10}, warmup=2')[0]).toBe('step:gamma=0.5, warmup=2[step_size=5]');
    // A grid last: no trailing comma; the only parameter: no trailing colon.
    expect(labels('step:gamma=0.5,step_size={5,10}')[0]).toBe('step:gamma=0.5[step_size=5]');
    expect(labels('step:step_size = { 5 , 10 }')).toEqual(['step[step_size=5]', 'step[step_size=10]']);
    // Two grids side by side: one comma stays.
    expect(labels('step:gamma=0.5,step_size={5,10},warmup={1,2},warmup_start=0.5')[0]).toBe('step:gamma=0.5,warmup_start=0.5[step_size=5,warmup=1]');
    // Inside the last part: no ',)' (with or without a space) and no ':)'.
    expect(labels('sequential(cosine; linear:start_factor=0.1, total_iters={2,5}):milestones=5')[0]).toBe(
      'sequential(cosine; linear:start_factor=0.1):milestones=5[total_iters=2]',
    );
    expect(labels('sequential(cosine; linear:start_factor=0.1,total_iters={2,5}):milestones=5')[0]).toBe(
      'sequential(cosine; linear:start_factor=0.1):milestones=5[total_iters=2]',
    );
    expect(labels('sequential(cosine; linear:total_iters={2,5}):milestones=5')[0]).toBe('sequential(cosine; linear):milestones=5[total_iters=2]');
  });

  it('keep each swept value as the spec would read it: numbers as numbers, words and | lists as text', () => {
    const variants = expandGridSpec('cyclic:mode={triangular,exp_range},max_lr={0.05,1e-1}');
    expect(variants.map((variant) => variant.values)).toEqual([
      { mode: 'triangular', max_lr: 0.05 },
      { mode: 'triangular', max_lr: 0.1 },
      { mode: 'exp_range', max_lr: 0.05 },
      { mode: 'exp_range', max_lr: 0.1 },
    ]);
    expect(variants.map((variant) => variant.text)).toEqual([
      'cyclic:mode=triangular,max_lr=0.05',
      'cyclic:mode=triangular,max_lr=1e-1',
      'cyclic:mode=exp_range,max_lr=0.05',
      'cyclic:mode=exp_range,max_lr=1e-1',
    ]);
    expect(resolveGridSelection([], ['multistep:milestones={10|20,30}']).map((run) => run.grid)).toEqual([{ milestones: '10|20' }, { milestones: 30 }]);
  });

  it('leave a spec without grids as it is', () => {
    expect(expandGridSpec('step:gamma=0.5')).toEqual([{ text: 'step:gamma=0.5', label: '', values: {} }]);
    const [run] = resolveGridSpec('step:gamma=0.5');
    expect(run).toEqual({ label: 'step:gamma=0.5', name: 'step', spec: 'step:gamma=0.5', params: { step_size: 20, gamma: 0.5, unit: 'epoch', warmup: 0, warmup_start: 1 / 3 } });
    expect(run).not.toHaveProperty('grid');
  });

  it('expand grids given as names too (a config file), keep the order, and freeze each run', () => {
    const runs = resolveGridSelection(['step:step_size={5,10}', 'exponential'], ['cosine', 'linear:total_iters={2,3}']);
    expect(runs.map((run) => run.label)).toEqual(['step[step_size=5]', 'step[step_size=10]', 'exponential', 'cosine', 'linear[total_iters=2]', 'linear[total_iters=3]']);
    expect(runs.every((run) => Object.isFrozen(run))).toBe(true);
  });

  it('refuse two runs that end up with the same label', () => {
    const twice = () => resolveGridSelection([], ['step:step_size={5,10}', 'step:step_size={5,20}']);
    expect(twice).toThrow(UsageError);
    expect(twice).toThrow("scheduler run 'step[step_size=5]' is selected twice; drop one or name it apart with label=...");
    expect(() => resolveGridSelection(['step:step_size={5,10}'], ['step:step_size={5,20}'])).toThrow("'step[step_size=5]' is selected twice");
  });
});
