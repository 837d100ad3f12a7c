import { z } from 'zod';
import { positiveInt, trainingFields } from '../config-fields';


const oddKernel = (defaultSize: number, description: string) =>
  z
    .int({ error: 'must be an odd integer from 1 to 15' })
    .min(1, { error: 'must be an odd integer from 1 to 15' })
    .max(15, { error: 'must be an odd integer from 1 to 15' })
    .refine((k) => k % 2 === 1, { error: 'must be an odd integer from 1 to 15' })
    .default(defaultSize)
    .meta({ description });

/**
 * PixelCNN (van den Oord et al. 2016) for binarised images: a masked k×k type-A convolution
 * (each pixel sees only the pixels before it in raster order), type-B masked convolutions
 * (which also see the pixel's own features), two 1×1 convolutions, one Bernoulli logit per pixel.
 */
export const pixelCnnConfigSchema = z
  .strictObject({
    hiddenChannels: positiveInt(512).default(32).meta({ description: 'Feature maps of every hidden layer.' }),
    firstKernelSize: oddKernel(7, 'Kernel size of the first (type-A) masked convolution.'),
    kernelSize: oddKernel(3, 'Kernel size of the type-B masked convolutions.'),
    maskedLayers: z
      .int({ error: 'must be an integer from 0 to 32' })
      .min(0, { error: 'must be an integer from 0 to 32' })
      .max(32, { error: 'must be an integer from 0 to 32' })
      .default(5)
      .meta({ description: 'Type-B masked convolutions after the type-A one.' }),
    conditional: z
      .boolean({ error: 'must be true or false' })
      .default(false)
      .meta({ description: 'Class-conditional: a learned per-class bias in every layer; needs a labelled dataset (numClasses).' }),
    ...trainingFields(),
  })
  .meta({ title: 'PixelCNN', description: 'Autoregressive masked-convolution model of binarised images (exact log-likelihood).' });

export type PixelCnnConfig = z.output<typeof pixelCnnConfigSchema>;
export type PixelCnnConfigInput = z.input<typeof pixelCnnConfigSchema>;
