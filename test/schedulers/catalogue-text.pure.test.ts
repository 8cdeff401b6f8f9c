/**
 * The two plain-text renderings of the catalogue, which docs/schedulers.md
 * (catalogue.test.ts) does not pin: `lr-compare schedules` and the summary in
 * --help. Columns line up, prose wraps greedily at 100 characters without
 * losing a word, and each summary entry names its library's class without the
 * module path. Expected lines are written out by hand from the registry's
 * texts, with the column arithmetic in the comments.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { GRID_GRAMMAR } from '../../src/schedulers/grid.js';
import { renderCatalogue, renderCatalogueSummary, SCHEDULER_REGISTRY } from '../../src/schedulers/index.js';

const WIDTH = 100;

/** Greedy wrapping: no line over WIDTH unless it is one word, and the next line's first word would not have fitted. */
function expectGreedy(lines: readonly string[], indent: number, where: string): void {
  lines.forEach((line, index) => {
    if (line.length > WIDTH) expect(line.trim().includes(' ') && line.slice(indent).includes(' '), `${where}: line over ${WIDTH}: ${line}`).toBe(false);
    if (index > 0) {
      const firstWord = lines[index]!.slice(indent).split(' ')[0]!;
      expect(lines[index - 1]!.length + 1 + firstWord.length, `${where}: '${firstWord}' fits on: ${lines[index - 1]}`).toBeGreaterThan(WIDTH);
    }
  });
}

const words = (text: string) => text.replaceAll('`', '').split(/\s+/).join(' ');

// Rendered in beforeEach, not when the file is collected: mutation testing's per-test coverage
// (stryker.config.mjs) only counts what runs inside a test, so text rendered at collection time
// left every mutant of the renderers to other tests, which do not check the exact text.
describe('lr-compare schedules (renderCatalogue)', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = renderCatalogue().split('\n');
  });

  it('opens with the selection flags, the spec grammar without markdown, and the schedule length', () => {
    expect(lines.slice(0, 3)).toEqual([
      'Learning-rate schedulers, grouped by the library whose semantics and parameter names each one has.',
      "Select with --schedulers name,name,... ('all' = step, exponential, cosine, plateau, cyclic) or -s/--scheduler 'name:key=value,...'.",
      'A spec is name or name:key=value,key=value; list values use | (multistep:milestones=30|60|90,gamma=0.1).',
    ]);
    const header = lines.slice(3, lines.indexOf(''));
    // Paragraphs wrapped with no indent: each starts a line, continuation lines too start at column 0.
    expect(header.filter((line) => /^(Composites take|Sweep a parameter|Defaults that depend)/.test(line))).toHaveLength(3);
    expect(header.every((line) => line.length <= WIDTH && !line.startsWith(' ') && !line.includes('`'))).toBe(true);
    expect(header.join(' ')).toContain("Defaults that depend on the run use the schedule length = the run's steps in the schedule's unit (epochs, or epochs x batches per epoch), less warmup.");
    expect(lines[lines.indexOf('') + 1]).toBe('== PyTorch (torch.optim.lr_scheduler) ==');
  });

  it('keeps every word of the header paragraphs, without markdown and with nothing added to their wrapped lines', () => {
    // Written out from catalogue.ts's COMPOSITE_GRAMMAR (backticks removed) and grid.ts's GRID_GRAMMAR.
    const composite =
      'Composites take their parts in parentheses, separated by ;, before their own parameters: ' +
      'sequential(linear:start_factor=0.1,total_iters=5; cosine):milestones=5, chained(constant:factor=0.5; exponential:gamma=0.9). ' +
      'Parts nest; their :, , and | stay inside the parentheses.';
    const header = lines.slice(3, lines.indexOf(''));
    expect(header.join(' ')).toBe(
      `${composite} ${GRID_GRAMMAR} Defaults that depend on the run use the schedule length = the run's steps in the schedule's unit (epochs, or epochs x batches per epoch), less warmup.`,
    );
  });

  it('sets every group title and every entry apart with one empty line', () => {
    const titles = lines.flatMap((line, index) => (/^== .+ ==$/.test(line) ? [index] : []));
    expect(titles).toHaveLength(5);
    for (const title of titles) expect([lines[title - 1], lines[title + 1]], lines[title]).toEqual(['', '']);
    const entries = Object.keys(SCHEDULER_REGISTRY).map((name) => lines.findIndex((line) => line.startsWith(`${name} - `)));
    expect(entries.every((entry) => entry > 0)).toBe(true);
    // Each entry follows its group's title or the empty line that ends the entry before it.
    for (const entry of entries) expect(lines[entry - 1], lines[entry]).toBe('');
    const closing = lines.indexOf('Every scheduler also takes:');
    expect(lines.slice(closing - 2, closing)).toEqual([expect.stringMatching(/^ {4}(vs|note)|^ {10}/), '']);
  });

  it('lines up the parameter columns of an entry and tags the article five', () => {
    // Column widths of step's rows: 'step_size' 9, 'whole number >= 1' 17, 'default 0.5' 11; two spaces between.
    const entry = lines.indexOf("step - Multiplies the rate by gamma every step_size steps. (in 'all'; PyTorch semantics: torch.optim.lr_scheduler.StepLR)");
    expect(entry).toBeGreaterThan(0);
    expect(lines.slice(entry + 1, entry + 3)).toEqual([
      '    step_size  whole number >= 1  default 20   Steps between two decays.',
      '    gamma      number > 0         default 0.5  Multiplicative factor of each decay.',
    ]);
    // Not in 'all': the semantics alone in the parentheses.
    expect(lines).toContain('multistep - Multiplies the rate by gamma at each milestone step. (PyTorch semantics: torch.optim.lr_scheduler.MultiStepLR)');
    const none = lines.indexOf('none - The fixed rate --lr throughout (a baseline; not part of "all"). (PyTorch semantics: no scheduler (LambdaLR(lambda t: 1.0)))');
    expect(lines[none + 1]).toBe('    (no parameters of its own)');
    expect(lines[none + 2]).toBe('    vs:   Keras, optax: a float learning rate; Hugging Face get_constant_schedule.');
  });

  it('wraps every difference and note greedily at 100 characters, keeping every word', () => {
    const texts = Object.values(SCHEDULER_REGISTRY).flatMap((definition) => [definition.differs ?? '', ...(definition.notes ?? [])].filter(Boolean).map(words));
    let blocks = 0;
    for (let index = 0; index < lines.length; index++) {
      if (!/^ {4}(vs: {3}|note: )/.test(lines[index]!)) continue;
      const block = [lines[index]!];
      while (lines[index + 1]?.startsWith(' '.repeat(10))) block.push(lines[++index]!);
      expectGreedy(block, 10, block[0]!);
      expect(texts, block[0]).toContain(block.map((line) => line.slice(10)).join(' '));
      blocks++;
    }
    expect(blocks).toBe(texts.length);
  });

  it('ends with the parameters every scheduler takes, label and optimizer last', () => {
    const start = lines.indexOf('Every scheduler also takes:');
    expect(lines.slice(start + 1).map((line) => line.trim().split(/\s+/)[0])).toEqual(['unit', 'warmup', 'warmup_start', 'label', 'optimizer', '']);
    expect(lines.at(-1)).toBe('');
  });
});

