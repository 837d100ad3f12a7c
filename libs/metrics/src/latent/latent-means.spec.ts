import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { cancelled, ErrorCode } from '@genlab/errors';
import { createModel, type GenerativeModel } from '@genlab/models';
import { expectNoTensorLeak } from '../testing/no-tensor-leak';
import { latentMeans } from './latent-means';

const DIMS = 8;

describe('latentMeans', () => {
  let vae: GenerativeModel;
  const data = { shape: [DIMS], count: 10, x: new Float32Array(10 * DIMS).map((_, i) => (i % 3 === 0 ? 1 : 0)) };

  beforeAll(async () => {
    await initCompute({ logger: false });
    vae = createModel('vae', { latentDim: 3, hiddenDims: [8] }, { dataShape: [DIMS], seed: 6 });
  });
  afterAll(() => vae.dispose());

  it('encodes every example batch by batch, as encode does on the whole set', async () => {
    const progress: number[] = [];
    const means = await latentMeans(vae, data, { batchSize: 4, onProgress: (done) => progress.push(done) });
    expect(means).toMatchObject({ count: 10, dim: 3 });
    expect(progress).toEqual([4, 8, 10]);
    const x = tf.tensor(data.x, [10, DIMS]);
    const whole = vae.encode!(x);
    const expected = await whole.data();
    tf.dispose([x, whole]);
    expected.forEach((value, i) => expect(means.values[i]).toBeCloseTo(value, 5));
    await expectNoTensorLeak(() => latentMeans(vae, data, { batchSize: 4 }));
  });

  it('refuses a model without an encoder, naming its capabilities, and stops when cancelled', async () => {
    const made = createModel('made', { hiddenDims: [8] }, { dataShape: [DIMS], seed: 1 });
    await expect(latentMeans(made, data)).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringContaining('no encoder (capabilities: sample, logProb)'),
    });
    made.dispose();
    const stop = () => {
      throw cancelled('stopped');
    };
    await expect(latentMeans(vae, data, { throwIfCancelled: stop })).rejects.toMatchObject({ code: ErrorCode.Cancelled });
  });
});
