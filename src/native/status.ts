import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the native backend's pieces are for this installed lr-compare, as
 * scripts/native-install.mjs sees them (that script is plain Node so that it
 * can run as postinstall before dist/ exists; the few path rules below are
 * the same on both sides, and `native status` prints them so a mismatch shows).
 */
export interface NativeLocations {
  /** The lr-compare package: a clone, or node_modules/lr-compare in a project. */
  readonly packageDir: string;
  /** Where npm installs: the folder above the first node_modules, else the package. */
  readonly projectRoot: string;
  /** The provisioning script shipped in the package. */
  readonly script: string;
  /** First line "ok" or why provisioning did not happen. */
  readonly statusFile: string;
  /** The @tensorflow/tfjs-node that lr-compare loads, if it resolves. */
  readonly tfjsNodeDir: string | undefined;
  readonly cacheDir: string;
}

export interface NativeStatus extends NativeLocations {
  readonly tfjsNodeVersion: string | undefined;
  /** What the last successful provisioning recorded (versions, wheel and its sha256). */
  readonly record: Readonly<Record<string, string>> | undefined;
  /** The status file's first line, if provisioning ever ran here. */
  readonly provisioning: string | undefined;
  readonly cachedWheels: readonly { readonly file: string; readonly bytes: number }[];
  /** Bytes of tfjs-node's deps/ (the TensorFlow libraries) and of its built addon folder. */
  readonly depsBytes: number;
}

// dist/native/status.js (or src/native/status.ts under vitest) -> the package folder.
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function nativeLocations(env: NodeJS.ProcessEnv = process.env): NativeLocations {
  const parts = PACKAGE_DIR.split(sep);
  const first = parts.indexOf('node_modules');
  const projectRoot = first < 0 ? PACKAGE_DIR : parts.slice(0, first).join(sep) || sep;
  let tfjsNodeDir: string | undefined;
  try {
    tfjsNodeDir = dirname(createRequire(join(PACKAGE_DIR, 'package.json')).resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    tfjsNodeDir = undefined;
  }
  const cacheDir = env.LR_COMPARE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lr-compare');
  return {
    packageDir: PACKAGE_DIR,
    projectRoot,
    script: join(PACKAGE_DIR, 'scripts', 'native-install.mjs'),
    statusFile: join(projectRoot, 'node_modules', '.lr-compare-native-status'),
    tfjsNodeDir,
    cacheDir,
  };
}

function readFirstLine(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').split('\n')[0].trim();
  } catch {
    return undefined;
  }
}

function bytesUnder(path: string): number {
  try {
    const stat = lstatSync(path); // the libraries' symlinks are not counted again
    if (!stat.isDirectory()) return stat.size;
    return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0);
  } catch {
    return 0;
  }
}

export function nativeStatus(env: NodeJS.ProcessEnv = process.env): NativeStatus {
  const where = nativeLocations(env);
  let tfjsNodeVersion: string | undefined;
  let record: Record<string, string> | undefined;
  if (where.tfjsNodeDir) {
    try {
      tfjsNodeVersion = (JSON.parse(readFileSync(join(where.tfjsNodeDir, 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      tfjsNodeVersion = undefined;
    }
    try {
      record = JSON.parse(readFileSync(join(where.tfjsNodeDir, '.lr-compare-native.json'), 'utf8')) as Record<string, string>;
    } catch {
      record = undefined;
    }
  }
  const wheels = join(where.cacheDir, 'wheels');
  const cachedWheels = existsSync(wheels)
    ? readdirSync(wheels)
        .filter((name) => name.endsWith('.whl'))
        .map((name) => ({ file: join(wheels, name), bytes: bytesUnder(join(wheels, name)) }))
    : [];
  return {
    ...where,
    tfjsNodeVersion,
    record,
    provisioning: readFirstLine(where.statusFile),
    cachedWheels,
    depsBytes: where.tfjsNodeDir ? bytesUnder(join(where.tfjsNodeDir, 'deps')) + bytesUnder(join(where.tfjsNodeDir, 'lib')) : 0,
  };
}

/** The command that provisions the native backend, as the user should type it. */
export const NATIVE_INSTALL_COMMAND = 'npx lr-compare native install';

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** `native status`'s lines (and doctor's details): where everything is and how to remove it. */
export function describeNativeStatus(status: NativeStatus, loads: string | undefined): string[] {
  const lines = [
    `native backend: ${loads === undefined ? 'loads (backend tensorflow)' : `does not load: ${loads}`}`,
    `@tensorflow/tfjs-node: ${status.tfjsNodeDir ? `${status.tfjsNodeVersion ?? '?'} at ${status.tfjsNodeDir} (libraries and addon ${megabytes(status.depsBytes)})` : 'not installed'}`,
  ];
  if (status.record) {
    lines.push(`provisioned: libtensorflow ${status.record.libtensorflow} from ${status.record.wheel} (sha256 ${String(status.record.wheelSha256).slice(0, 12)}…) on ${status.record.at}`);
  }
  lines.push(`last provisioning: ${status.provisioning ?? 'never ran here'} (${status.statusFile})`);
  const wheelBytes = status.cachedWheels.reduce((sum, wheel) => sum + wheel.bytes, 0);
  lines.push(`wheel cache: ${status.cachedWheels.length === 0 ? 'empty' : `${status.cachedWheels.length} wheel(s), ${megabytes(wheelBytes)}`} in ${join(status.cacheDir, 'wheels')}`);
  if (loads !== undefined) lines.push(`to provision: ${NATIVE_INSTALL_COMMAND} (see README, "Backends")`);
  lines.push(`to remove: rm -rf ${join(status.cacheDir)}${status.tfjsNodeDir ? ` ${join(status.tfjsNodeDir, 'deps')} ${join(status.tfjsNodeDir, 'lib', 'napi-v8')}` : ''}`);
  return lines;
}
