import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ErrorCode } from '@genlab/errors';
import { canDecode, canEncode, canExportDecoder } from '../generative-model';
import { assertDatasetFits, createModel, familyInfo, loadModel } from '../model-registry';
import { decodeModelBytes, encodeModelBytes } from '../serialization/model-bytes';
import type { VaeModel } from './vae.model';

const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
const CONFIG = { latentDim: 2, hiddenDims: [16], learningRate: 1e-2, conditional: true } as const;

/** 32 binary 3×3 images: class 0 a vertical line, 1 a horizontal line, 2 a diagonal; one pixel flipped in some. */
function linesData(): { x: tf.Tensor; labels: tf.Tensor1D } {
  const prototypes = [
    [0, 1, 0, 0, 1, 0, 0, 1, 0],
    [0, 0, 0, 1, 1, 1, 0, 0, 0],
    [1, 0, 0, 0, 1, 0, 0, 0, 1],
  ];
  const classes = Array.from({ length: 32 }, (_, i) => i % 3);
  const rows = classes.map((c, i) => {
    const row = [...prototypes[c]];
    if (i % 4 === 0) row[i % 9] = 1 - row[i % 9];
    return row;
  });
  return { x: tf.tensor(rows.flat(), [32, 3, 3, 1]), labels: tf.tensor1d(classes, 'int32') };
}

const read = async (t: tf.Tensor) => {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
};
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

