import { z } from 'zod';
import { batchSizeField, epochsField, labelledExamplesField, learningRateField, positiveInt } from '../config-fields';


export const REALNVP_DEQUANTIZATIONS = ['auto', 'uniform', 'none'] as const;
export type RealNvpDequantization = (typeof REALNVP_DEQUANTIZATIONS)[number];

/**
 * RealNVP (Dinh et al. 2017): affine coupling layers with a standard normal base. With the
 * defaults on 2-D data it is the WORKLOADS.md `realnvp-ring8` workload: 8 couplings
 * alternating which coordinate is transformed, conditioner MLPs 1-64-64-2 (ReLU), scale
 * exp(tanh(s)), batch 512, Adam 1e-3, 3,000 steps. `conditional: true` makes it a
 * class-conditional flow p(x | y): the one-hot label joins every conditioner's input.
 */
export const realNvpConfigSchema = z
  .strictObject({
    numCouplings: positiveInt(64).default(8).meta({ description: 'Affine coupling layers.' }),
    hiddenDims: z
      .array(positiveInt(16384), { error: 'must be a list of positive integers' })
      .min(1, { error: 'must list at least one hidden layer' })
      .max(8, { error: 'must list at most 8 hidden layers' })
      .default([64, 64])
      .meta({ description: 'Hidden widths (ReLU) of each coupling’s conditioner MLP, which outputs the log-scale s and shift t.' }),
    dequantize: z
      .enum(REALNVP_DEQUANTIZATIONS, { error: "must be 'auto', 'uniform' or 'none'" })
      .default('auto')
      .meta({
        description:
          "'uniform': the data are 8-bit values scaled to [0, 1] (images); they are dequantized with uniform noise and " +
          "logit-transformed, and logProb is the log-likelihood of the discrete data (bits/dim = −logProb/(D ln 2)). " +
          "'none': real-valued data (e.g. 2-D points), logProb is their continuous density. " +
          "'auto': 'uniform' for image-shaped data ([H, W, C]), 'none' otherwise.",
      }),
    conditional: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .meta({
        description:
          'Class-conditional: a one-hot label joins the input of every coupling’s conditioner, so logProb is the exact ' +
          'log p(x | y) (the base stays N(0, I)); needs a labelled dataset (numClasses). Such a model has no label-free encode/decode.',
      }),
    learningRate: learningRateField(1e-3),
    batchSize: batchSizeField(512),
    epochs: epochsField(3000, 'Passes over the training set (maxSteps usually stops first).'),
    maxSteps: positiveInt(Number.MAX_SAFE_INTEGER).default(3000).meta({ description: 'Stop after this many steps, if earlier.' }),
    labelledExamples: labelledExamplesField(),
  })
  .meta({ title: 'RealNVP', description: 'Normalizing flow of affine coupling layers (exact likelihood, invertible), optionally class-conditional.' });

export type RealNvpConfig = z.output<typeof realNvpConfigSchema>;
export type RealNvpConfigInput = z.input<typeof realNvpConfigSchema>;

/** What `dequantize: 'auto'` means for data of `dataShape`. */
export const resolveDequantization = (config: RealNvpConfig, dataShape: readonly number[]): 'uniform' | 'none' =>
  config.dequantize === 'auto' ? (dataShape.length >= 3 ? 'uniform' : 'none') : config.dequantize;
