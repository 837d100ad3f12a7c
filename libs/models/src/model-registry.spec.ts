import { describe, expect, it } from 'vitest';
import { ring8, type TensorDataset } from '@genlab/data';
import { ErrorCode } from '@genlab/errors';
import { initCompute, tf } from '@genlab/compute';
import {
  assertDatasetFits,
  createModel,
  familyInfo,
  listFamilies,
  loadParametersInto,
  modelConfigJsonSchema,
  parseConfig,
  prepareDataset,
  trainingExamples,
  trainingPlan,
} from './model-registry';

const invalidNaming = (...fields: string[]) =>
  expect.objectContaining({
    code: ErrorCode.InvalidArgument,
    message: expect.stringMatching(new RegExp(fields.map((f) => f.replace(/[.[\]]/g, '\\$&')).join('.*'))),
  });

describe('parseConfig', () => {
  it('fills in the vae-mlp defaults', () => {
    expect(parseConfig('vae', {})).toEqual({
      architecture: 'mlp',
      latentDim: 20,
      hiddenDims: [400],
      convChannels: [32, 64],
      likelihood: 'bernoulli',
      conditional: false,
      beta: 1,
      learningRate: 1e-3,
      batchSize: 128,
      epochs: 20,
    });
    expect(parseConfig('vae', '{"latentDim": 8, "maxSteps": 100}')).toMatchObject({ latentDim: 8, maxSteps: 100, hiddenDims: [400] });
  });

  it('names every offending field', () => {
    expect(() => parseConfig('vae', { latentDim: 0 })).toThrow(invalidNaming('config.latentDim: must be a positive integer'));
    expect(() => parseConfig('vae', { latentDim: 2.5 })).toThrow(invalidNaming('config.latentDim: must be a positive integer'));
    expect(() => parseConfig('vae', { hiddenDims: [64, -1] })).toThrow(invalidNaming('config.hiddenDims[1]: must be a positive integer'));
    expect(() => parseConfig('vae', { beta: -0.1 })).toThrow(invalidNaming('config.beta: must be a number ≥ 0'));
    expect(() => parseConfig('vae', { architecture: 'resnet' })).toThrow(invalidNaming("config.architecture: must be 'mlp' or 'conv'"));
    expect(() => parseConfig('vae', { latentDims: 4 })).toThrow(invalidNaming('config.latentDims: is not a known field'));
    expect(() => parseConfig('vae', [])).toThrow(invalidNaming('config: must be a JSON object'));
    expect(() => parseConfig('vae', '{oops')).toThrow(invalidNaming('config: is not valid JSON'));
    expect(() => parseConfig('vae', { likelihood: 'poisson' })).toThrow(invalidNaming("config.likelihood: must be 'bernoulli' or 'gaussian'"));

    try {
      parseConfig('vae', { latentDim: -1, learningRate: 0 });
      expect.unreachable();
    } catch (error) {
      expect((error as { details: unknown }).details).toEqual({
        family: 'vae',
        issues: [
          { field: 'config.latentDim', message: 'must be a positive integer' },
          { field: 'config.learningRate', message: 'must be a positive number' },
        ],
      });
    }
  });

  it('rejects an unknown family, listing the known ones', () => {
    expect(() => parseConfig('gan', {})).toThrow(invalidNaming("unknown model family 'gan'; known families: vae"));
  });
});

describe('family metadata', () => {
  it('exposes each config as JSON Schema with defaults, for forms', () => {
    const schema = modelConfigJsonSchema('vae') as { type: string; properties: Record<string, { default?: unknown }>; required?: string[] };
    expect(schema.type).toBe('object');
    expect(schema.properties.latentDim.default).toBe(20);
    expect(schema.properties.hiddenDims.default).toEqual([400]);
    expect(schema.required ?? []).toEqual([]);
  });

  it('lists families with their capabilities', () => {
    const families = listFamilies();
    expect(Object.fromEntries(families.map((f) => [f.name, f.density]))).toEqual({
      vae: 'explicit-approximate',
      made: 'explicit-exact',
      realnvp: 'explicit-exact',
      ddpm: 'explicit-approximate',
      dcgan: 'implicit',
      'wgan-gp': 'implicit',
      pixelcnn: 'explicit-exact',
    });
    expect(familyInfo('vae')).toEqual(
      expect.objectContaining({
        name: 'vae',
        capabilities: { sample: true, logProb: false, elbo: true, iwae: true, encode: true, decode: true, conditional: true },
      }),
    );
    // Exact-likelihood families report log p; implicit ones report no likelihood at all.
    for (const family of families) {
      expect(family.capabilities.sample, family.name).toBe(true);
      expect(family.capabilities.logProb, family.name).toBe(family.density === 'explicit-exact');
      if (family.density === 'implicit') expect(family.capabilities.elbo || family.capabilities.iwae, family.name).toBe(false);
    }
    expect(() => familyInfo('flow')).toThrow(invalidNaming("unknown model family 'flow'"));
  });
});

