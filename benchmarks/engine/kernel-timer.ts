import * as tf from '@tensorflow/tfjs';

/** Wall time and call count of one kernel over a timed section. */
export interface KernelTime {
  readonly kernel: string;
  readonly calls: number;
  readonly ms: number;
}

export interface KernelProfile {
  /** Wall time of the whole section. */
  readonly totalMs: number;
  /** Time inside kernel functions, by kernel, largest first. */
  readonly kernels: readonly KernelTime[];
  /** What is left: the tfjs engine's bookkeeping, our JavaScript, batch building, garbage collection. */
  readonly outsideKernelsMs: number;
}

/**
 * Times every kernel of a backend by re-registering each with a wrapper that
 * reads the clock around the stock function, then puts the originals back.
 * The engine looks kernels up by name at every call, so the wrappers see every
 * call, and a kernel that calls another kernel's function directly (as the
 * wasm backend's do) is counted once, under the name the engine asked for.
 * The wrappers cost well under a microsecond per call; the backends measured
 * here run their kernels synchronously, so the clock measures the work.
 */
export async function profileKernels<T>(backendName: string, section: () => Promise<T>): Promise<{ result: T; profile: KernelProfile }> {
  const originals = tf.getKernelsForBackend(backendName);
  const times = new Map<string, { calls: number; ms: number }>();
  // Time spent in kernels called from inside the running kernel (tfjs-node builds
  // some kernels from others through the engine): subtracted so each is counted once.
  let nested = 0;
  for (const config of originals) {
    const stock = config.kernelFunc;
    const entry = { calls: 0, ms: 0 };
    times.set(config.kernelName, entry);
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
        const outerNested = nested;
        nested = 0;
        const started = performance.now();
        try {
          return stock(args);
        } finally {
          const elapsed = performance.now() - started;
          entry.ms += elapsed - nested;
          entry.calls++;
          nested = outerNested + elapsed;
        }
      }) as tf.KernelFunc,
    });
  }
  const started = performance.now();
  let result: T;
  try {
    result = await section();
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  const totalMs = performance.now() - started;
  const kernels = [...times.entries()]
    .filter(([, entry]) => entry.calls > 0)
    .map(([kernel, entry]) => ({ kernel, calls: entry.calls, ms: entry.ms }))
    .sort((a, b) => b.ms - a.ms);
  const inside = kernels.reduce((sum, entry) => sum + entry.ms, 0);
  return { result, profile: { totalMs, kernels, outsideKernelsMs: totalMs - inside } };
}

/** A plain-text table of a profile: kernel, calls, ms, share of the section. */
export function formatProfile(profile: KernelProfile, limit = 12): string {
  const lines: string[] = [];
  const share = (ms: number) => `${((100 * ms) / profile.totalMs).toFixed(1).padStart(5)}%`;
  lines.push(`${'kernel'.padEnd(22)} ${'calls'.padStart(8)} ${'ms'.padStart(9)}  share`);
  for (const entry of profile.kernels.slice(0, limit)) {
    lines.push(`${entry.kernel.padEnd(22)} ${String(entry.calls).padStart(8)} ${entry.ms.toFixed(1).padStart(9)} ${share(entry.ms)}`);
  }
  const rest = profile.kernels.slice(limit);
  if (rest.length > 0) {
    const ms = rest.reduce((sum, entry) => sum + entry.ms, 0);
    const calls = rest.reduce((sum, entry) => sum + entry.calls, 0);
    lines.push(`${`(${rest.length} others)`.padEnd(22)} ${String(calls).padStart(8)} ${ms.toFixed(1).padStart(9)} ${share(ms)}`);
  }
  lines.push(`${'outside kernels'.padEnd(22)} ${''.padStart(8)} ${profile.outsideKernelsMs.toFixed(1).padStart(9)} ${share(profile.outsideKernelsMs)}`);
  return lines.join('\n');
}
