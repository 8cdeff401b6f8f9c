/**
 * The library as a user gets it: `npm pack`, install the tarball next to
 * @tensorflow/tfjs in an empty project, compile a TypeScript consumer with
 * `tsc --strict`, run it, and run the CLI from that install. Slow (it builds
 * and installs), so it is one test.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'lr-compare-consumer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Ran {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking vitest's worker (an install takes minutes). */
async function spawn(command: string, args: string[], cwd: string): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { status: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const ran = await spawn(command, args, cwd);
  if (ran.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${ran.status}: ${ran.stderr}${ran.stdout}`);
  return ran.stdout;
}

describe('the packed tarball', () => {
  it('installs next to @tensorflow/tfjs, type-checks under --strict, trains, and runs the CLI', async () => {
    await run('npm', ['pack', '--pack-destination', work], ROOT);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball!), '@tensorflow/tfjs@^4.22.0'], project);
    // One copy of tfjs: lr-compare's peer dependency is the project's own.
    const tfjsCopies = (await run('npm', ['ls', '@tensorflow/tfjs', '--all', '--parseable'], project)).trim().split('\n');
    expect(new Set(tfjsCopies).size).toBe(1);

    copyFileSync(join(ROOT, 'test/fixtures/library-consumer/consumer.ts'), join(project, 'consumer.ts'));
    const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out' }, files: ['consumer.ts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const compiled = await spawn(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], project);
    // tfjs-layers 4.22's own declarations do not pass --strict without skipLibCheck (TS2420, TS2411 in
    // node_modules/@tensorflow/tfjs-layers); every other line, ours and the consumer's, must be clean.
    const errors = compiled.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors.filter((line) => !line.startsWith('node_modules/@tensorflow/'))).toEqual([]);

    const output = await run('node', ['out/consumer.js'], project);
    // StepLR(step_size=2, gamma=0.5) from the optimizer's 0.01, written to the logs as lr.
    expect(output).toContain('lr [0.01,0.01,0.005,0.005,0.0025]');
    // CosineAnnealingLR halfway: (1 + cos(pi/2)) / 2 x 0.1.
    expect(output).toContain(`cosine ${0.1 * (1 + Math.cos(Math.PI / 2)) / 2}`);
    expect(output).toContain('error unknown-parameter gama');

    // The README's example, as a user would run it from their project.
    copyFileSync(join(ROOT, 'examples/train-with-schedule.mjs'), join(project, 'train-with-schedule.mjs'));
    const example = await run('node', ['train-with-schedule.mjs'], project);
    expect(example).toMatch(/^onecycle +lr at each epoch end:( \S+){6}$/m);
    expect(example).toMatch(/^plateau +lr at each epoch end:( \S+){20}$/m);

    // The CLI from the same install: the same spec error, one line, exit code 2.
    const cli = await spawn(join(project, 'node_modules/.bin/lr-compare'), ['schedule', 'step:gama=1', '--steps', '4'], project);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe("lr-compare: error: scheduler 'step' has no parameter 'gama'; valid keys: step_size, gamma, unit, warmup, warmup_start, label, optimizer\n");
  }, 900_000);
});