describe('createModel', () => {
  it('needs initCompute first, then validates its options', async () => {
    expect(() => createModel('vae', {}, { dataShape: [4], seed: 1 })).toThrow(expect.objectContaining({ code: ErrorCode.FailedPrecondition }));
    await initCompute({ logger: false });
    expect(() => createModel('vae', {}, { dataShape: [0], seed: 1 })).toThrow(invalidNaming('dataShape'));
    expect(() => createModel('vae', {}, { dataShape: [4], seed: -3 })).toThrow(invalidNaming('seed'));
    expect(() => createModel('vae', { latentDim: 0 }, { dataShape: [4], seed: 1 })).toThrow(invalidNaming('config.latentDim'));
    const model = createModel('vae', { latentDim: 3, hiddenDims: [5] }, { dataShape: [2, 2], seed: 1 });
    expect(model.config).toMatchObject({ latentDim: 3, hiddenDims: [5], beta: 1 });
    model.dispose();
  });
});

describe('family data hooks', () => {
  const grey: TensorDataset = { shape: [2, 2, 1], count: 2, x: new Float32Array([0, 0.5, 0.51, 1, 0.2, 0.9, 0.7, 0.3]) };
  const mnist = { shape: [28, 28, 1], trainCount: 8000, min: 0, max: 1 };

  it('prepareDataset: a bernoulli vae trains on x > 0.5, a gaussian one on the data unchanged', () => {
    const binary = prepareDataset('vae', {}, grey);
    expect(Array.from(binary.x)).toEqual([0, 0, 1, 1, 0, 1, 1, 0]);
    expect(binary).toMatchObject({ shape: [2, 2, 1], count: 2 });
    expect(Array.from(grey.x)).toEqual([0, 0.5, 0.51, 1, 0.2, 0.9, 0.7, 0.3].map(Math.fround)); // input untouched
    const points = ring8.sample(10, 1);
    expect(prepareDataset('vae', { likelihood: 'gaussian' }, points)).toBe(points);
    expect(() => prepareDataset('vae', { likelihood: 'poisson' }, points)).toThrow(invalidNaming('config.likelihood'));
  });

  it('assertDatasetFits: a bernoulli vae refuses data outside [0, 1] and points to the gaussian likelihood', () => {
    expect(() => assertDatasetFits('vae', {}, mnist)).not.toThrow();
    const ring = { shape: [2], trainCount: 8000, min: -2.0412, max: 2.0467 };
    expect(() => assertDatasetFits('vae', {}, ring)).toThrow(
      invalidNaming("vae with likelihood 'bernoulli' needs data in [0, 1]; this dataset spans [-2.04, 2.05]: use likelihood 'gaussian'"),
    );
    expect(() => assertDatasetFits('vae', { likelihood: 'gaussian' }, ring)).not.toThrow();
    // Rounding never hides the offending value.
    expect(() => assertDatasetFits('vae', {}, { ...mnist, max: 1.0004 })).toThrow(invalidNaming('spans [0, 1.0004]'));
    expect(() => assertDatasetFits('vae', {}, { ...mnist, max: 255 })).toThrow(invalidNaming('spans [0, 255]'));
  });

  it('assertDatasetFits: a class-conditional model needs a labelled dataset, before anything is queued', () => {
    for (const family of ['pixelcnn', 'dcgan', 'wgan-gp']) {
      expect(() => assertDatasetFits(family, { conditional: true }, mnist)).toThrow(
        invalidNaming(`a class-conditional ${family} needs a labelled dataset`, 'has no labels', 'set conditional to false'),
      );
      expect(() => assertDatasetFits(family, { conditional: true }, { ...mnist, numClasses: 1 })).toThrow(invalidNaming('has 1 class'));
      expect(() => assertDatasetFits(family, { conditional: true }, { ...mnist, numClasses: 10 })).not.toThrow();
      expect(() => assertDatasetFits(family, {}, mnist)).not.toThrow();
    }
  });

  it('assertDatasetFits: refuses a training split smaller than one batch, and malformed summaries', () => {
    expect(() => assertDatasetFits('vae', { batchSize: 128 }, { ...mnist, trainCount: 64 })).toThrow(invalidNaming('64 examples', 'batchSize 128'));
    expect(() => assertDatasetFits('vae', { batchSize: 64 }, { ...mnist, trainCount: 64 })).not.toThrow();
    expect(() => assertDatasetFits('vae', {}, { ...mnist, shape: [] })).toThrow(invalidNaming('dataShape'));
    expect(() => assertDatasetFits('vae', {}, { ...mnist, max: Number.NaN })).toThrow(invalidNaming('non-finite'));
    expect(() => assertDatasetFits('gan', {}, mnist)).toThrow(invalidNaming("unknown model family 'gan'"));
    expect(() => assertDatasetFits('vae', { latentDim: 0 }, mnist)).toThrow(invalidNaming('config.latentDim'));
  });

  it('trainingPlan: dispatches to the family with its config completed by defaults (MNIST-10k: 1240 steps)', () => {
    expect(trainingPlan('vae', {}, 8000)).toEqual({ batchSize: 128, stepsPerEpoch: 62, totalSteps: 1240, logEvery: 4, checkpointEvery: 124 });
    expect(trainingPlan('vae', '{"maxSteps": 200}', 8000)).toEqual({ batchSize: 128, stepsPerEpoch: 62, totalSteps: 200, logEvery: 1, checkpointEvery: 62 });
    expect(() => trainingPlan('vae', {}, 10)).toThrow(invalidNaming('batchSize 128'));
  });

  it('labelledExamples: every family plans on the labelled subset, which needs labels and must fit the split', () => {
    const labelled = { ...mnist, numClasses: 10 };
    for (const family of ['vae', 'made', 'pixelcnn', 'realnvp', 'ddpm', 'dcgan', 'wgan-gp']) {
      expect(() => assertDatasetFits(family, { labelledExamples: 1000, batchSize: 50 }, labelled)).not.toThrow();
      expect(() => assertDatasetFits(family, { labelledExamples: 1000, batchSize: 50 }, mnist)).toThrow(invalidNaming('config.labelledExamples', 'no labels'));
      expect(() => assertDatasetFits(family, { labelledExamples: 8001, batchSize: 50 }, labelled)).toThrow(invalidNaming('8001', 'at most 8000'));
      expect(() => assertDatasetFits(family, { labelledExamples: 40, batchSize: 50 }, labelled)).toThrow(invalidNaming('40 examples', 'batchSize 50'));
    }
    expect(trainingPlan('vae', { labelledExamples: 1000, batchSize: 50, epochs: 3 }, 8000)).toMatchObject({ stepsPerEpoch: 20, totalSteps: 60 });
    // The executor plans on the subset it trains on: the same plan.
    expect(trainingPlan('vae', { labelledExamples: 1000, batchSize: 50, epochs: 3 }, 1000)).toMatchObject({ stepsPerEpoch: 20, totalSteps: 60 });
  });

  it('trainingExamples: the whole split, or the seeded class-balanced labelled subset', () => {
    const labels = Int32Array.from({ length: 200 }, (_, i) => i % 4);
    const train: TensorDataset = { shape: [2], count: 200, x: Float32Array.from({ length: 400 }, (_, i) => i), labels, numClasses: 4 };
    expect(trainingExamples('vae', {}, train, 3)).toBe(train);
    const subset = trainingExamples('vae', { labelledExamples: 40 }, train, 3);
    expect(subset.count).toBe(40);
    expect([0, 1, 2, 3].map((c) => subset.labels!.filter((l) => l === c).length)).toEqual([10, 10, 10, 10]);
    expect(trainingExamples('vae', { labelledExamples: 40 }, train, 3).x).toEqual(subset.x);
    expect(trainingExamples('vae', { labelledExamples: 40 }, train, 4).x).not.toEqual(subset.x);
  });
});

