/**
 * The HTML report as a person sees it: opened from disk in a real headless
 * Chromium (Debian's `chromium` package, driven by playwright-core).
 *
 * Chromium is required: without it these tests fail and say how to install
 * it. Only LR_COMPARE_BROWSER_TESTS=skip (set by CI where no browser can be
 * installed) skips them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_IDS } from '../../src/report/charts/specs.js';
import type { ResultsFile } from '../../src/results/results.js';
import { interrupted, lrCompare, realRun, temporaryFolder } from './helpers.js';

const CHROMIUM = process.env.LR_COMPARE_CHROMIUM ?? '/usr/bin/chromium';
const SKIP = process.env.LR_COMPARE_BROWSER_TESTS === 'skip';
/**
 * Screenshots for people to look at: in a temporary folder (the checkout may
 * be read-only), or in LR_COMPARE_SCREENSHOTS when set.
 */
const SCREENSHOTS = process.env.LR_COMPARE_SCREENSHOTS ? resolve(process.env.LR_COMPARE_SCREENSHOTS) : temporaryFolder('lr-compare-screenshots-');
const DECADES = 'step:step_size=1,gamma=0.1';

let context: BrowserContext;
let results: ResultsFile;
let reportPath: string;
let partialPath: string;

function htmlReport(resultsFile: string): string {
  const html = join(temporaryFolder(), 'report.html');
  const result = lrCompare(['report', resultsFile, '--html', html]);
  if (result.status !== 0) throw new Error(`lr-compare report failed: ${result.stderr}`);
  return html;
}

interface OpenedPage {
  readonly page: Page;
  /** Console errors, page errors and any request that left the file. */
  readonly problems: string[];
}

async function open(path: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!/^(file|data|blob):/.test(request.url())) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(pathToFileURL(path).href);
  await page.waitForFunction(
    () => document.querySelectorAll('.chart').length > 0 && [...document.querySelectorAll('.chart')].every((chart) => chart.getAttribute('data-rendered') === 'true' || chart.classList.contains('chart-error')),
    null,
    { timeout: 60_000 },
  );
  return { page, problems };
}

describe.skipIf(SKIP)('the HTML report in headless Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is needed to test the HTML report and was not found at ${CHROMIUM}. ` +
          'Install it with `apt-get install -y chromium` (Debian), or point LR_COMPARE_CHROMIUM at a Chromium binary. ' +
          'Only where no browser can be installed, set LR_COMPARE_BROWSER_TESTS=skip.',
      );
    }
    // Two repeats (bands), a schedule spanning decades (log axis), a constant one.
    const run = realRun(['--epochs', '3', '--schedulers', 'cosine,none', '-s', DECADES, '--repeats', '2']);
    results = run.results;
    reportPath = htmlReport(run.path);
    const partialFile = join(temporaryFolder(), 'partial.json');
    writeFileSync(partialFile, JSON.stringify(interrupted(results, 2)));
    partialPath = htmlReport(partialFile);
    context = await chromium.launchPersistentContext(temporaryFolder('lr-compare-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      // playwright passes the fresh profile folder as --user-data-dir.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
  });

  it('draws every chart, with the schedulers named in the legends, and logs no error', async () => {
    const { page, problems } = await open(reportPath);
    const names = ['cosine', 'none', DECADES];
    for (const id of CHART_IDS) {
      const chart = page.locator(`#chart-${id}`);
      await expect(chart.getAttribute('data-rendered'), `chart ${id} did not render`).resolves.toBe('true');
      expect(await chart.locator('svg.marks').count(), id).toBe(1);
      expect(await chart.locator('.mark-line path').count(), id).toBeGreaterThan(0);
      if (id === 'learning-rate-per-scheduler') {
        // Small multiples: one titled cell per scheduler.
        const headers = await chart.locator('.mark-group.role-row-header text, .mark-group.role-column-header text, .role-title-text').allTextContents();
        for (const name of names) expect(headers, `${id} headers`).toContain(name);
      } else {
        expect(await chart.locator('.role-legend-label text').allTextContents(), `${id} legend`).toEqual(names);
      }
    }
    // Axis titles carry the units.
    const titles = await page.locator('.role-axis-title text').allTextContents();
    expect(titles).toContain('epoch');
    expect(titles).toContain('cross-entropy loss (nats)');
    expect(titles).toContain('validation accuracy (%)');
    expect(titles).toContain('learning rate, log scale');
    // With repeats, the metric charts draw a band.
    expect(await page.locator('#chart-validation-loss .mark-area path').count()).toBe(3);
    expect(await page.locator('.partial').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows values on hover and hides or shows a series on a legend click', async () => {
    const { page, problems } = await open(reportPath);
    const chart = page.locator('#chart-validation-loss');
    await chart.scrollIntoViewIfNeeded();
    const lines = chart.locator('.mark-line path');
    const opacities = () => lines.evaluateAll((paths) => paths.map((path) => Number(path.getAttribute('opacity') ?? 1)));
    expect(await opacities()).toEqual([1, 1, 1]);

    // Hover the first epoch of the first line: the tooltip names the scheduler and gives the value.
    const box = (await chart.locator('svg.marks').boundingBox())!;
    const point = await chart.locator('.mark-symbol path').first().boundingBox();
    const target = point ?? box;
    await page.mouse.move(target.x + target.width / 2 + 1, target.y + target.height / 2 + 1);
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2);
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor({ timeout: 10_000 });
    const text = await tooltip.innerText();
    // The values shown are the results file's: the mean validation loss over the repeats of that scheduler at that epoch.
    const field = (name: string) => new RegExp(`^${name}\\s+(.+)$`, 'm').exec(text)?.[1]?.trim();
    const scheduler = field('scheduler');
    const epoch = Number(field('epoch'));
    const runs = results.runs.filter((run) => run.label === scheduler);
    expect(runs.map((run) => run.repeat)).toEqual([0, 1]);
    const losses = runs.map((run) => run.history.find((record) => record.epoch === epoch)?.validationLoss as number);
    expect(field('mean')).toBe(((losses[0] + losses[1]) / 2).toFixed(4));
    expect(field('min')).toBe(Math.min(...losses).toFixed(4));
    expect(field('max')).toBe(Math.max(...losses).toFixed(4));
    expect(field('repeats')).toBe('2');

    await chart.locator('.role-legend-label text', { hasText: /^none$/ }).click();
    await expect.poll(opacities).toEqual([1, 0.08, 1]);
    const legendOpacity = await chart.locator('.role-legend-label text', { hasText: /^none$/ }).evaluate((node) => node.getAttribute('opacity'));
    expect(Number(legendOpacity)).toBeLessThan(1);
    await chart.screenshot({ path: join(SCREENSHOTS, 'validation-loss-none-hidden.png') });
    await chart.locator('.role-legend-label text', { hasText: /^none$/ }).click();
    await expect.poll(opacities).toEqual([1, 1, 1]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says plainly when the results are partial', async () => {
    const { page, problems } = await open(partialPath);
    const banner = page.locator('.partial');
    await expect(banner.isVisible()).resolves.toBe(true);
    expect(await banner.innerText()).toMatch(/Partial results\. This run was interrupted: 2 of 6 runs finished/);
    const finished = results.runs.slice(0, 2).map((run) => run.label);
    expect(await page.locator('#chart-validation-loss .role-legend-label text').allTextContents()).toEqual(finished);
    // The summary holds only what finished.
    const rows = await page.locator('table.numbers tbody tr td:first-child').allTextContents();
    expect(rows.sort()).toEqual([...finished].sort());
    await page.screenshot({ path: join(SCREENSHOTS, 'report-partial.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });
});
