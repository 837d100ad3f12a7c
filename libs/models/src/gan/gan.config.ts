import { z } from 'zod';
import { batchSizeField, epochsField, labelledExamplesField, learningRateField, maxStepsField, positiveInt } from '../config-fields';


const widths = (what: string, count: number, defaults: number[]) =>
  z
    .array(positiveInt(4096), { error: 'must be a list of positive integers' })
    .length(count, { error: `must list exactly ${count} channel counts` })
    .default(defaults)
    .meta({ description: what });

const probability = (max: number, fallback: number, description: string) =>
  z
    .number({ error: `must be a number in [0, ${max})` })
    .min(0, { error: `must be a number in [0, ${max})` })
    .lt(max, { error: `must be a number in [0, ${max})` })
    .default(fallback)
    .meta({ description });

/** Network types: `conv` (dcgan-28's, for [H, W, C] images with H and W divisible by 4) or `mlp` (any data, e.g. 2-D points). */
export const GAN_ARCHITECTURES = ['conv', 'mlp'] as const;
export type GanArchitecture = (typeof GAN_ARCHITECTURES)[number];

/** Fields both GAN families share; `optimiser` defaults differ per family. */
function ganFields(defaults: { learningRate: number; beta1: number; beta2: number }) {
  return {
    architecture: z
      .enum(GAN_ARCHITECTURES, { error: "must be 'conv' or 'mlp'" })
      .default('conv')
      .meta({
        description:
          "conv: the WORKLOADS.md dcgan-28 networks, for images [H, W, C] with H and W divisible by 4 and values in [0, 1]; " +
          'mlp: fully connected networks for any data shape (e.g. 2-D points such as ring8).',
      }),
    latentDim: positiveInt(4096).default(64).meta({ description: 'Dimension of the generator input z ~ N(0, I).' }),
    generatorChannels: widths('conv: channels of the generator after its dense layer and after the first transposed conv.', 2, [128, 64]),
    discriminatorChannels: widths('conv: channels of the two stride-2 convolutions of the discriminator / critic.', 2, [64, 128]),
    hiddenDims: z
      .array(positiveInt(16384), { error: 'must be a list of positive integers' })
      .min(1, { error: 'must list at least one hidden layer' })
      .max(8, { error: 'must list at most 8 hidden layers' })
      .default([128, 128])
      .meta({ description: 'mlp: hidden widths of the generator (ReLU) and of the discriminator / critic (LeakyReLU 0.2).' }),
    conditional: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .meta({ description: 'Class-conditional: one-hot labels enter both networks; needs a labelled dataset (numClasses).' }),
    learningRate: learningRateField(defaults.learningRate).meta({ description: 'Adam step size of both optimisers.' }),
    beta1: probability(1, defaults.beta1, "Adam's β1 (both optimisers)."),
    beta2: probability(1, defaults.beta2, "Adam's β2 (both optimisers)."),
    batchSize: batchSizeField(64, 'Real examples per training step.'),
    epochs: epochsField(20),
    maxSteps: maxStepsField(),
    labelledExamples: labelledExamplesField(),
  };
}

/**
 * DCGAN (Radford et al.) with the non-saturating BCE loss. With the defaults it is the
 * WORKLOADS.md `dcgan-28`: G z64 → dense 7·7·128 → BN → ReLU → convT 64 k4 s2 → BN → ReLU →
 * convT C k4 s2 → sigmoid; D conv 64 k4 s2 → LReLU 0.2 → conv 128 k4 s2 → BN → LReLU 0.2 →
 * dense 1; Adam 2e-4, β1 0.5; batch 64.
 */
export const dcganConfigSchema = z
  .strictObject(ganFields({ learningRate: 2e-4, beta1: 0.5, beta2: 0.999 }))
  .meta({ title: 'DCGAN', description: 'Deep convolutional GAN (or its MLP version), non-saturating loss.' });

/**
 * WGAN-GP (Gulrajani et al.): the DCGAN generator, a critic without BatchNorm and without a
 * sigmoid, the gradient penalty λ·(‖∇C(x̂)‖ − 1)² on random interpolates x̂, and `nCritic`
 * critic updates per generator update; Adam 1e-4, β1 0, β2 0.9.
 */
export const wganGpConfigSchema = z
  .strictObject({
    ...ganFields({ learningRate: 1e-4, beta1: 0, beta2: 0.9 }),
    gradientPenalty: z
      .number({ error: 'must be a number ≥ 0' })
      .min(0, { error: 'must be a number ≥ 0' })
      .max(1e6, { error: 'must be at most 1000000' })
      .default(10)
      .meta({ description: 'λ, the weight of the gradient penalty.' }),
    nCritic: positiveInt(100).default(5).meta({ description: 'Critic updates per generator update (per training step).' }),
  })
  .meta({ title: 'WGAN-GP', description: 'Wasserstein GAN with gradient penalty (conv or MLP networks).' });

export type DcganConfig = z.output<typeof dcganConfigSchema>;
export type DcganConfigInput = z.input<typeof dcganConfigSchema>;
export type WganGpConfig = z.output<typeof wganGpConfigSchema>;
export type WganGpConfigInput = z.input<typeof wganGpConfigSchema>;
/** Either family's config; `gradientPenalty` in it marks WGAN-GP. */
export type GanConfig = DcganConfig | WganGpConfig;
