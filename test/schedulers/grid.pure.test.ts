import { describe, expect, it } from 'vitest';
import { expandGridSpec, MAX_GRID_COMBINATIONS, resolveGridSelection } from '../../src/schedulers/grid.js';

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
});
