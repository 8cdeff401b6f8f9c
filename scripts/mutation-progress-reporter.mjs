/**
 * A Stryker reporter for npm run mutation (scripts/mutation.mjs): appends each
 * tested mutant's result to MUTATION_PROGRESS_FILE as one JSON line, as soon as
 * it is known. Stryker writes its JSON report only at the end of a run; on this
 * shared 2-core machine a group can take hours, and a run stopped before its
 * end would otherwise leave nothing. `npm run mutation -- --scores` reads the
 * file for modules that have no finished report, and says the run stopped.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';

class ProgressFileReporter {
  constructor() {
    this.file = process.env.MUTATION_PROGRESS_FILE;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, '');
    }
  }

  onMutantTested(result) {
    if (!this.file) return;
    const { fileName, status, mutatorName, replacement, location } = result;
    // Relative to the tree (the run's working folder), as in Stryker's JSON report.
    const file = relative(process.cwd(), fileName).split('\\').join('/');
    appendFileSync(this.file, `${JSON.stringify({ file, status, mutatorName, replacement, location })}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'progress-file', ProgressFileReporter)];
