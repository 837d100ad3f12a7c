import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { getComputeInfo, initCompute, requireCompute, tf } from './index';

// Each spec file runs in its own process (vitest forks pool), so this file sees a fresh,
// uninitialised compute module.
describe('initCompute without GENLAB_TF_BACKEND', () => {
  it('refuses to report a backend before initialisation', () => {
    expect(getComputeInfo()).toBeUndefined();
    expect(() => requireCompute()).toThrow(expect.objectContaining({ code: ErrorCode.FailedPrecondition }));
  });

  it('chooses wasm here (no native bindings installed), logging one line that names it', async () => {
    const lines: string[] = [];
    const [first, second] = [initCompute({ env: {}, logger: { log: (l) => lines.push(l) } }), initCompute({ env: {} })];

    expect(second).toBe(first); // concurrent callers share one initialisation
    const info = await first;
    expect(info.backend).toBe('wasm');
    expect(info.selectedBy).toBe('auto');
    expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(info.skipped[0].reason).toMatch(/tfjs-node-gpu is not installed/);
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TensorFlow\.js 4\.\d+\.\d+ on 'wasm'/);
  });

  it('is idempotent and exposes the chosen backend', async () => {
    const info = await initCompute({ logger: false });
    expect(await initCompute({ backend: 'wasm', logger: false })).toBe(info);
    expect(getComputeInfo()).toBe(info);
    expect(requireCompute().backend).toBe('wasm');
  });

  it('refuses to switch to another backend once chosen', async () => {
    await expect(initCompute({ backend: 'cpu' })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(/already initialised with backend 'wasm'/),
    });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('says how many wasm threads it runs on, and refuses another count once chosen', async () => {
    const info = await initCompute({ logger: false });
    expect(info.wasmThreads).toBe(1);
    expect(await initCompute({ wasmThreads: 1, logger: false })).toBe(info);
    await expect(initCompute({ wasmThreads: 2, logger: false })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(/set up for 1 thread\(s\) \(running on 1\); cannot switch to 2 \(set GENLAB_WASM_THREADS before start-up\)/),
    });
  });
});
