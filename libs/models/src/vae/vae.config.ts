import { z } from 'zod';
import { positiveInt, trainingFields } from '../config-fields';


/** Observation models p(x | z) a VAE can use. */
export const VAE_LIKELIHOODS = ['bernoulli', 'gaussian'] as const;
export type VaeLikelihoodKind = (typeof VAE_LIKELIHOODS)[number];

/** Encoder/decoder network types: `mlp` (any data shape) or `conv` (images [H, W, C], H and W divisible by 4). */
export const VAE_ARCHITECTURES = ['mlp', 'conv'] as const;
export type VaeArchitecture = (typeof VAE_ARCHITECTURES)[number];

/**
 * Variational autoencoder (Kingma & Welling). With the defaults it is the WORKLOADS.md
 * `vae-mlp`: encoder D-400(ReLU)-2×20, decoder 20-400(ReLU)-D Bernoulli logits, Adam 1e-3,
 * batch 128, 20 epochs. With `likelihood: 'gaussian'` it models real-valued data such as
 * the ring8 points. `architecture: 'conv'` swaps the MLPs for two stride-2 convolutions each
 * way; `conditional: true` makes it a conditional VAE q(z | x, y), p(x | z, y) on one-hot labels.
 */
export const vaeConfigSchema = z
  .strictObject({
    architecture: z
      .enum(VAE_ARCHITECTURES, { error: "must be 'mlp' or 'conv'" })
      .default('mlp')
      .meta({
        description:
          'mlp: fully connected encoder and decoder (hiddenDims), any data shape. conv: for images [H, W, C] with H and W ' +
          'divisible by 4 (e.g. MNIST): encoder conv c1 k4 s2 → conv c2 k4 s2 → dense → (mean, log-variance); decoder ' +
          'dense → (H/4)·(W/4)·c2 → conv-transpose c1 k4 s2 → conv-transpose C k4 s2, ReLU between layers (convChannels).',
      }),
    latentDim: positiveInt(4096).default(20).meta({ description: 'Dimension of the latent code z.' }),
    hiddenDims: z
      .array(positiveInt(16384), { error: 'must be a list of positive integers' })
      .min(1, { error: 'must list at least one hidden layer' })
      .max(8, { error: 'must list at most 8 hidden layers' })
      .default([400])
      .meta({ description: 'mlp: hidden layer widths of the encoder; the decoder mirrors them.' }),
    convChannels: z
      .array(positiveInt(1024), { error: 'must be a list of positive integers' })
      .length(2, { error: 'must list exactly 2 channel counts' })
      .default([32, 64])
      .meta({ description: "conv: channels [c1, c2] of the encoder's two stride-2 convolutions; the decoder mirrors them." }),
    likelihood: z
      .enum(VAE_LIKELIHOODS, { error: "must be 'bernoulli' or 'gaussian'" })
      .default('bernoulli')
      .meta({
        description:
          'Observation model p(x|z): bernoulli (decoder logits; data in [0, 1], binarised at 0.5 for training) or ' +
          'gaussian (decoder mean and a learned per-dimension variance; any real data, e.g. 2-D points).',
      }),
    conditional: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .meta({
        description:
          'Class-conditional (CVAE): a one-hot label joins the encoder input and z (for conv, at the dense layers); needs a ' +
          'labelled dataset (numClasses). Such a model has no label-free encode/decode.',
      }),
    beta: z
      .number({ error: 'must be a number ≥ 0' })
      .min(0, { error: 'must be a number ≥ 0' })
      .max(1000, { error: 'must be at most 1000' })
      .default(1)
      .meta({ description: 'Weight of the KL term in the training loss (1 = the ELBO).' }),
    ...trainingFields(),
  })
  .meta({ title: 'VAE', description: 'Variational autoencoder with an MLP or convolutional encoder and decoder, optionally class-conditional.' });

/** A validated VAE config, defaults filled in. */
export type VaeConfig = z.output<typeof vaeConfigSchema>;
/** What a caller may pass: every field with a default is optional. */
export type VaeConfigInput = z.input<typeof vaeConfigSchema>;
