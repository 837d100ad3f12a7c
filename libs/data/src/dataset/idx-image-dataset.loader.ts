import { readFile } from 'node:fs/promises';
import { notFound } from '@genlab/errors';
import { readIdxImageDataset, type ReadIdxImageDatasetOptions } from './idx-image-dataset.reader';
import type { TensorDataset } from './tensor-dataset.types';

const readOrNotFound = async (path: string, role: string): Promise<Buffer> => {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') throw notFound(`${role} file`, path);
    throw error;
  }
};

/** Reads an IDX image file and (optionally) its label file from disk, raw or `.gz`. */
export const loadIdxImageDataset = async (
  imagesPath: string,
  labelsPath?: string,
  options: ReadIdxImageDatasetOptions = {},
): Promise<TensorDataset> => {
  const [images, labels] = await Promise.all([
    readOrNotFound(imagesPath, 'images'),
    labelsPath === undefined ? undefined : readOrNotFound(labelsPath, 'labels'),
  ]);
  return readIdxImageDataset(images, labels, options);
};
