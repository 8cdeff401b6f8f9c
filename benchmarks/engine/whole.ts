/**
 * The whole comparison, timed end to end: `lr-compare run` with the article's
 * five schedulers and the numpy, PyTorch and Keras reference scripts
 * (shared/reference/) on the same experiment, each as its own process, back
 * to back in one bench run, every row as a ratio to the numpy loop's time in
 * the same run. Wall time includes start-up (loading the library and the
 * data), as a user waits for it. Peak RSS is the largest resident size of
 * the process or of any one of its children (worker processes), measured by
 * the kernel (getrusage of the waited-for children), through a small python
 * wrapper that also times the command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WholeRow {
  readonly what: string;
  readonly ok: boolean;
  /** Why it did not run, when not ok. */
  readonly detail: string;
  readonly wallSeconds: number;
  /** User + system CPU seconds of the process and its children (workers): on a busy machine the steadier figure. */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  /** Lowest and highest best validation accuracy of the five schedulers. */
  readonly bestValidationAccuracy?: readonly [number, number];
}

/** Runs argv[1:] and prints its wall time and the peak RSS of its largest process (KiB on Linux). */
const TIMER = `
import resource, subprocess, sys, time
started = time.perf_counter()
status = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
print(f"wall_seconds {time.perf_counter() - started:.3f}", file=sys.stderr)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"peak_rss_kib {usage.ru_maxrss}", file=sys.stderr)
print(f"cpu_seconds {usage.ru_utime + usage.ru_stime:.3f}", file=sys.stderr)
sys.exit(status)
`;

export interface WholeOptions {
  readonly epochs: number;
  /** python with numpy (and, for the peers' rows, torch and tensorflow). */
  readonly python: string;
  /** Where numpy_seed_experiment.py and the peers' scripts are (shared/reference/); without it those rows do not run. */
  readonly referenceFolder: string | undefined;
  readonly dataDir: string;
  readonly repositoryRoot: string;
  /** lr-compare rows: backend and engine. */
  readonly lrCompare: readonly { backend: string; engine: string }[];
  readonly peers: boolean;
  readonly numpyThreads: readonly string[];
  /** Called with each row as it finishes (the peers' rows can take minutes). */
  readonly onRow?: (row: WholeRow) => void;
}

function timed(what: string, command: string[], env: NodeJS.ProcessEnv, python: string, output?: string): WholeRow {
  const result = spawnSync(python, ['-c', TIMER, ...command], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = /wall_seconds ([0-9.]+)/.exec(result.stderr ?? '');
  const rss = /peak_rss_kib (\d+)/.exec(result.stderr ?? '');
  const cpu = /cpu_seconds ([0-9.]+)/.exec(result.stderr ?? '');
  if (result.status !== 0 || !wall || !rss) {
    const lines = (result.stderr || String(result.error ?? '')).trim().split('\n').filter((line) => !/^(wall_seconds|peak_rss_kib|cpu_seconds)/.test(line));
    return { what, ok: false, detail: lines.slice(-1)[0] ?? `exit ${result.status}`, wallSeconds: Number.NaN, cpuSeconds: Number.NaN, peakRssMiB: Number.NaN };
  }
  return {
    what,
    ok: true,
    detail: '',
    wallSeconds: Number(wall[1]),
    cpuSeconds: cpu ? Number(cpu[1]) : Number.NaN,
    peakRssMiB: Number(rss[1]) / 1024,
    bestValidationAccuracy: output ? accuracyRange(output) : undefined,
  };
}

function accuracyRange(path: string): readonly [number, number] | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const values: number[] = [];
  if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { runs?: unknown }).runs)) {
    for (const run of (parsed as { runs: { summary: { bestValidationAccuracy: number } }[] }).runs) values.push(run.summary.bestValidationAccuracy);
  } else if (typeof parsed === 'object' && parsed !== null) {
    for (const entry of Object.values(parsed as Record<string, { best_val_acc?: number }>)) if (typeof entry.best_val_acc === 'number') values.push(entry.best_val_acc);
  }
  return values.length > 0 ? [Math.min(...values), Math.max(...values)] : undefined;
}

function pythonHas(python: string, module: string): boolean {
  return spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
}

