import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@genlab/errors';
import { MNIST_IMAGES_PATH, MNIST_LABELS_PATH } from '../testing/mnist.fixture';
import { loadIdxImageDataset } from './idx-image-dataset.loader';

describe('loadIdxImageDataset', () => {
  it('loads the shared MNIST test set from disk', async () => {
    const ds = await loadIdxImageDataset(MNIST_IMAGES_PATH, MNIST_LABELS_PATH);
    expect(ds.count).toBe(10_000);
    expect(ds.labels?.[0]).toBe(7);
  });

  it('reports a missing file as NOT_FOUND with its role', async () => {
    const error = await loadIdxImageDataset(MNIST_IMAGES_PATH, '../shared/data/mnist/missing.gz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.NotFound);
    expect((error as DomainError).message).toBe("labels file '../shared/data/mnist/missing.gz' was not found");
  });
});
