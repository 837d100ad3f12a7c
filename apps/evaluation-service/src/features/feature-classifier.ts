import { deriveSeed, tf } from '@genlab/compute';
import { createEpochShuffler, exampleSize, gatherBatch, type TensorDataset } from '@genlab/data';
import { invalidArgument } from '@genlab/errors';

/** Width of the penultimate layer: the features sample metrics are computed on. */
export const FEATURE_DIM = 128;
export const FEATURE_LAYER = 'features';

export interface ClassifierTraining {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** After each batch: batches done of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Checked between batches; training stops with its error when it throws. */
  readonly throwIfCancelled?: () => void;
}

export const DEFAULT_CLASSIFIER_TRAINING: Omit<ClassifierTraining, 'seed'> = { epochs: 3, batchSize: 64, learningRate: 1e-3 };

/**
 * The small CNN genlab trains per labelled dataset to measure samples with (the role
 * Inception-v3 plays for FID on ImageNet): two stride-2 3×3 convolutions (32, 64 channels),
 * a 128-unit dense layer whose activations are the features, and a softmax over the classes
 * (Inception Score). Rank-1 data gets the same head on a dense layer instead of the
 * convolutions. Weights are initialised from `seed`.
 */
export function buildFeatureClassifier(dataShape: readonly number[], numClasses: number, seed: number): tf.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw invalidArgument(`a feature classifier needs labels of at least 2 classes, got ${numClasses}`);
  const init = (name: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'classifier', name) });
  const input = tf.input({ shape: [...dataShape] });
  let x: tf.SymbolicTensor;
  if (dataShape.length === 3) {
    x = tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init('conv1') }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init('conv2') }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  } else if (dataShape.length === 1) {
    x = tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init('hidden') }).apply(input) as tf.SymbolicTensor;
  } else {
    throw invalidArgument(`no feature classifier for examples of shape [${dataShape.join(', ')}]: images [h, w, c] or vectors [d]`);
  }
  const features = tf.layers.dense({ units: FEATURE_DIM, activation: 'relu', name: FEATURE_LAYER, kernelInitializer: init('features') }).apply(x) as tf.SymbolicTensor;
  const probs = tf.layers.dense({ units: numClasses, activation: 'softmax', name: 'probs', kernelInitializer: init('probs') }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probs });
}

/** Minibatch Adam on the cross-entropy, seeded epoch order; the model's weights change in place. */
export async function trainFeatureClassifier(model: tf.LayersModel, data: TensorDataset, options: ClassifierTraining): Promise<void> {
  requireLabels(data);
  const optimizer = tf.train.adam(options.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  try {
    await trainEpochs(model, data, options);
  } finally {
    optimizer.dispose(); // the model does not own an optimizer it was given
  }
}

async function trainEpochs(model: tf.LayersModel, data: TensorDataset, options: ClassifierTraining): Promise<void> {
  const { labels, numClasses } = requireLabels(data);
  const shuffler = createEpochShuffler({ count: data.count, batchSize: options.batchSize, seed: deriveSeed(options.seed, 'classifier-order'), dropLast: false });
  const total = shuffler.batchesPerEpoch * options.epochs;
  let done = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (const indices of shuffler.batches(epoch)) {
      options.throwIfCancelled?.();
      const batch = gatherBatch(data, indices);
      const x = tf.tensor(batch.x, [indices.length, ...data.shape]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(indices, (i) => labels[i] as number), 'int32'), numClasses));
      try {
        await model.trainOnBatch(x, y);
      } finally {
        tf.dispose([x, y]);
      }
      options.onProgress?.(++done, total);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** Fraction of `data` whose most probable class is its label. */
export async function classifierAccuracy(model: tf.LayersModel, data: TensorDataset, batchSize = 500): Promise<number> {
  const { labels } = requireLabels(data);
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(start + batchSize, data.count);
    const predicted = tf.tidy(() => {
      const x = tf.tensor(data.x.subarray(start * exampleSize(data.shape), end * exampleSize(data.shape)), [end - start, ...data.shape]);
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    const classes = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < classes.length; i++) if (classes[i] === labels[start + i]) correct++;
  }
  return correct / data.count;
}

/** The softmax output for every example of `data`, row-major (count × classes). */
export async function classifierProbabilities(model: tf.LayersModel, data: TensorDataset, batchSize = 500): Promise<Float32Array> {
  const size = exampleSize(data.shape);
  let probs: Float32Array | undefined;
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(start + batchSize, data.count);
    const batch = tf.tidy(() => model.predict(tf.tensor(data.x.subarray(start * size, end * size), [end - start, ...data.shape])) as tf.Tensor);
    try {
      const values = (await batch.data()) as Float32Array;
      probs ??= new Float32Array(data.count * (values.length / (end - start)));
      probs.set(values, start * (values.length / (end - start)));
    } finally {
      batch.dispose();
    }
  }
  return probs ?? new Float32Array(0);
}

/** A model that returns [features, class probabilities] for a classifier built above. */
export function featureHeads(model: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: [model.getLayer(FEATURE_LAYER).output as tf.SymbolicTensor, model.outputs[0] as tf.SymbolicTensor] });
}


function requireLabels(data: TensorDataset): { labels: ArrayLike<number>; numClasses: number } {
  if (!data.labels || !data.numClasses) throw invalidArgument('the dataset has no labels to train a feature classifier on');
  return { labels: data.labels, numClasses: data.numClasses };
}
