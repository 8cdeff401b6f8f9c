/** `lr-compare schedules`: the scheduler catalogue, generated from the registry. */
import type { Command } from 'commander';
import { renderCatalogue, renderCatalogueMarkdown } from '../schedulers/index.js';

export function register(program: Command): void {
  program
    .command('schedules')
    .description('list every scheduler with its parameters, defaults and allowed ranges')
    .option('--markdown', 'print the catalogue as markdown (the content of docs/schedulers.md)')
    .action((options: { markdown?: boolean }) => {
      process.stdout.write(options.markdown ? renderCatalogueMarkdown() : renderCatalogue());
    });
}
