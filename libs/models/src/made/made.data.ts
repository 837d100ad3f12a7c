import { binarizeDataset, type TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';
import { formatBound, type DatasetSummary } from '../dataset-summary';
import type { MadeConfig } from './made.config';

/** What MADE trains and is evaluated on: statically binarised (x > 0.5) data for 'static', the data itself for 'none'. */
export function prepareMadeDataset(config: MadeConfig, data: TensorDataset): TensorDataset {
  switch (config.binarize) {
    case 'static':
      return binarizeDataset(data);
    case 'none':
      return data;
  }
}

/**
 * INVALID_ARGUMENT unless the data suit a model of binary data: in [0, 1] for either choice
 * (the 0.5 threshold of 'static' assumes it); with 'none' the data must already be binary,
 * which the summary's range can only partly confirm, so the message says what to change.
 */
export function assertMadeDatasetFits(config: MadeConfig, { min, max }: DatasetSummary): void {
  if (min >= 0 && max <= 1) return;
  const range = `[${formatBound(min, 0, 1)}, ${formatBound(max, 0, 1)}]`;
  const fix =
    config.binarize === 'none'
      ? "MADE models binary data (0 or 1); non-binary data needs binarize 'static' (x > 0.5), with the data rescaled to [0, 1]"
      : "binarize 'static' thresholds at 0.5 and needs data in [0, 1]: rescale the data to [0, 1]";
  throw invalidArgument(`made with binarize '${config.binarize}' cannot model this dataset, which spans ${range}: ${fix}`, {
    family: 'made',
    binarize: config.binarize,
    min,
    max,
  });
}
