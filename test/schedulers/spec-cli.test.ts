/**
 * The spec grammar's refusals on the user's path: `lr-compare schedule SPEC`
 * and `lr-compare run -s SPEC / --schedulers` refuse with exit code 2 and the
 * whole line, nothing on stdout, nothing written (test/helpers/refused.ts).
 * The parser's own tests (spec-grammar.pure.test.ts) cover every message; these
 * check that the CLI passes them through unchanged, whatever the command.
 */
import { describe, it } from 'vitest';
import { expectCliRefuses } from '../helpers/refused.js';
import { temporaryFolder } from '../cli/helpers.js';

const NAMES =
  'step, multistep, exponential, cosine, cosine_restarts, plateau, cyclic, onecycle, polynomial, linear, constant, none, custom, sequential, chained, ' +
  'exponential_decay, inverse_time_decay, piecewise_constant_decay, polynomial_decay, cosine_decay, cosine_decay_restarts, keras_plateau, ' +
  'constant_with_warmup, linear_with_warmup, cosine_with_warmup, cosine_with_hard_restarts, polynomial_with_warmup, inverse_sqrt, cosine_with_min_lr, wsd, ' +
  'warmup_cosine_decay, warmup_exponential_decay, linear_onecycle, tanh, cosine_cycles';

/** The whole of stderr: the line, and nothing before or after it. */
const wholeLine = (line: string) => new RegExp(`^lr-compare: error: ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`);

describe('spec refusals through the CLI', () => {
  const out = () => `${temporaryFolder('spec-cli-')}/new/results.json`;

  it.each([
    [['schedule', 'stepp', '--steps', '5'], `unknown scheduler 'stepp'; valid names: ${NAMES} (or 'all' in --schedulers)`],
    [['schedule', 'all', '--steps', '5'], "'all' only works in --schedulers (it means step, exponential, cosine, plateau, cyclic); a spec names one scheduler"],
    [['schedule', 'sequential(step; cosine', '--steps', '5'], "unbalanced '(' in scheduler spec 'sequential(step; cosine'"],
    [['schedule', 'sequential(step; cosine:label=a):milestones=2', '--steps', '5'], "scheduler 'sequential': 'label=' belongs on the sequential(...) itself, not on its part 'cosine:label=a'"],
    [['schedule', 'step:gamma=0.5,gamma=0.4', '--steps', '5'], "scheduler 'step': gamma is given twice"],
    [['schedule', 'multistep:milestones=30|30', '--steps', '5'], "scheduler 'multistep': milestones must be strictly increasing, got [30,30]"],
  ])('schedule %j', async (args, line) => {
    await expectCliRefuses(args, wholeLine(line));
  });

  it.each([
    [['-s', `step:label=${'x'.repeat(101)}`], "label 'xxxxxxxxxxxxxxxxxxxx...' is 101 characters, which is too long: at most 100"],
    [['--schedulers', 'cosine', '-s', 'step:label=cosine'], "scheduler run 'cosine' is selected twice; drop one or name it apart with label=..."],
    [['--schedulers', 'step,gamma=0.3'], "'gamma=0.3' in --schedulers is not a scheduler name; give specs with parameters with -s/--scheduler 'name:key=value,...'"],
    [['-s', 'onecycle:three_phase=yes'], "scheduler 'onecycle': three_phase must be true or false, got 'yes'"],
  ])('run %j', async (args, line) => {
    await expectCliRefuses(['run', '--epochs', '1', '--out', out(), ...args], wholeLine(line));
  });
});
