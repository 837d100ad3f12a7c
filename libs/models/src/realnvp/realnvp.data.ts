import type { TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { dataSize } from '../data-shape';
import { formatBound, type DatasetSummary } from '../dataset-summary';
import { resolveDequantization, type RealNvpConfig } from './realnvp.config';

/** RealNVP trains on the data as stored (dequantization is part of the model). */
export const prepareRealNvpDataset = (_config: RealNvpConfig, data: TensorDataset): TensorDataset => data;

/**
 * INVALID_ARGUMENT when the data have fewer than 2 dimensions (nothing to couple) or, with
 * uniform dequantization, lie outside [0, 1] (8-bit values scaled by 1/255).
 */
export function assertRealNvpDatasetFits(config: RealNvpConfig, { shape, min, max }: DatasetSummary): void {
  if (dataSize(shape) < 2) {
    throw invalidArgument(`realnvp needs examples with at least 2 values (a coupling keeps some and transforms the others); this dataset's examples have shape [${shape.join(', ')}]`, {
      family: 'realnvp',
      shape,
    });
  }
  if (resolveDequantization(config, shape) === 'uniform' && (min < 0 || max > 1)) {
    throw invalidArgument(
      `realnvp with uniform dequantization models 8-bit data scaled to [0, 1]; this dataset spans [${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]: ` +
        `rescale it to [0, 1], or set dequantize 'none' for real-valued data`,
      { family: 'realnvp', dequantize: config.dequantize, min, max },
    );
  }
}