/** Times every row; rows that cannot run say why. */
export function runWholeComparison(options: WholeOptions): WholeRow[] {
  const folder = mkdtempSync(join(tmpdir(), 'lr-compare-bench-'));
  const rows: WholeRow[] = [];
  const push = (row: WholeRow) => {
    rows.push(row);
    options.onRow?.(row);
  };
  const epochs = String(options.epochs);
  const python = options.python;
  const hasPython = spawnSync(python, ['-c', 'pass']).status === 0;
  const missing = (what: string, detail: string): WholeRow => ({ what, ok: false, detail, wallSeconds: Number.NaN, cpuSeconds: Number.NaN, peakRssMiB: Number.NaN });
  try {
    if (!hasPython) return [missing('all rows', `${python} not found (the rows are timed through it)`)];
    const references = options.referenceFolder;
    if (references === undefined) push(missing('numpy, PyTorch and Keras', 'no --numpy-script given (the reference scripts are taken from its folder)'));
    const numpyScript = join(references ?? '.', 'numpy_seed_experiment.py');
    for (const threads of references === undefined ? [] : options.numpyThreads) {
      const what = `numpy + OpenBLAS loop, OPENBLAS_NUM_THREADS=${threads}`;
      if (!pythonHas(python, 'numpy')) {
        push(missing(what, `numpy is not installed for ${python}`));
        break;
      }
      // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE select a slow kernel on this machine (shared/README.md): for numpy only.
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      if (threads === 'default') delete env.OPENBLAS_NUM_THREADS;
      else env.OPENBLAS_NUM_THREADS = threads;
      const out = join(folder, `numpy-${threads}.json`);
      push(timed(what, [python, numpyScript, options.dataDir, epochs, '32'], { ...env, NUMPY_REF_OUT: out }, python, out));
    }
    for (const { backend, engine } of options.lrCompare) {
      const out = join(folder, `lr-compare-${backend}-${engine}.json`);
      const bin = join(options.repositoryRoot, 'bin', 'lr-compare');
      const args = ['run', '--epochs', epochs, '--backend', backend, '--engine', engine, '--quiet', '--no-chart', '--out', out];
      push(timed(`lr-compare run, ${backend}, --engine ${engine}`, [process.execPath, bin, ...args], process.env, python, out));
    }
    if (options.peers && references !== undefined) {
      for (const [module, script, name] of [
        ['torch', 'torch_seed_experiment.py', 'PyTorch, 2 threads'],
        ['tensorflow', 'keras_seed_experiment.py', 'Keras / TensorFlow, 2 threads'],
      ] as const) {
        if (!pythonHas(python, module)) {
          push(missing(name, `${module} is not installed for ${python} (see docs/performance.md, "Peers")`));
          continue;
        }
        const out = join(folder, `${module}.json`);
        push(timed(name, [python, join(references, script), options.dataDir, epochs, '2'], { ...process.env, PEER_OUT: out }, python, out));
      }
    }
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The table: every row's wall time as a ratio to the faster numpy row of the same run. */
export function formatWholeComparison(rows: readonly WholeRow[], epochs: number): string {
  const numpy = rows.filter((row) => row.ok && row.what.startsWith('numpy'));
  const yardstick = numpy.length > 0 ? Math.min(...numpy.map((row) => row.wallSeconds)) : Number.NaN;
  const lines = [
    `Whole comparison: the article's 5 schedulers x ${epochs} epochs, 10,000 samples (8,000 / 2,000), batch 32, SGD 0.1, each row one process run back to back;`,
    'wall time includes start-up and data loading; x numpy = wall time / the faster numpy row; CPU s: user + system of the processes of the row; peak RSS of the largest process.',
    `${'what'.padEnd(46)}${'wall s'.padStart(9)}${'x numpy'.padStart(9)}${'CPU s'.padStart(9)}${'peak RSS'.padStart(11)}  best val acc, the five`,
  ];
  for (const row of rows) {
    if (!row.ok) {
      lines.push(`${row.what.padEnd(46)}  not run: ${row.detail}`);
      continue;
    }
    const ratio = Number.isFinite(yardstick) ? `${(row.wallSeconds / yardstick).toFixed(2)}x` : 'n/a';
    const accuracy = row.bestValidationAccuracy ? `${(100 * row.bestValidationAccuracy[0]).toFixed(1)}-${(100 * row.bestValidationAccuracy[1]).toFixed(1)}%` : '';
    lines.push(`${row.what.padEnd(46)}${row.wallSeconds.toFixed(1).padStart(9)}${ratio.padStart(9)}${row.cpuSeconds.toFixed(1).padStart(9)}${`${row.peakRssMiB.toFixed(0)} MiB`.padStart(11)}  ${accuracy}`);
  }
  return lines.join('\n');
}
