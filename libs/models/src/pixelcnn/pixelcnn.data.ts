import { binarizeDataset, type TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { formatBound, type DatasetSummary } from '../dataset-summary';
import type { PixelCnnConfig } from './pixelcnn.config';

/** Static binarisation x > 0.5 (the mnist-10k protocol): PixelCNN models binary pixels. */
export const preparePixelCnnDataset = (_config: PixelCnnConfig, data: TensorDataset): TensorDataset => binarizeDataset(data);

/**
 * INVALID_ARGUMENT naming what to change unless `shape` is a one-channel image
 * `[height, width, 1]` that both kernel sizes fit.
 */
export function assertPixelCnnDataShape(config: Pick<PixelCnnConfig, 'firstKernelSize' | 'kernelSize' | 'maskedLayers'>, shape: readonly number[]): void {
  if (shape.length !== 3 || shape[2] !== 1) {
    throw invalidArgument(
      `pixelcnn models one-channel images of shape [height, width, 1]; this data has shape [${shape.join(', ')}]: ` +
        'use an image dataset such as MNIST (for vector data such as 2-D points use another family, e.g. realnvp or ddpm)',
      { family: 'pixelcnn', shape },
    );
  }
  const [height, width] = shape;
  const kernels = [
    ['firstKernelSize', config.firstKernelSize],
    ...(config.maskedLayers > 0 ? [['kernelSize', config.kernelSize] as const] : []),
  ] as const;
  for (const [field, k] of kernels) {
    if (k > height || k > width) {
      throw invalidArgument(
        `pixelcnn ${field} ${k} is larger than the ${height}×${width} images: set ${field} to an odd number of at most ${Math.min(height, width)}`,
        { family: 'pixelcnn', [field]: k, shape },
      );
    }
  }
}

export function assertPixelCnnDatasetFits(config: PixelCnnConfig, { shape, min, max }: DatasetSummary): void {
  assertPixelCnnDataShape(config, shape);
  if (min < 0 || max > 1) {
    throw invalidArgument(
      `pixelcnn binarises images at 0.5, so it needs values in [0, 1]; this dataset spans [${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]: ` +
        'rescale the data to [0, 1]',
      { family: 'pixelcnn', min, max },
    );
  }
}