describe('--help summary (renderCatalogueSummary)', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = renderCatalogueSummary().split('\n');
  });

  it("names each library's class without its module path, in a column as wide as the group's longest name", () => {
    // PyTorch group: the longest name is cosine_restarts (15): text at 2 + 15 + 2 = 19.
    expect(lines).toContain(`  step*${' '.repeat(12)}StepLR: Multiplies the rate by gamma every step_size steps.`);
    expect(lines).toContain(`  multistep${' '.repeat(8)}MultiStepLR: Multiplies the rate by gamma at each milestone step.`);
    // A name that is not a module path stays whole.
    expect(lines).toContain(`  none${' '.repeat(13)}no scheduler (LambdaLR(lambda t: 1.0)): The fixed rate --lr throughout (a`);
    // Keras: piecewise_constant_decay (24) sets the column at 28; keras.callbacks. is stripped too.
    expect(lines).toContain(`  keras_plateau${' '.repeat(13)}ReduceLROnPlateau: Multiplies the rate by factor once the monitored`);
    // Hugging Face (transformers.; column 2 + 25 + 2), optax (optax.; 2 + 24 + 2), timm (timm.scheduler.; 2 + 13 + 2).
    expect(lines).toContain(`  wsd${' '.repeat(24)}get_wsd_schedule: Warmup-stable-decay: warmup to the base rate, hold`);
    expect(lines).toContain(`  linear_onecycle${' '.repeat(11)}linear_onecycle_schedule: Linear 1cycle: peak/div_factor up to`);
    expect(lines).toContain(`  tanh${' '.repeat(11)}TanhLRScheduler: Hyperbolic-tangent decay from the base rate to lr_min over`);
  });

  it('wraps each entry greedily under its text column, keeping every word', () => {
    let entries = 0;
    for (let index = 0; index < lines.length; index++) {
      const match = /^ {2}(\S+) +/.exec(lines[index]!);
      if (!match) continue;
      const name = match[1]!.replace(/\*$/, '');
      const definition = SCHEDULER_REGISTRY[name];
      if (!definition) continue;
      const indent = match[0].length;
      const block = [lines[index]!];
      while (lines[index + 1]?.startsWith(' '.repeat(indent))) block.push(lines[++index]!);
      expectGreedy(block, indent, name);
      expect(block.map((line) => line.slice(indent)).join(' ')).toMatch(new RegExp(`: ${words(definition.summary).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      entries++;
    }
    expect(entries).toBe(Object.keys(SCHEDULER_REGISTRY).length);
  });

  it('opens with what the star means and closes with the grammar and the schedule length', () => {
    expect(lines[0]).toBe("Schedulers by origin (* = in 'all'; 'lr-compare schedules' lists parameters, ranges, differences):");
    expect(lines[1]).toBe(' PyTorch (torch.optim.lr_scheduler):');
    expect(lines).toContain(' Keras 3 (keras.optimizers.schedules, keras.callbacks):');
    expect(lines.slice(-6)).toEqual([
      'A spec is name or name:key=value,key=value; list values use | (multistep:milestones=30|60|90,gamma=0.1).',
      'Composites take their parts in parentheses, separated by ;, before their own parameters:',
      'sequential(linear:start_factor=0.1,total_iters=5; cosine):milestones=5, chained(constant:factor=0.5;',
      'exponential:gamma=0.9). Parts nest; their :, , and | stay inside the parentheses.',
      "(schedule length = the run's steps in the schedule's unit (epochs, or epochs x batches per epoch), less warmup.)",
      expect.any(String),
    ]);
  });

  it('ends with the shared parameters in short form', () => {
    expect(lines.at(-1)).toBe('Every scheduler also takes unit=epoch|batch, warmup=N >= 0, warmup_start=f in (0, 1], label=text, optimizer=NAME.');
  });
});
