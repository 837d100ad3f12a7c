import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { genlabWasmKernels } from './kernels/genlab-wasm';
import { initCompute, tf } from './index';
import { MAX_WASM_THREADS, WASM_THREADS_ENV, privateTempDir, wasmThreadsFromEnv, writeWorkerScript } from './wasm-threads';

const ROOT = resolve(__dirname, '../../..');
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 97.13 + i * 12.9898) * 0.5);
const maxRelDiff = (a: Float32Array, b: Float32Array) => {
  const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]))) / scale;
};

describe('GENLAB_WASM_THREADS', () => {
  it('defaults to one thread and accepts 1 to 8', () => {
    expect(wasmThreadsFromEnv({})).toBe(1);
    expect(wasmThreadsFromEnv({ [WASM_THREADS_ENV]: ' ' })).toBe(1);
    expect(wasmThreadsFromEnv({ [WASM_THREADS_ENV]: '2' })).toBe(2);
    expect(wasmThreadsFromEnv({ [WASM_THREADS_ENV]: String(MAX_WASM_THREADS) })).toBe(MAX_WASM_THREADS);
  });

  it.each(['0', '9', '2.5', 'two', '-1'])('rejects %s, saying what it takes', (raw) => {
    expect(() => wasmThreadsFromEnv({ [WASM_THREADS_ENV]: raw })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/GENLAB_WASM_THREADS=.*an integer from 1 to 8/) }),
    );
  });

  it('rejects a bad wasmThreads option before choosing a backend', async () => {
    await expect(initCompute({ wasmThreads: 0, logger: false })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});

/** Runs `lines` as a TypeScript file in a new Node process (the repo's aliases resolved). */
function runScript(lines: string[], timeout = 60_000) {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-wasm-threads-'));
  const file = join(dir, 'script.ts');
  writeFileSync(file, lines.join('\n'));
  const child = spawnSync(process.execPath, [resolve(ROOT, 'libs/models/scripts/run-ts.mjs'), file], { cwd: ROOT, encoding: 'utf8', timeout });
  rmSync(dir, { recursive: true, force: true });
  return child;
}

describe("the threaded build's worker script", () => {
  const uid = process.getuid?.();
  let temp: string;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'genlab-private-'));
    return () => rmSync(temp, { recursive: true, force: true });
  });

  it('goes to a directory only this user can write, once per content', () => {
    const path = writeWorkerScript('self.onmessage = () => {};\nconst s = "a\nb";', temp);
    const dir = privateTempDir(temp);
    expect(path.startsWith(dir + '/')).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('self.onmessage = () => {};\\nconst s = "a\\nb";'); // newlines escaped, as Emscripten's loader does
    expect(writeWorkerScript('self.onmessage = () => {};\nconst s = "a\nb";', temp)).toBe(path);
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]); // no partial file left
  });

  it('is refused in a directory others can write to, saying what to do', () => {
    const dir = privateTempDir(temp);
    chmodSync(dir, 0o777);
    expect(() => writeWorkerScript('x', temp)).toThrow(/can be written by others \(mode 777\); remove it, or point TMPDIR elsewhere/);
    chmodSync(dir, 0o700);
  });

  it.skipIf(uid !== 0)('is refused in a directory another user made first (checked as root, who can make one)', () => {
    const other = mkdtempSync(join(tmpdir(), 'genlab-private-'));
    const dir = join(other, `genlab-${uid}`);
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    expect(() => writeWorkerScript('x', other)).toThrow(/belongs to uid 65534, not to this user \(0\)/);
    rmSync(other, { recursive: true, force: true });
  });
});

