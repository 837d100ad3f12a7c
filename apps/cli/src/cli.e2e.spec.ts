import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '@genlab/data';
// tests/support is the repository's shared harness for real-process suites (not an Nx project).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startStack, type Stack } from '../../../tests/support/stack';
import { runCli } from './cli';
import { memoryIo } from './core/cli-io';

// The CLI against genlab's real datasets, training and generation services, started from their
// builds on free loopback ports with a fresh data directory. Skipped until the services are built
// (`npx nx run-many -t build --projects=tag:scope:server`); this spec builds nothing itself.

const ROOT = resolve(__dirname, '../../..');
const SERVICES = ['datasets', 'training', 'generation'] as const;
const built = SERVICES.every((name) => existsSync(join(ROOT, `dist/apps/${name}-service/apps/${name}-service/src/main.js`)));
const COMPILED_CLI = join(ROOT, 'dist/apps/cli/apps/cli/src/main.js');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TINY_VAE = '{"likelihood":"gaussian","latentDim":2,"hiddenDims":[16],"maxSteps":40}';

describe.skipIf(!built)('genlab cli against real services', () => {
  let stack: Stack;
  let workDir: string;
  let env: NodeJS.ProcessEnv;
  const ids: { dataset?: string; experiment?: string; run?: string } = {};

  beforeAll(async () => {
    stack = await startStack({ services: SERVICES });
    workDir = mkdtempSync(join(tmpdir(), 'genlab-cli-e2e-'));
    env = {
      GENLAB_DATASETS_URL: stack.addresses.datasets,
      GENLAB_TRAINING_URL: stack.addresses.training,
      GENLAB_GENERATION_URL: stack.addresses.generation,
    };
  }, 240_000); // generous: the unit suite may be training models in parallel forks

  afterAll(async () => {
    await stack?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function genlab(...argv: string[]) {
    const { io, stdout, stderr } = memoryIo({ env, cwd: workDir });
    const code = await runCli(argv, io);
    return { code, stdout: stdout(), stderr: stderr() };
  }

  async function genlabJson<T>(...argv: string[]): Promise<T> {
    const result = await genlab(...argv, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as T;
  }

  it('creates a synthetic ring8 dataset', async () => {
    const human = await genlab('datasets', 'synthetic', '--name', 'ring', '--generator', 'ring8', '--count', '2000', '--seed', '3');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/kind:\s+synthetic/);
    expect(human.stdout).toMatch(/shape:\s+\[2\]/);
    const dataset = await genlabJson<{ id: string; shape: number[]; numExamples: number; numClasses: number }>(
      'datasets', 'synthetic', '--name', 'ring-json', '--generator', 'ring8', '--count', '1000', '--seed', '4',
    );
    expect(dataset).toMatchObject({ shape: [2], numExamples: 1000, numClasses: 8 });
    ids.dataset = dataset.id;
    const bad = await genlab('datasets', 'synthetic', '--name', 'x', '--generator', 'moons');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: INVALID_ARGUMENT: .*ring8/);
  });

  it('uploads local IDX files in chunks and shows the dataset', async () => {
    const count = 12;
    writeFileSync(join(workDir, 'images.idx'), encodeIdx({ dtype: 'uint8', dims: [count, 4, 4], data: Uint8Array.from({ length: count * 16 }, (_, i) => (i * 7) % 256) }));
    writeFileSync(join(workDir, 'labels.idx'), encodeIdx({ dtype: 'uint8', dims: [count], data: Uint8Array.from({ length: count }, (_, i) => i % 3) }));
    const dataset = await genlabJson<{ id: string; kind: string; shape: number[]; numExamples: number; testCount: number; numClasses: number }>(
      'datasets', 'import-idx', '--name', 'tiny', '--images', 'images.idx', '--labels', 'labels.idx', '--test-count', '2',
    );
    expect(dataset).toMatchObject({ kind: 'idx', shape: [4, 4, 1], numExamples: count, testCount: 2, numClasses: 3 });
    const shown = await genlab('datasets', 'get', dataset.id);
    expect(shown.stdout).toMatch(/examples:\s+12 \(train 10, test 2\)/);
    const missing = await genlab('datasets', 'import-idx', '--name', 'x', '--images', 'nope.idx');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: "error: --images: cannot read 'nope.idx': no such file\n" });
    expect((await genlab('datasets', 'delete', dataset.id)).code).toBe(0);
    expect((await genlab('datasets', 'get', dataset.id)).stderr).toMatch(/^error: NOT_FOUND: /);
  });

  it('creates an experiment', async () => {
    const experiment = await genlabJson<{ id: string; name: string }>('experiments', 'create', '--name', 'cli-e2e', '--description', 'from the CLI');
    expect(experiment.name).toBe('cli-e2e');
    ids.experiment = experiment.id;
    const list = await genlab('experiments', 'list');
    expect(list.stdout).toContain(experiment.id);
  });

  it('starts a tiny gaussian VAE on ring8 and watches it to completion (exit 0)', async () => {
    const result = await genlab(
      'runs', 'start', '--experiment', ids.experiment!, '--dataset', ids.dataset!, '--family', 'vae', '--config', TINY_VAE, '--seed', '5', '--watch',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const started = /^started run (\S+) \(seed 5, (\d+) steps\)/.exec(result.stdout);
    expect(started).not.toBeNull();
    ids.run = started![1];
    const total = Number(started![2]);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(40);
    expect(result.stdout).toContain(`step ${total}/${total} (100%)`);
    expect(result.stdout).toMatch(/loss -?\d/);
    expect(result.stdout).toMatch(new RegExp(`run ${ids.run} completed after ${total}/${total} steps\\n$`));
  }, 180_000);

  it('lists runs as one JSON document', async () => {
    const list = await genlabJson<{ runs: { id: string; status: string; family: string; stepsDone: number; totalSteps: number; config: Record<string, unknown> }[]; total: number }>(
      'runs', 'list', '--experiment', ids.experiment!,
    );
    expect(list.total).toBe(1);
    expect(list.runs).toHaveLength(1);
    const [run] = list.runs;
    expect(run).toMatchObject({ id: ids.run, status: 'completed', family: 'vae' });
    expect(run!.stepsDone).toBe(run!.totalSteps);
    expect(run!.config).toMatchObject({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], maxSteps: 40 });
  });

  it('samples 16 points into a scatter PNG, raw float32 values and a sidecar', async () => {
    const result = await genlab('sample', ids.run!, '--count', '16', '--seed', '9', '--out', 'samples');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const dir = join(workDir, 'samples');
    const files = readdirSync(dir).sort();
    const base = `${ids.run}-seed9-n16`;
    expect(files).toEqual([`${base}.f32`, `${base}.json`, `${base}.png`]);
    expect(readFileSync(join(dir, `${base}.png`)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(readFileSync(join(dir, `${base}.f32`)).length).toBe(16 * 2 * 4);
    expect(JSON.parse(readFileSync(join(dir, `${base}.json`), 'utf8'))).toMatchObject({ shape: [16, 2], dtype: 'float32', seed: 9, runId: ids.run });
    expect(result.stdout).toContain(`samples/${base}.png`);
  });

  it('exits 1 with NOT_FOUND for an unknown run', async () => {
    const result = await genlab('runs', 'get', 'unknown-id');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("error: NOT_FOUND: run 'unknown-id' was not found\n");
  });

  it.skipIf(!existsSync(COMPILED_CLI))('behaves the same as the compiled entry point', () => {
    const exec = (...argv: string[]) =>
      spawnSync(process.execPath, ['-r', join(ROOT, 'scripts/register-paths.cjs'), COMPILED_CLI, ...argv], {
        cwd: workDir,
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const missing = exec('runs', 'get', 'unknown-id');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("error: NOT_FOUND: run 'unknown-id' was not found\n");
    const listed = exec('runs', 'list', '--json');
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout).runs.map((r: { id: string }) => r.id)).toContain(ids.run);
    expect(exec('runs', 'frobnicate').status).toBe(2);
  });
});
