/** File names of the official MNIST test set (10,000 images), as published and as stored in shared/data/mnist. */
export const MNIST_TEST_FILES = {
  images: 't10k-images-idx3-ubyte.gz',
  labels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** mnist-10k (shared/bench/WORKLOADS.md): the MNIST test set, first 8,000 train, last 2,000 test. */
export const MNIST_10K = { count: 10_000, trainCount: 8_000, testCount: 2_000, shape: [28, 28, 1], numClasses: 10 } as const;
