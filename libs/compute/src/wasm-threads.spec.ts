import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { genlabWasmKernels } from './kernels/genlab-wasm';
import { initCompute, tf } from './index';
import { MAX_WASM_THREADS, WASM_THREADS_ENV, wasmThreadsFromEnv } from './wasm-threads';

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
    const script = [
      "const { initCompute, tf } = require('@genlab/compute');",
      'initCompute({ backend: "wasm", wasmThreads: 2, logger: false }).then((info) => {',
      '  const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));',
      '  console.log(info.detail, y.dataSync()[0]);',
      '});',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'genlab-wasm-threads-'));
    const file = join(dir, 'exit.ts');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [resolve(ROOT, 'libs/models/scripts/run-ts.mjs'), file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(child.error).toBeUndefined(); // a timeout would be an error here
    expect(child.stdout).toContain('simd, 2 threads 64');
    expect(child.status).toBe(0);
  });
});
