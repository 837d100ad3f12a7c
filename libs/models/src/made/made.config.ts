import { z } from 'zod';
import { positiveInt, trainingFields } from '../config-fields';


export const MADE_ORDERINGS = ['natural', 'random'] as const;
export type MadeOrdering = (typeof MADE_ORDERINGS)[number];

export const MADE_BINARIZATIONS = ['static', 'none'] as const;
export type MadeBinarization = (typeof MADE_BINARIZATIONS)[number];

/**
 * MADE, masked autoencoder for distribution estimation (Germain et al. 2015), for binary
 * data. With the defaults it is the WORKLOADS.md `made` workload: masked D-500(ReLU)-D with
 * Bernoulli logits, one natural ordering, hidden degrees uniform in 1..D−1 drawn from the
 * run seed, Adam 1e-3, batch 128, 20 epochs.
 */
export const madeConfigSchema = z
  .strictObject({
    hiddenDims: z
      .array(positiveInt(16384), { error: 'must be a list of positive integers' })
      .min(1, { error: 'must list at least one hidden layer' })
      .max(4, { error: 'must list at most 4 hidden layers' })
      .default([500])
      .meta({ description: 'Widths of the masked hidden layers (ReLU).' }),
    ordering: z
      .enum(MADE_ORDERINGS, { error: "must be 'natural' or 'random'" })
      .default('natural')
      .meta({
        description:
          "Autoregressive order of the inputs: 'natural' (pixel order) or 'random' (a permutation per mask, drawn from the run seed).",
      }),
    numMasks: positiveInt(64)
      .default(1)
      .meta({
        description:
          'Masks (connectivities, and orderings if random) drawn from the run seed. Training cycles through them, one per step; ' +
          'logProb averages the probabilities of all of them (an exact mixture) and sample draws from that mixture.',
      }),
    binarize: z
      .enum(MADE_BINARIZATIONS, { error: "must be 'static' or 'none'" })
      .default('static')
      .meta({
        description: "'static': x > 0.5 (data in [0, 1], e.g. MNIST); 'none': the data must already be binary (0 or 1).",
      }),
    ...trainingFields(),
  })
  .meta({ title: 'MADE', description: 'Masked autoencoder for distribution estimation (binary data, exact likelihood).' });

export type MadeConfig = z.output<typeof madeConfigSchema>;
export type MadeConfigInput = z.input<typeof madeConfigSchema>;
