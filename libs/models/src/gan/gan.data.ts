import type { TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { formatBound, type DatasetSummary } from '../dataset-summary';
import type { GanConfig } from './gan.config';

/**
 * INVALID_ARGUMENT unless the networks fit one example of `shape`: the conv architecture
 * needs images [H, W, C] with H and W divisible by 4 (two stride-2 layers each way).
 */
export function assertGanDataShape(family: string, config: GanConfig, shape: readonly number[]): void {
  if (config.architecture !== 'conv') return;
  const [height, width] = shape;
  if (shape.length !== 3 || height % 4 !== 0 || width % 4 !== 0) {
    throw invalidArgument(
      `${family} with architecture 'conv' needs images [height, width, channels] with height and width divisible by 4; ` +
        `this data has shape [${shape.join(', ')}]: use architecture 'mlp' (e.g. for 2-D points)`,
      { family, architecture: config.architecture, shape: [...shape] },
    );
  }
}

/** GANs train on the data as stored (no binarisation). */
export const prepareGanDataset = (_config: GanConfig, data: TensorDataset): TensorDataset => data;

/**
 * INVALID_ARGUMENT when the networks cannot fit the data: the conv architecture's shape rules,
 * and its sigmoid output, which only reaches values in [0, 1].
 */
export function assertGanDatasetFits(family: string, config: GanConfig, { shape, min, max }: DatasetSummary): void {
  assertGanDataShape(family, config, shape);
  if (config.architecture === 'conv' && (min < 0 || max > 1)) {
    throw invalidArgument(
      `${family} with architecture 'conv' generates images in [0, 1] (sigmoid output); this dataset spans ` +
        `[${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]: rescale the data to [0, 1], or use architecture 'mlp'`,
      { family, architecture: config.architecture, min, max },
    );
  }
}
