import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface NumpyRun {
  /** OPENBLAS_NUM_THREADS for the run, or 'default' for OpenBLAS' own choice (all cores). */
  readonly threads: string;
  readonly secondsPerEpoch: number;
  /** CPU seconds of the whole python process (loading included) per epoch trained. */
  readonly cpuSecondsPerEpoch: number;
  readonly epochs: number;
}

export type NumpyOutcome = { readonly ok: true; readonly runs: NumpyRun[] } | { readonly ok: false; readonly reason: string };

// Runs the reference script and reports the process' CPU time, so that a run
// slowed by other jobs on the machine can be told from a slow one.
const WRAPPER = `
import resource, runpy, sys
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name='__main__')
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"cpu_seconds {usage.ru_utime + usage.ru_stime:.4f}")
`;

export function numpyAvailable(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${python} not found`;
  if (probe.status !== 0) return `numpy is not installed for ${python} (pip install numpy)`;
  return undefined;
}

/**
 * Runs a numpy reference script (given by --numpy-script; the project's
 * numpy_seed_experiment.py is kept outside this repository): the five schedulers for
 * `epochs` epochs each on the 8,000 / 2,000 slice, batch `batchSize`.
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for this command only
 * (on the project's machine they select a slow OpenBLAS kernel).
 */
export function runNumpyReference(
  python: string,
  script: string,
  dataDir: string,
  epochs: number,
  batchSize: number,
  threadSettings: readonly string[],
): NumpyOutcome {
  if (!existsSync(script)) return { ok: false, reason: `reference script not found at ${script} (use --numpy-script)` };
  const missing = numpyAvailable(python);
  if (missing) return { ok: false, reason: missing };
  const runs: NumpyRun[] = [];
  for (const threads of threadSettings) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    if (threads === 'default') delete env.OPENBLAS_NUM_THREADS;
    else env.OPENBLAS_NUM_THREADS = threads;
    const result = spawnSync(python, ['-c', WRAPPER, script, dataDir, String(epochs), String(batchSize)], { encoding: 'utf8', env });
    const perEpoch = /s\/epoch\s+([0-9.]+)/.exec(result.stdout ?? '');
    const cpu = /cpu_seconds\s+([0-9.]+)/.exec(result.stdout ?? '');
    if (result.status !== 0 || !perEpoch || !cpu) {
      const detail = (result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n').slice(-1)[0];
      return { ok: false, reason: `the reference script failed: ${detail}` };
    }
    const trained = 5 * epochs;
    runs.push({ threads, secondsPerEpoch: Number(perEpoch[1]), cpuSecondsPerEpoch: Number(cpu[1]) / trained, epochs: trained });
  }
  return { ok: true, runs };
}
