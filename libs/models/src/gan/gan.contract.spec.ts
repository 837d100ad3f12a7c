import { tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { describeGenerativeModelContract } from '../testing/generative-model.contract';

/** `count` ring8 points `[count, 2]` and their mode indices (8 classes). */
const ring8Points = (count: number, seed: number) => ring8.sample(count, seed);
const points = (count: number, seed: number) => () => tf.tensor2d(ring8Points(count, seed).x, [count, 2]);
const modes = (count: number, seed: number) => () => tf.tensor1d(ring8Points(count, seed).labels as Int32Array, 'int32');

/** 8 fixed 8×8 grey "images" in [0, 1]: smooth blobs at different places. */
const images = () =>
  tf.tidy(() => {
    const rows = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 64 }, (_, p) => Math.exp(-(((p % 8) - (i % 4) * 2) ** 2 + (Math.floor(p / 8) - Math.floor(i / 2)) ** 2) / 6)),
    );
    return tf.tensor(rows.flat(), [8, 8, 8, 1]);
  });

const mlp = { architecture: 'mlp', latentDim: 4, hiddenDims: [16, 16], learningRate: 1e-3 } as const;
const conv = { architecture: 'conv', latentDim: 8, generatorChannels: [8, 4], discriminatorChannels: [4, 8], learningRate: 1e-3 } as const;

describeGenerativeModelContract({
  family: 'dcgan',
  label: 'dcgan (mlp, 2-D points)',
  config: mlp,
  dataShape: [2],
  batch: points(32, 5),
  continuous: true,
  adversarial: true,
  trainSteps: 10,
});

describeGenerativeModelContract({
  family: 'dcgan',
  label: 'dcgan (conv, 8×8 images)',
  config: conv,
  dataShape: [8, 8, 1],
  batch: images,
  continuous: true,
  adversarial: true,
  trainSteps: 5,
});

describeGenerativeModelContract({
  family: 'wgan-gp',
  label: 'wgan-gp (mlp, 2-D points)',
  config: { ...mlp, nCritic: 2 },
  dataShape: [2],
  batch: points(32, 5),
  continuous: true,
  adversarial: true,
  trainSteps: 10,
});

describeGenerativeModelContract({
  family: 'wgan-gp',
  label: 'wgan-gp (conv, 8×8 images)',
  config: { ...conv, nCritic: 2 },
  dataShape: [8, 8, 1],
  batch: images,
  continuous: true,
  adversarial: true,
  trainSteps: 5,
});

describeGenerativeModelContract({
  family: 'dcgan',
  label: 'dcgan (mlp, conditional on the ring8 mode)',
  config: { ...mlp, conditional: true },
  dataShape: [2],
  batch: points(32, 5),
  labels: modes(32, 5),
  numClasses: 8,
  continuous: true,
  adversarial: true,
  trainSteps: 10,
});
