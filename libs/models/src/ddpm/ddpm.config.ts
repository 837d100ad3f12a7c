import { z } from 'zod';
import { positiveInt, trainingFields } from '../config-fields';


/** Denoiser networks: an MLP for vector data (2-D points), a small U-Net for images. */
export const DDPM_ARCHITECTURES = ['mlp', 'unet'] as const;
export type DdpmArchitecture = (typeof DDPM_ARCHITECTURES)[number];

/** Noise schedules: Ho et al.'s linear β, or Nichol & Dhariwal's cosine ᾱ. */
export const DDPM_SCHEDULES = ['linear', 'cosine'] as const;
export type DdpmSchedule = (typeof DDPM_SCHEDULES)[number];

/** Default number of diffusion steps per architecture: Ho et al.'s 1000 for images, fewer for 2-D data. */
export const DEFAULT_TIMESTEPS: Readonly<Record<DdpmArchitecture, number>> = { mlp: 200, unet: 1000 };

export const MAX_TIMESTEPS = 4000;

const ddpmObject = z.strictObject({
  architecture: z
    .enum(DDPM_ARCHITECTURES, { error: "must be 'mlp' or 'unet'" })
    .default('mlp')
    .meta({
      description:
        'Denoiser: mlp (vector data such as 2-D points, treated as continuous) or unet (images [H, W, C] with values in [0, 1], ' +
        'modelled as 8-bit data scaled to [-1, 1]).',
    }),
  timesteps: z
    .int({ error: 'must be an integer from 2 to 4000' })
    .min(2, { error: 'must be an integer from 2 to 4000' })
    .max(MAX_TIMESTEPS, { error: 'must be an integer from 2 to 4000' })
    .optional()
    .meta({ description: 'Diffusion steps T (default 200 for mlp, 1000 for unet).' }),
  schedule: z
    .enum(DDPM_SCHEDULES, { error: "must be 'linear' or 'cosine'" })
    .default('linear')
    .meta({
      description:
        "Noise schedule: linear β from 1e-4 to 0.02 (Ho et al.; rescaled by 1000/T for other T, as in Nichol & Dhariwal) or cosine ᾱ (Nichol & Dhariwal).",
    }),
  hiddenDims: z
    .array(positiveInt(16384), { error: 'must be a list of positive integers' })
    .min(1, { error: 'must list at least one hidden layer' })
    .max(8, { error: 'must list at most 8 hidden layers' })
    .default([128, 128, 128])
    .meta({ description: 'mlp: hidden layer widths of the denoiser (ignored by unet).' }),
  baseChannels: positiveInt(256).default(16).meta({ description: 'unet: channels at full resolution (doubled at the lower one).' }),
  levels: z
    .union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' })
    .default(2)
    .meta({ description: 'unet: resolution levels (2 halves height and width once; they must be even).' }),
  timeEmbeddingDim: z
    .int({ error: 'must be an even integer from 4 to 1024' })
    .min(4, { error: 'must be an even integer from 4 to 1024' })
    .max(1024, { error: 'must be an even integer from 4 to 1024' })
    .refine((d) => d % 2 === 0, { error: 'must be an even integer from 4 to 1024' })
    .default(32)
    .meta({ description: 'Size of the sinusoidal embedding of the step t.' }),
  ...trainingFields(),
});

/**
 * Denoising diffusion probabilistic model (Ho et al. 2020): ε-prediction trained with the
 * simple loss, ancestral sampling over all T steps, and the variational bound for evaluation.
 * `timesteps` defaults by architecture (200 for mlp, 1000 for unet) and is always filled in.
 */
export const ddpmConfigSchema = ddpmObject
  .transform((c) => ({ ...c, timesteps: c.timesteps ?? DEFAULT_TIMESTEPS[c.architecture] }))
  .meta({ title: 'DDPM', description: 'Denoising diffusion (ε-prediction) with an MLP or a small U-Net denoiser.' });

/** A validated DDPM config, defaults filled in (`timesteps` included). */
export type DdpmConfig = z.output<typeof ddpmConfigSchema>;
/** What a caller may pass: every field with a default is optional. */
export type DdpmConfigInput = z.input<typeof ddpmConfigSchema>;
