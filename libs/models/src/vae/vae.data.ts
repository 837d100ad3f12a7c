import { binarizeDataset, type TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { formatBound, type DatasetSummary } from '../dataset-summary';
import type { VaeConfig } from './vae.config';

/**
 * The data a VAE trains and is evaluated on. Bernoulli: static binarisation x > 0.5 (the
 * WORKLOADS.md mnist-10k protocol), so the likelihood is of binary data; Gaussian: unchanged.
 */
export function prepareVaeDataset(config: VaeConfig, data: TensorDataset): TensorDataset {
  switch (config.likelihood) {
    case 'bernoulli':
      return binarizeDataset(data);
    case 'gaussian':
      return data;
  }
}

/** INVALID_ARGUMENT when the likelihood cannot model the data's range. */
export function assertVaeDatasetFits(config: VaeConfig, { min, max }: DatasetSummary): void {
  if (config.likelihood === 'bernoulli' && (min < 0 || max > 1)) {
    throw invalidArgument(
      `vae with likelihood 'bernoulli' needs data in [0, 1]; this dataset spans [${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]: ` +
        `use likelihood 'gaussian' (or rescale the data to [0, 1])`,
      { family: 'vae', likelihood: config.likelihood, min, max },
    );
  }
}
