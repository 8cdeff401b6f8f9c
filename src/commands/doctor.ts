import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderTerminalTable } from '../report/formats.js';
import { BACKEND_PACKAGES, packageVersion, tryBackend, type BackendName } from '../train/backend.js';
import { LR_COMPARE_VERSION } from '../version.js';

/** What `npm run native:install` recorded about the native backend, if it ran. */
function nativeProvisioningStatus(): string | undefined {
  try {
    const packageFile = createRequire(import.meta.url).resolve('@tensorflow/tfjs/package.json');
    const marker = join(dirname(packageFile), '..', '..', '.lr-compare-native-status');
    return existsSync(marker) ? readFileSync(marker, 'utf8').split('\n')[0].trim() : undefined;
  } catch {
    return undefined;
  }
}

const REMEDY: Record<BackendName, string> = {
  tensorflow: "run 'npm run native:install' (builds tfjs-node against libtensorflow from PyPI; see docs/native-backend.md)",
  wasm: "reinstall dependencies: 'npm ci'",
  cpu: "reinstall dependencies: 'npm ci'",
};

export function register(program: Command): void {
  program
    .command('doctor')
    .description('report which tfjs backends load here, their versions, and what to do about a missing one')
    .action(async () => {
      const rows: string[][] = [];
      for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
        const failure = await tryBackend(name);
        const version = packageVersion(BACKEND_PACKAGES[name]) ?? 'not installed';
        rows.push([name, BACKEND_PACKAGES[name], version, failure === undefined ? 'yes' : 'no', failure === undefined ? '' : `${failure}; ${REMEDY[name]}`]);
      }
      process.stdout.write(`lr-compare ${LR_COMPARE_VERSION}, tfjs ${tf.version.tfjs}, Node ${process.version}, ${process.platform}-${process.arch}\n`);
      process.stdout.write(`${renderTerminalTable({ head: ['backend', 'package', 'version', 'loads', 'why not, and what to do'], rows })}\n`);
      const native = nativeProvisioningStatus();
      if (native !== undefined) process.stdout.write(`native provisioning (npm run native:install): ${native}\n`);
      const first = rows.find((row) => row[3] === 'yes');
      process.stdout.write(`--backend auto uses: ${first ? first[0] : 'none (no backend loads)'}\n`);
    });
}