describe('conditional vae', () => {
  let data: { x: tf.Tensor; labels: tf.Tensor1D };
  beforeAll(async () => {
    await initCompute({ logger: false });
    data = linesData();
  });
  afterAll(() => tf.dispose([data.x, data.labels]));

  const build = (seed = 1) => createModel('vae', CONFIG, { dataShape: [3, 3, 1], seed, numClasses: 3 }) as VaeModel;

  it('needs numClasses ≥ 2 to be created', () => {
    const before = tf.memory().numTensors;
    for (const numClasses of [undefined, 1, 2.5, 1001]) {
      expect(() => createModel('vae', CONFIG, { dataShape: [3, 3, 1], seed: 1, numClasses })).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('conditional: true needs the number of classes') }),
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    // An unconditional model ignores numClasses.
    const plain = createModel('vae', { ...CONFIG, conditional: false }, { dataShape: [3, 3, 1], seed: 1, numClasses: 3 });
    expect(plain.capabilities.conditional).toBe(false);
    expect(plain.numClasses).toBe(0);
    plain.dispose();
  });

  it('offers no label-free encode, decode or decoder export (so no interpolation), only conditioning', () => {
    const model = build();
    expect(model.capabilities).toEqual({ sample: true, logProb: false, elbo: true, iwae: true, encode: false, decode: false, conditional: true });
    expect([canEncode(model), canDecode(model), canExportDecoder(model)]).toEqual([false, false, false]);
    expect(model.numClasses).toBe(3);
    expect(model.latentDim).toBe(2);
    // The family offers both: each model reports its own.
    expect(familyInfo('vae').capabilities).toMatchObject({ encode: true, decode: true, conditional: true });
    model.dispose();
  });

  it('refuses training and bounds without well-formed labels, with INVALID_ARGUMENT and no step taken', () => {
    const model = build();
    const floatLabels = tf.tensor1d([0, 1, 2], 'float32');
    const short = data.labels.slice([0], [5]);
    const cases: [string, () => unknown][] = [
      ['trainStep without labels', () => model.trainStep(data.x)],
      ['trainStep with float labels', () => model.trainStep(data.x.slice([0, 0, 0, 0], [3, 3, 3, 1]), floatLabels)],
      ['trainStep with too few labels', () => model.trainStep(data.x, short)],
      ['elbo without labels', () => model.elbo(data.x, { seed: 1 })],
      ['iwaeBound without labels', () => model.iwaeBound(data.x, 4, { seed: 1 })],
      ['iwaeBound with too few labels', () => model.iwaeBound(data.x, 4, { labels: short })],
    ];
    for (const [what, call] of cases) {
      expect(call, what).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('needs the examples\' classes as an int32 tensor') }),
      );
    }
    expect(model.stepCount).toBe(0);
    expect(() => model.sample(2, 1, { labels: Int32Array.from([0, 3]) })).toThrow(invalid);
    expect(() => model.sample(2, 1, { labels: Int32Array.from([0]) })).toThrow(invalid);
    tf.dispose([floatLabels, short]);
    model.dispose();
  });

  it('decodes per label: the same seed with other labels gives other samples, and unlabelled sampling draws classes from the seed', async () => {
    const model = build();
    for (let i = 0; i < 30; i += 1) model.trainStep(data.x, data.labels).dispose();
    const n = 16;
    const ofClass = (c: number) => model.sample(n, 5, { labels: new Int32Array(n).fill(c) });
    const perClass = await Promise.all([0, 1, 2].map(async (c) => read(ofClass(c))));
    expect(await read(ofClass(0))).toEqual(perClass[0]);
    expect(perClass[1]).not.toEqual(perClass[0]);
    expect(perClass[2]).not.toEqual(perClass[1]);

    // Without labels: each sample is its code decoded for one class (the codes depend on the seed alone).
    const unlabelled = await read(model.sample(n, 5));
    expect(await read(model.sample(n, 5))).toEqual(unlabelled);
    const drawn = Array.from({ length: n }, (_, i) => {
      const row = (values: number[]) => values.slice(i * 9, (i + 1) * 9);
      return [0, 1, 2].find((c) => row(perClass[c]).every((v, j) => v === row(unlabelled)[j]));
    });
    expect(drawn.every((c) => c !== undefined)).toBe(true);
    expect(new Set(drawn).size).toBeGreaterThan(1); // 16 uniform draws of 3 classes
    model.dispose();
  });

  it('bounds log p(x | y): after training, the right labels give a higher bound than wrong ones', async () => {
    const model = build(2);
    for (let i = 0; i < 150; i += 1) model.trainStep(data.x, data.labels).dispose();
    const wrong = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i + 1) % 3), 'int32'); // every label shifted to another class
    const right = mean(await read(model.iwaeBound(data.x, 20, { seed: 3, labels: data.labels })));
    const shifted = mean(await read(model.iwaeBound(data.x, 20, { seed: 3, labels: wrong })));
    const rightElbo = mean(await read(model.elbo(data.x, { seed: 3, labels: data.labels })));
    expect(right).toBeGreaterThan(shifted + 5);
    expect(right).toBeGreaterThan(rightElbo - 0.5);
    wrong.dispose();
    model.dispose();
  }, 30_000);

  it('restores numClasses and conditional sampling from saved bytes; bytes from before conditioning load as unconditional', async () => {
    const model = build();
    model.trainStep(data.x, data.labels).dispose();
    const bytes = await model.save();
    expect(decodeModelBytes(bytes).state).toMatchObject({ numClasses: 3 });
    const restored = (await loadModel(bytes)) as VaeModel;
    expect(restored.numClasses).toBe(3);
    expect(restored.capabilities.conditional).toBe(true);
    const labels = Int32Array.from([2, 0, 1, 1]);
    expect(await read(restored.sample(4, 9, { labels }))).toEqual(await read(model.sample(4, 9, { labels })));
    restored.dispose();
    model.dispose();

    // An unconditional model saved without numClasses in its state (as before this field existed).
    const plain = createModel('vae', { latentDim: 2, hiddenDims: [4] }, { dataShape: [3, 3, 1], seed: 1 });
    const snapshot = decodeModelBytes(await plain.save());
    const { numClasses, ...legacyState } = snapshot.state;
    expect(numClasses).toBe(0);
    const legacy = await loadModel(encodeModelBytes({ ...snapshot, state: legacyState }));
    expect(legacy.capabilities.conditional).toBe(false);
    expect(await read(legacy.sample(3, 4))).toEqual(await read(plain.sample(3, 4)));
    const bad = encodeModelBytes({ ...snapshot, state: { ...legacyState, numClasses: 1 } });
    await expect(loadModel(bad)).rejects.toThrow(invalid);
    legacy.dispose();
    plain.dispose();
  });

  it('needs a labelled dataset', () => {
    const mnist = { shape: [28, 28, 1], trainCount: 8000, min: 0, max: 1 };
    expect(() => assertDatasetFits('vae', { conditional: true }, mnist)).toThrow(invalid);
    expect(() => assertDatasetFits('vae', { conditional: true }, { ...mnist, numClasses: 10 })).not.toThrow();
  });
});
