import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { describeNativeStatus, NATIVE_INSTALL_COMMAND, nativeStatus } from '../native/status.js';
import { renderTerminalTable } from '../report/formats.js';
import { BACKEND_PACKAGES, packageVersion, tryBackend, type BackendName } from '../train/backend/select.js';
import { LR_COMPARE_VERSION } from '../version.js';

const REMEDY: Record<BackendName, string> = {
  tensorflow: `run '${NATIVE_INSTALL_COMMAND}' (builds tfjs-node against libtensorflow from PyPI; see README, "Backends")`,
  wasm: "reinstall dependencies: 'npm ci'",
  cpu: "reinstall dependencies: 'npm ci'",
};

export interface DoctorRow {
  readonly backend: BackendName;
  readonly version: string | undefined;
  /** Why it does not load; undefined when it does. */
  readonly failure: string | undefined;
}

/** The widest doctor may print: its advice is wrapped to this, the table itself is narrower. */
export const DOCTOR_WIDTH = 120;

/**
 * Breaks `text` into lines of at most `width` characters, at spaces where it
 * can, inside long words (paths) where it must; lines after the first are
 * indented two more than the first.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  const room = () => width - indent.length - (lines.length === 0 ? 0 : 2);
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length <= room()) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (word.length > room()) {
      const fits = room();
      lines.push(word.slice(0, fits));
      word = word.slice(fits);
    }
    line = word;
  }
  if (line !== '') lines.push(line);
  return lines.map((l, index) => (index === 0 ? indent : `${indent}  `) + l);
}

/**
 * The backends table (name, package, version, loads) with the reasons and
 * remedies below it, wrapped: a tfjs-node load error names a long path, which
 * in a table column made lines of 190+ characters.
 */
export function renderDoctor(rows: readonly DoctorRow[], width = DOCTOR_WIDTH): string {
  const table = renderTerminalTable({
    head: ['backend', 'package', 'version', 'loads'],
    rows: rows.map((row) => [row.backend, BACKEND_PACKAGES[row.backend], row.version ?? 'not installed', row.failure === undefined ? 'yes' : 'no']),
  });
  const advice = rows
    .filter((row) => row.failure !== undefined)
    .flatMap((row) => [...wrapText(`${row.backend}: ${row.failure}`, width), ...wrapText(`to fix: ${REMEDY[row.backend]}`, width, '  ')]);
  return [table, ...advice].join('\n');
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('report which tfjs backends load here, their versions, and what to do about a missing one')
    .action(async () => {
      const rows: DoctorRow[] = [];
      for (const backend of ['tensorflow', 'wasm', 'cpu'] as const) {
        rows.push({ backend, version: packageVersion(BACKEND_PACKAGES[backend]), failure: await tryBackend(backend) });
      }
      const width = Math.min(DOCTOR_WIDTH, process.stdout.columns || DOCTOR_WIDTH);
      const out = [
        `lr-compare ${LR_COMPARE_VERSION}, tfjs ${tf.version.tfjs}, Node ${process.version}, ${process.platform}-${process.arch}`,
        renderDoctor(rows, width),
        // Where the native backend's pieces are (as `native status`), without its verdict and remedy: the table has them.
        ...describeNativeStatus(nativeStatus(), rows[0].failure)
          .slice(1)
          .filter((line) => !line.startsWith('to provision:'))
          .flatMap((line) => wrapText(line, width)),
        `--backend auto uses: ${rows.find((row) => row.failure === undefined)?.backend ?? 'none (no backend loads)'}`,
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