describe('loadParametersInto', () => {
  const vae = (config: Record<string, unknown>, numClasses?: number, seed = 1) =>
    createModel('vae', { likelihood: 'gaussian', latentDim: 2, hiddenDims: [8], ...config }, { dataShape: [2], seed, numClasses });
  const samples = async (model: ReturnType<typeof vae>) => {
    const s = model.sample(3, 5);
    const values = Array.from(await s.data());
    s.dispose();
    return values;
  };

  it('leaves a model unlike the bytes (another config, other classes, another run seed) as it was, and refuses corrupt bytes before changing anything', async () => {
    await initCompute({ logger: false });
    const model = vae({});
    const conditional = vae({ conditional: true }, 3);
    // MADE draws its masks from the run seed: the parameters of another seed's model do not fit its masks.
    const made = (seed: number) => createModel('made', { hiddenDims: [8] }, { dataShape: [4], seed });
    const madeModel = made(1);
    const others = [vae({ hiddenDims: [16] }), vae({ latentDim: 3 }), vae({ conditional: true }, 4), vae({}), vae({}, undefined, 2), made(2), made(1)];
    try {
      const before = await samples(model);
      expect(loadParametersInto(model, await others[0]!.save())).toBe(false);
      expect(loadParametersInto(model, await others[1]!.save())).toBe(false);
      expect(loadParametersInto(conditional, await others[2]!.save())).toBe(false);
      expect(loadParametersInto(model, await others[4]!.save())).toBe(false);
      expect(loadParametersInto(madeModel, await others[5]!.save())).toBe(false);
      expect(loadParametersInto(madeModel, await others[6]!.save())).toBe(true);
      const corrupt = await others[3]!.save();
      corrupt[corrupt.length - 1] ^= 0xff;
      const tensors = tf.memory().numTensors;
      expect(() => loadParametersInto(model, corrupt)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(/checksum/) }));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(await samples(model)).toEqual(before);
    } finally {
      [model, conditional, madeModel, ...others].forEach((m) => m.dispose());
    }
  });
});