describe('a threaded start that fails', () => {
  it('rejects, ends its workers, removes the glue\'s process listeners and leaves the single-threaded build working', () => {
    const child = runScript([
      "import { createRequire } from 'node:module';",
      "import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';",
      `const fromRoot = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});`,
      "import { tmpdir } from 'node:os';",
      "import { join } from 'node:path';",
      `const { registerThreadedWasmBackend } = require(${JSON.stringify(resolve(__dirname, 'wasm-threads.ts'))});`,
      "const tf = fromRoot('@tensorflow/tfjs');",
      "const wasm = fromRoot('@tensorflow/tfjs-backend-wasm');",
      "const dir = mkdtempSync(join(tmpdir(), 'genlab-bad-worker-'));",
      "const script = (name, text) => { const path = join(dir, name); writeFileSync(path, text); return path; };",
      'const attempts = [',
      "  ['binary', { binary: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }],",
      "  ['throwing', { workerScript: script('throwing.js', 'throw new Error(\"planted failure\");') }],",
      "  ['exiting', { workerScript: script('exiting.js', '') }],",
      "  ['silent', { workerScript: script('silent.js', 'setInterval(() => undefined, 1000);'), startTimeoutMs: 3000 }],",
      '];',
      "const listeners = () => process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;",
      '(async () => {',
      '  const before = listeners();',
      '  for (const [name, overrides] of attempts) {',
      '    const started = Date.now();',
      '    await registerThreadedWasmBackend(wasm, 2, overrides).then(',
      "      () => console.log(name, 'started'),",
      "      (error) => console.log(name, 'failed:', error.message.split('\\n')[0], Date.now() - started < 20000 ? 'in time' : 'late'),",
      '    );',
      '  }',
      "  console.log('listeners left behind:', listeners() - before);",
      "  wasm.setWasmPaths(join(fromRoot.resolve('@tensorflow/tfjs-backend-wasm/package.json'), '../dist/'));",
      "  await tf.setBackend('wasm');",
      "  console.log('single thread', wasm.getThreadsCount(), tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).dataSync()[0]);",
      '  rmSync(dir, { recursive: true });',
      '})();',
    ]);
    expect(child.error).toBeUndefined(); // a hang would time out here
    expect(child.stdout).toMatch(/^binary failed: .*WebAssembly.* in time$/m);
    expect(child.stdout).toMatch(/^throwing failed: a wasm worker thread failed: planted failure in time$/m);
    expect(child.stdout).toMatch(/^exiting failed: a wasm worker thread failed: it exited \(code 0\) before loading in time$/m);
    expect(child.stdout).toMatch(/^silent failed: the threaded build did not start within 3 s in time$/m);
    expect(child.stdout).toContain('listeners left behind: 0');
    expect(child.stdout).toContain('single thread 1 8');
    expect(child.status).toBe(0); // and it exits on its own: no worker is left running
  });
});

// A separate spec file, hence a separate process: this one runs the threaded build.
describe('the wasm backend with two threads', () => {
  beforeAll(async () => {
    const info = await initCompute({ backend: 'wasm', wasmThreads: 2, logger: false });
    expect(info.detail).toBe('simd, 2 threads');
  });

  it('runs on a shared memory, with genlab\'s kernels linked to it', () => {
    const backend = tf.backend() as unknown as { wasm: { wasmMemory: { buffer: unknown } } };
    expect(backend.wasm.wasmMemory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(genlabWasmKernels(tf.backend())).not.toBeNull();
  });

  it('computes a conv layer, its gradients and a matmul as the cpu backend does', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(values(4 * 14 * 14 * 8, 1), [4, 14, 14, 8]);
        const w = tf.tensor4d(values(4 * 4 * 8 * 16, 2), [4, 4, 8, 16]);
        const a = tf.tensor2d(values(64 * 96, 3), [64, 96]);
        const b = tf.tensor2d(values(96 * 40, 4), [96, 40]);
        const loss = (xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 2, 'same')));
        const [dx, dw] = tf.grads(loss)([x, w]);
        return [tf.conv2d(x, w, 2, 'same'), dx, dw, tf.matMul(a, b), tf.mean(x, [0, 1, 2])];
      });
    const read = async () => {
      const out = run();
      const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(out);
      return data;
    };
    const wasm = await read();
    await tf.setBackend('cpu');
    const cpu = await read();
    await tf.setBackend('wasm');
    wasm.forEach((values, i) => expect(maxRelDiff(values, cpu[i])).toBeLessThan(1e-5));
  });

  it('gives the same values on every call (the threads split work, not sums)', async () => {
    const x = tf.tensor4d(values(8 * 14 * 14 * 16, 5), [8, 14, 14, 16]);
    const w = tf.tensor4d(values(4 * 4 * 16 * 32, 6), [4, 4, 16, 32]);
    const first = tf.conv2d(x, w, 2, 'same');
    const copy = tf.add(w, 0) as tf.Tensor4D; // a new filter buffer: a new XNNPACK operator (a clone would share w's)
    const again = tf.conv2d(x, copy, 2, 'same');
    expect(Array.from(await again.data())).toEqual(Array.from(await first.data()));
    tf.dispose([x, w, copy, first, again]);
  });

  it('lets a process that used it exit on its own (its worker threads do not hold it)', () => {
    const child = runScript(
      [
        "const { initCompute, tf } = require('@genlab/compute');",
        'initCompute({ backend: "wasm", wasmThreads: 2, logger: false }).then((info) => {',
        '  const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));',
        '  console.log(info.detail, y.dataSync()[0]);',
        '});',
      ],
      30_000,
    );
    expect(child.error).toBeUndefined(); // a timeout would be an error here
    expect(child.stdout).toContain('simd, 2 threads 64');
    expect(child.status).toBe(0);
  });
});
