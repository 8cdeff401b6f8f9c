import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { patchKernels } from './patch.js';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Record<BackendName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

export interface BackendAttempt {
  readonly backend: BackendName;
  readonly ok: boolean;
  /** Package version when it loaded; the reason when it did not. */
  readonly detail: string;
}

export interface BackendSelection {
  readonly name: BackendName;
  readonly packageVersion: string;
  /** Every backend tried, in order, with why it did or did not load. */
  readonly attempts: readonly BackendAttempt[];
  /** Puts the stock kernels back when `patchKernels` replaced them (a no-op otherwise). */
  readonly unpatchKernels: () => void;
}

export interface BackendOptions {
  /**
   * Also replace the backend's matrix-product kernels with lr-compare's faster
   * ones (patch.ts). The engine asks for it; nothing else should get it by surprise.
   */
  readonly patchKernels?: boolean;
}

const require = createRequire(import.meta.url);

export function packageVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

interface Attempt {
  readonly failure?: string;
  readonly unpatchKernels: () => void;
}

/** Loads the package that registers a backend and makes it current; returns why not, if it fails. */
export async function tryBackend(name: BackendName, options: BackendOptions = {}): Promise<string | undefined> {
  return (await attempt(name, options)).failure;
}

async function attempt(name: BackendName, options: BackendOptions): Promise<Attempt> {
  const none = () => undefined;
  try {
    if (name === 'tensorflow') {
      // TensorFlow's C++ logging (oneDNN and CPU feature notes) would reach the user's terminal.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // One thread: this network's products are too small to split, and measured
      // 0.21 against 0.30 s per epoch with TensorFlow's default of one per core.
      // Read when the first op runs; the environment can still override it.
      process.env.TF_NUM_INTRAOP_THREADS ??= '1';
      process.env.TF_NUM_INTEROP_THREADS ??= '1';
      // tfjs-node registers the 'tensorflow' backend on the tfjs engine it shares with us.
      require('@tensorflow/tfjs-node');
    } else if (name === 'wasm') {
      require('@tensorflow/tfjs-backend-wasm');
    }
    const ok = await tf.setBackend(name);
    if (!ok) return { failure: `tf.setBackend('${name}') failed`, unpatchKernels: none };
    await tf.ready();
    if (!options.patchKernels) return { unpatchKernels: none };
    const versions = tf.version as unknown as Record<string, string>;
    return { unpatchKernels: patchKernels(name, { core: versions['tfjs-core'], backend: packageVersion(BACKEND_PACKAGES[name]) }) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && firstLine(error).includes(BACKEND_PACKAGES[name])) {
      return { failure: `${BACKEND_PACKAGES[name]} is not installed`, unpatchKernels: none };
    }
    return { failure: firstLine(error), unpatchKernels: none };
  }
}

/**
 * Chooses the backend: the one asked for, or with `auto` the fastest that
 * loads (native TensorFlow, then WebAssembly, then pure JavaScript).
 * Returns undefined for `name` failures only when a specific backend was asked for.
 */
export async function selectBackend(choice: BackendChoice, options: BackendOptions = {}): Promise<BackendSelection> {
  // Production mode silences tfjs' console banners ("install our node backend")
  // and skips debug checks we do not need.
  tf.enableProdMode();
  const candidates: BackendName[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    const { failure, unpatchKernels } = await attempt(candidate, options);
    const version = packageVersion(BACKEND_PACKAGES[candidate]) ?? 'unknown';
    attempts.push({ backend: candidate, ok: failure === undefined, detail: failure ?? version });
    if (failure === undefined) return { name: candidate, packageVersion: version, attempts, unpatchKernels };
  }
  const reasons = attempts.map((attempt) => `${attempt.backend}: ${attempt.detail}`).join('; ');
  throw new BackendUnavailableError(`backend ${choice} is not available (${reasons})`, attempts);
}

export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: readonly BackendAttempt[],
  ) {
    super(message);
  }
}

/** What to tell the user on stderr: the backend in use and, when native is missing, why and how to get it. */
export function describeSelection(selection: BackendSelection): string {
  let line = `backend: ${selection.name} (${BACKEND_PACKAGES[selection.name]} ${selection.packageVersion})`;
  const native = selection.attempts.find((attempt) => attempt.backend === 'tensorflow');
  if (native && !native.ok) {
    // Reasons come from several sources, some ending in a period already; one sentence end, not "..".
    const reason = native.detail.replace(/[.\s]+$/, '');
    line += `; native backend unavailable: ${reason}. Run 'npx lr-compare native install' to build it (see README, "Backends")`;
  }
  return line;
}
