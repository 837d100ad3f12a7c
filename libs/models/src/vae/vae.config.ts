import { z } from 'zod';
import { positiveInt, trainingFields } from '../config-fields';


/** Observation models p(x | z) a VAE can use. */
export const VAE_LIKELIHOODS = ['bernoulli', 'gaussian'] as const;
export type VaeLikelihoodKind = (typeof VAE_LIKELIHOODS)[number];

/**
 * Variational autoencoder (Kingma & Welling). With the defaults it is the WORKLOADS.md
 * `vae-mlp`: encoder D-400(ReLU)-2×20, decoder 20-400(ReLU)-D Bernoulli logits, Adam 1e-3,
 * batch 128, 20 epochs. With `likelihood: 'gaussian'` it models real-valued data such as
 * the ring8 points.
 */
export const vaeConfigSchema = z
  .strictObject({
    architecture: z
      .literal('mlp', { error: "must be 'mlp' (the only architecture so far)" })
      .default('mlp')
      .meta({ description: 'Encoder/decoder network type.' }),
    latentDim: positiveInt(4096).default(20).meta({ description: 'Dimension of the latent code z.' }),
    hiddenDims: z
      .array(positiveInt(16384), { error: 'must be a list of positive integers' })
      .min(1, { error: 'must list at least one hidden layer' })
      .max(8, { error: 'must list at most 8 hidden layers' })
      .default([400])
      .meta({ description: 'Hidden layer widths of the encoder; the decoder mirrors them.' }),
    likelihood: z
      .enum(VAE_LIKELIHOODS, { error: "must be 'bernoulli' or 'gaussian'" })
      .default('bernoulli')
      .meta({
        description:
          'Observation model p(x|z): bernoulli (decoder logits; data in [0, 1], binarised at 0.5 for training) or ' +
          'gaussian (decoder mean and a learned per-dimension variance; any real data, e.g. 2-D points).',
      }),
    beta: z
      .number({ error: 'must be a number ≥ 0' })
      .min(0, { error: 'must be a number ≥ 0' })
      .max(1000, { error: 'must be at most 1000' })
      .default(1)
      .meta({ description: 'Weight of the KL term in the training loss (1 = the ELBO).' }),
    ...trainingFields(),
  })
  .meta({ title: 'VAE', description: 'Variational autoencoder with an MLP encoder and decoder.' });

/** A validated VAE config, defaults filled in. */
export type VaeConfig = z.output<typeof vaeConfigSchema>;
/** What a caller may pass: every field with a default is optional. */
export type VaeConfigInput = z.input<typeof vaeConfigSchema>;
