import type { TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { formatBound, type DatasetSummary } from '../dataset-summary';
import type { DdpmConfig } from './ddpm.config';

/** A DDPM trains on the data as stored: the U-Net scales images to [-1, 1] itself. */
export const prepareDdpmDataset = (_config: DdpmConfig, data: TensorDataset): TensorDataset => data;

/**
 * INVALID_ARGUMENT naming what to change unless `dataShape` suits the architecture: the U-Net
 * needs images `[height, width, channels]`, with even height and width at 2 levels.
 */
export function assertDdpmDataShape(config: Pick<DdpmConfig, 'architecture' | 'levels'>, shape: readonly number[]): void {
  if (config.architecture !== 'unet') return;
  if (shape.length !== 3) {
    throw invalidArgument(
      `ddpm with architecture 'unet' needs images of shape [height, width, channels]; this data has shape [${shape.join(', ')}]: ` +
        `use architecture 'mlp' for vector data such as 2-D points`,
      { family: 'ddpm', architecture: config.architecture, shape },
    );
  }
  const [height, width] = shape;
  if (config.levels === 2 && (height % 2 !== 0 || width % 2 !== 0 || height < 2 || width < 2)) {
    throw invalidArgument(
      `ddpm with a 2-level unet halves the image, so its height and width must be even; this data is ${height}×${width}: set levels to 1`,
      { family: 'ddpm', levels: config.levels, shape },
    );
  }
}

/** The U-Net models 8-bit images in [0, 1]; the MLP takes any real-valued data. */
export function assertDdpmDatasetFits(config: DdpmConfig, { shape, min, max }: DatasetSummary): void {
  assertDdpmDataShape(config, shape);
  if (config.architecture === 'unet' && (min < 0 || max > 1)) {
    throw invalidArgument(
      `ddpm with architecture 'unet' models images with values in [0, 1] (8-bit levels); this dataset spans ` +
        `[${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]: rescale it to [0, 1], or use architecture 'mlp' for real-valued data`,
      { family: 'ddpm', architecture: config.architecture, min, max },
    );
  }
}
