import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { MNIST_TEST_FILES } from '../mnist/mnist.constants';

/** The shared MNIST test set, read relative to the repository root (vitest's working directory). */
export const MNIST_DIR = '../shared/data/mnist';
export const MNIST_IMAGES_PATH = `${MNIST_DIR}/${MNIST_TEST_FILES.images}`;
export const MNIST_LABELS_PATH = `${MNIST_DIR}/${MNIST_TEST_FILES.labels}`;

export const readMnistGz = () => ({ images: readFileSync(MNIST_IMAGES_PATH), labels: readFileSync(MNIST_LABELS_PATH) });

export const readMnistRaw = () => {
  const { images, labels } = readMnistGz();
  return { images: gunzipSync(images), labels: gunzipSync(labels) };
};
