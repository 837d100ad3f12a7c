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

/**
 * INVALID_ARGUMENT unless the networks fit one example of `shape`: the conv architecture needs
 * images [H, W, C] with H and W divisible by 4 (two stride-2 layers each way), e.g. MNIST's
 * [28, 28, 1]. The MLP takes any shape.
 */
export function assertVaeDataShape(config: Pick<VaeConfig, 'architecture'>, shape: readonly number[]): void {
  if (config.architecture !== 'conv') return;
  const [height, width] = shape;
  if (shape.length !== 3 || height % 4 !== 0 || width % 4 !== 0) {
    throw invalidArgument(
      `vae with architecture 'conv' needs images [height, width, channels] with height and width divisible by 4 (e.g. [28, 28, 1]); ` +
        `this data has shape [${shape.join(', ')}]: use architecture 'mlp' (e.g. for 2-D points)`,
      { family: 'vae', architecture: config.architecture, shape: [...shape] },
    );
  }
}

/** INVALID_ARGUMENT when the networks do not fit the data's shape, or the likelihood cannot model its range. */
export function assertVaeDatasetFits(config: VaeConfig, { shape, min, max }: DatasetSummary): void {
  assertVaeDataShape(config, shape);
  if (config.likelihood === 'bernoulli' && (min < 0 || max > 1)) {
    throw invalidArgument(
      `vae with likelihood 'bernoulli' needs data in [0, 1]; this dataset spans [${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]: ` +
        `use likelihood 'gaussian' (or rescale the data to [0, 1])`,
      { family: 'vae', likelihood: config.likelihood, min, max },
    );
  }
}
