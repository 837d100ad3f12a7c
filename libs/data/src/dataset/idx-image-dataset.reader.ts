import { invalidArgument } from '@genlab/errors';
import { parseIdx } from '../idx/idx.reader';
import type { TensorDataset } from './tensor-dataset.types';

export interface ReadIdxImageDatasetOptions {
  /** Cap on each decompressed file, in bytes; defaults to 1 GiB. */
  readonly maxBytes?: number;
  /** Number of classes; defaults to the largest label + 1. Labels must lie below it. */
  readonly numClasses?: number;
}

/**
 * Builds a dataset from an IDX image file (unsigned byte, n × rows × cols or n × rows × cols ×
 * channels) and optionally its IDX label file (unsigned byte, n). Pixels are scaled to [0, 1]
 * (value / 255); the per-example shape is [rows, cols, channels] (channels 1 for 3-D files).
 */
export const readIdxImageDataset = (
  imagesFile: Uint8Array,
  labelsFile?: Uint8Array,
  options: ReadIdxImageDatasetOptions = {},
): TensorDataset => {
  const images = parseIdx(imagesFile, {
    role: 'images',
    maxBytes: options.maxBytes,
    expect: { dtype: 'uint8', ranks: [3, 4] },
  });
  const [count, rows, cols, channels = 1] = images.dims as [number, number, number, number?];
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = (images.data[i] as number) / 255;
  const shape = [rows, cols, channels];
  if (!labelsFile) return { shape, count, x };

  const parsed = parseIdx(labelsFile, { role: 'labels', maxBytes: options.maxBytes, expect: { dtype: 'uint8', ranks: [1] } });
  const labelCount = parsed.dims[0] as number;
  if (labelCount !== count) {
    throw invalidArgument(
      `labels file has ${labelCount} labels but images file has ${count} images; they must match one to one`,
      { labels: labelCount, images: count },
    );
  }
  const labels = Int32Array.from(parsed.data);
  const numClasses = options.numClasses ?? labels.reduce((max, label) => Math.max(max, label), 0) + 1;
  const outside = labels.findIndex((label) => label >= numClasses);
  if (outside >= 0) {
    throw invalidArgument(`labels file: label ${outside} is ${labels[outside]}, outside [0, ${numClasses}) (numClasses)`, {
      index: outside,
      label: labels[outside],
      numClasses,
    });
  }
  return { shape, count, x, labels, numClasses };
};
