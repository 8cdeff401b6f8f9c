/** The catalogue renderings stay generated from the registry, and docs/schedulers.md stays in step with it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_SCHEDULERS,
  renderCatalogue,
  renderCatalogueMarkdown,
  renderCatalogueSummary,
  SCHEDULER_REGISTRY,
} from '../../src/schedulers/index.js';

const DOCS = join(import.meta.dirname, '../../docs/schedulers.md');

describe('catalogue', () => {
  it('docs/schedulers.md is the generated markdown (regenerate: node bin/lr-compare schedules --markdown > docs/schedulers.md)', () => {
    expect(readFileSync(DOCS, 'utf8')).toBe(renderCatalogueMarkdown());
  });

  it('lists every scheduler and every parameter with its default', () => {
    const text = renderCatalogue();
    const markdown = renderCatalogueMarkdown();
    for (const definition of Object.values(SCHEDULER_REGISTRY)) {
      expect(text).toContain(`${definition.name} - ${definition.summary}`);
      expect(markdown).toContain(`### \`${definition.name}\``);
      for (const param of definition.params) {
        expect(text).toMatch(new RegExp(`^ {4}${param.key} `, 'm'));
        expect(markdown).toContain(`| \`${param.key}\` |`);
      }
    }
  });

  it('shows the article defaults and ranges the parser enforces', () => {
    const text = renderCatalogue();
    expect(text).toMatch(/step_size +whole number >= 1 +default 20 /);
    expect(text).toMatch(/gamma +number > 0 +default 0\.95 /);
    expect(text).toMatch(/factor +number in \(0, 1\) +default 0\.5 /);
    expect(text).toMatch(/max_lr +number > 0 +default 0\.1 /);
  });

  it('summary for --help names every scheduler under its origin, marks the article five, and stays a few lines each', () => {
    const summary = renderCatalogueSummary();
    for (const name of Object.keys(SCHEDULER_REGISTRY)) expect(summary).toMatch(new RegExp(`^  ${name}\\*? `, 'm'));
    for (const name of ARTICLE_SCHEDULERS) expect(summary).toMatch(new RegExp(`^  ${name}\\* `, 'm'));
    expect(summary).toContain('multistep:milestones=30|60|90');
    expect(summary).toContain('sequential(');
    // A heading per origin and a few wrapped lines per scheduler: the differences live in `schedules`.
    expect(summary.split('\n').length).toBeLessThan(3 * Object.keys(SCHEDULER_REGISTRY).length);
    expect(summary.indexOf(' Keras 3')).toBeLessThan(summary.indexOf('  exponential_decay '));
    expect(summary.indexOf(' timm')).toBeLessThan(summary.indexOf('  tanh '));
  });

  it('groups every scheduler under the heading of its origin, says whose semantics it has and how it differs', () => {
    const text = renderCatalogue();
    const markdown = renderCatalogueMarkdown();
    const headings = ['PyTorch', 'Keras 3', 'Hugging Face', 'optax', 'timm'];
    const positions = headings.map((heading) => text.indexOf(`== ${heading}`));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const library: Record<string, string> = { pytorch: 'PyTorch', keras: 'Keras 3', huggingface: 'Hugging Face', optax: 'optax', timm: 'timm' };
    for (const definition of Object.values(SCHEDULER_REGISTRY)) {
      const origin = definition.origin ?? 'pytorch';
      const entry = text.indexOf(`\n${definition.name} - `);
      const heading = text.lastIndexOf('\n== ', entry);
      expect(text.slice(heading + 4, heading + 4 + library[origin]!.length), definition.name).toBe(library[origin]);
      expect(text.slice(entry, text.indexOf('\n', entry + 1))).toMatch(new RegExp(`\\(.*${library[origin]}[^;]* semantics: ${definition.pytorch.replace(/[.()]/g, '\\$&')}\\)$`));
      expect(definition.differs, definition.name).toBeTruthy();
      expect(markdown).toContain(`Differs from: ${definition.differs}`);
    }
    expect(text).toMatch(/keras_plateau[\s\S]*REACH it: one epoch earlier/);
  });
});
