import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { COMPUTE_BACKEND_ENV, backendFromEnv, initCompute, tf } from './index';

// A separate spec file, hence a separate process: the compute module starts uninitialised.
describe('initCompute with a forced backend', () => {
  const previous = process.env[COMPUTE_BACKEND_ENV];
  afterAll(() => {
    if (previous === undefined) delete process.env[COMPUTE_BACKEND_ENV];
    else process.env[COMPUTE_BACKEND_ENV] = previous;
  });

  it('rejects an unknown backend name in the environment', () => {
    expect(() => backendFromEnv({ [COMPUTE_BACKEND_ENV]: 'gpu' })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/GENLAB_TF_BACKEND='gpu'.*tensorflow-gpu, tensorflow, wasm, cpu/) }),
    );
    expect(backendFromEnv({ [COMPUTE_BACKEND_ENV]: '' })).toBeUndefined();
  });

  it('rejects an unknown backend option', async () => {
    await expect(initCompute({ backend: 'gpu' as never, logger: false })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  it('fails clearly when the forced backend is not installed (leaving initialisation open for a retry)', async () => {
    await expect(initCompute({ env: { [COMPUTE_BACKEND_ENV]: 'tensorflow-gpu' }, logger: false })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(/'tensorflow-gpu' \(forced by GENLAB_TF_BACKEND\) is unavailable: .*tfjs-node-gpu is not installed/),
    });
  });

  it('uses cpu when GENLAB_TF_BACKEND=cpu', async () => {
    process.env[COMPUTE_BACKEND_ENV] = 'cpu';
    const lines: string[] = [];
    const info = await initCompute({ logger: { log: (l) => lines.push(l) } });
    expect(info).toMatchObject({ backend: 'cpu', tfBackend: 'cpu', selectedBy: 'env', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toEqual([expect.stringMatching(/on 'cpu' .*forced by GENLAB_TF_BACKEND/)]);
  });
});
