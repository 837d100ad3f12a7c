import { Inject, Injectable, Logger } from '@nestjs/common';
import { tf } from '@genlab/compute';
import type { GenlabConfig } from '@genlab/config';
import { exampleSize } from '@genlab/data';
import type { Artifact, Database, Dataset } from '@genlab/db';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { DATABASE, GENLAB_CONFIG, loadDatasetSplit, resolveImportPath } from '@genlab/service-core';
import {
  buildFeatureClassifier,
  classifierAccuracy,
  DEFAULT_CLASSIFIER_TRAINING,
  FEATURE_DIM,
  featureHeads,
  trainFeatureClassifier,
} from './feature-classifier';
import { layersModelFiles, loadTfjsModel, readTfjsModelDirectory, type TfjsModelFiles } from './tfjs-model-files';

/** Bumped whenever the classifier's architecture or training recipe changes. */
export const CLASSIFIER_VERSION = 1;
const KIND = 'feature-classifier';
const BATCH = 500;

/** Features (and, for a classifier, class probabilities) of examples, batch by batch. */
export interface FeatureExtractor {
  /** What the features are, stored with every sample metric: 'classifier:<id>@v1', 'model:<path>', 'raw'. */
  readonly label: string;
  /** Present when the extractor also gives class probabilities (Inception Score). */
  readonly numClasses?: number;
  /** Row-major `[count, d]` features and `[count, numClasses]` probabilities. */
  extract(x: Float32Array, count: number): Promise<{ features: Float32Array; dim: number; probs?: Float32Array }>;
  dispose(): void;
}

export interface StoredClassifier {
  readonly artifact: Artifact;
  readonly version: number;
  readonly testAccuracy: number;
  readonly featureDim: number;
  readonly numClasses: number;
  readonly weightsArtifactId: string;
}

export interface ExtractorRequest {
  readonly dataset: Dataset;
  readonly dataShape: readonly number[];
  /** A model directory under the import root, or '' for genlab's choice. */
  readonly featureModelPath: string;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
  readonly throwIfCancelled?: () => void;
}

/**
 * Where sample metrics get their features: a user's TensorFlow.js model, the dataset's own
 * classifier (trained once per dataset and stored, versioned, with its test accuracy), or
 * the raw values for vector data such as 2-D points.
 */
@Injectable()
export class FeatureExtractors {
  private readonly logger = new Logger(FeatureExtractors.name);
  private readonly training = new Map<string, Promise<StoredClassifier>>();

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
  ) {}

  async forEvaluation(request: ExtractorRequest): Promise<FeatureExtractor> {
    const { dataset, dataShape } = request;
    if (request.featureModelPath) return this.userModel(request.featureModelPath, dataShape);
    if (dataShape.length === 1) return rawFeatures();
    if (!dataset.hasLabels || !dataset.numClasses) {
      throw failedPrecondition(
        `dataset '${dataset.name}' has no labels, so genlab cannot train the classifier whose features the sample metrics use: import its labels, or give feature_model_path`,
      );
    }
    return this.classifierExtractor(dataset, request);
  }

  /** The dataset's classifier as an extractor (features and class probabilities), whatever the data's rank. */
  async classifierExtractor(dataset: Dataset, request: Pick<ExtractorRequest, 'onProgress' | 'throwIfCancelled'> = {}): Promise<FeatureExtractor> {
    const stored = await this.classifier(dataset, request);
    const model = await loadTfjsModel(await this.classifierFiles(stored));
    return layersExtractor(featureHeads(model as tf.LayersModel), `classifier:${stored.artifact.id}@v${stored.version}`, stored.numClasses, model as tf.LayersModel);
  }

  /** The dataset's classifier, trained and stored on first use (one training at a time per dataset). */
  async classifier(dataset: Dataset, request: Pick<ExtractorRequest, 'onProgress' | 'throwIfCancelled'> = {}): Promise<StoredClassifier> {
    const existing = await this.findClassifier(dataset.id);
    if (existing) return existing;
    let pending = this.training.get(dataset.id);
    if (!pending) {
      pending = this.trainClassifier(dataset, request).finally(() => this.training.delete(dataset.id));
      this.training.set(dataset.id, pending);
    }
    return pending;
  }

  async findClassifier(datasetId: string): Promise<StoredClassifier | undefined> {
    const artifacts = await this.db.artifacts.list({ datasetId, kind: KIND, limit: 100 });
    const current = artifacts.map(toStoredClassifier).filter((c): c is StoredClassifier => c?.version === CLASSIFIER_VERSION);
    return current.sort((a, b) => b.artifact.createdAt.getTime() - a.artifact.createdAt.getTime())[0];
  }

  private async trainClassifier(dataset: Dataset, request: Pick<ExtractorRequest, 'onProgress' | 'throwIfCancelled'>): Promise<StoredClassifier> {
    const [train, test] = await Promise.all([loadDatasetSplit(this.db, dataset, 'train'), loadDatasetSplit(this.db, dataset, 'test')]);
    const numClasses = dataset.numClasses ?? 0;
    const seed = 1;
    const model = buildFeatureClassifier(train.shape, numClasses, seed);
    try {
      this.logger.log(`training the feature classifier of dataset ${dataset.id} (${train.count} examples, ${this.config.featureClassifierEpochs} epochs)`);
      await trainFeatureClassifier(model, train, {
        ...DEFAULT_CLASSIFIER_TRAINING,
        epochs: this.config.featureClassifierEpochs,
        seed,
        onProgress: (done, total) => request.onProgress?.('training feature classifier', done, total),
        throwIfCancelled: request.throwIfCancelled,
      });
      const testAccuracy = test.count > 0 ? await classifierAccuracy(model, test) : Number.NaN;
      const files = await layersModelFiles(model);
      const meta = { version: CLASSIFIER_VERSION, testAccuracy, featureDim: FEATURE_DIM, numClasses, trainCount: train.count, epochs: this.config.featureClassifierEpochs, seed };
      const weights = await this.db.artifacts.put(files.weights, { kind: `${KIND}-weights`, mediaType: 'application/octet-stream', datasetId: dataset.id, meta });
      const manifest = (files.modelJson.weightsManifest as { weights: unknown[] }[]).map((group) => ({ ...group, paths: [weights.id] }));
      const json = await this.db.artifacts.put(Buffer.from(JSON.stringify({ ...files.modelJson, weightsManifest: manifest })), {
        kind: KIND,
        mediaType: 'application/json',
        datasetId: dataset.id,
        meta: { ...meta, testAccuracy: Number.isFinite(testAccuracy) ? testAccuracy : null, weightsArtifactId: weights.id },
      });
      this.logger.log(`feature classifier ${json.id} of dataset ${dataset.id}: test accuracy ${(testAccuracy * 100).toFixed(2)}%`);
      return toStoredClassifier(json) as StoredClassifier;
    } finally {
      model.dispose();
    }
  }

  private async classifierFiles(stored: StoredClassifier): Promise<TfjsModelFiles> {
    const [json, weights] = await Promise.all([this.db.artifacts.read(stored.artifact.id), this.db.artifacts.read(stored.weightsArtifactId)]);
    return { modelJson: JSON.parse(json.toString('utf8')) as Record<string, unknown>, weights: new Uint8Array(weights) };
  }

  /** NOT_FOUND / INVALID_ARGUMENT now, before a job is queued, for a model that cannot serve this data. */
  async checkUserModel(path: string, dataShape: readonly number[]): Promise<void> {
    (await this.userModel(path, dataShape)).dispose();
  }

  private async userModel(path: string, dataShape: readonly number[]): Promise<FeatureExtractor> {
    const dir = await resolveImportPath(this.config.importRoot, path, 'feature_model_path', 'directory');
    const model = await loadTfjsModel(await readTfjsModelDirectory(dir));
    const inputShape = model.inputs[0]?.shape ?? [];
    const perExample = inputShape.slice(1);
    const fits = perExample.length === dataShape.length ? perExample.every((d, i) => d === null || d === -1 || d === dataShape[i]) : perExample.length === 1 && perExample[0] === exampleSize(dataShape);
    if (!fits) {
      model.dispose();
      throw invalidArgument(
        `feature_model_path: the model takes inputs of shape [${perExample.map((d) => d ?? '?').join(', ')}], but this dataset's examples are [${dataShape.join(', ')}]`,
      );
    }
    const reshape = [-1, ...perExample.map((d, i) => (d === null || d === -1 ? (dataShape[i] as number) : d))];
    return {
      label: `model:${path}`,
      async extract(x, count) {
        return extractBatches(x, count, exampleSize(dataShape), (batch) => {
          const out = model.predict(batch.reshape(reshape));
          const outputs = Array.isArray(out) ? out : [out as tf.Tensor];
          outputs.slice(1).forEach((t) => t.dispose());
          return [outputs[0] as tf.Tensor];
        });
      },
      dispose: () => model.dispose(),
    };
  }
}

function rawFeatures(): FeatureExtractor {
  return {
    label: 'raw',
    async extract(x, count) {
      return { features: x, dim: count === 0 ? 0 : x.length / count };
    },
    dispose: () => undefined,
  };
}

function layersExtractor(heads: tf.LayersModel, label: string, numClasses: number, owner: tf.LayersModel): FeatureExtractor {
  const [, ...shape] = heads.inputs[0]?.shape ?? [];
  const size = shape.reduce<number>((a, d) => a * (d ?? 1), 1);
  return {
    label,
    numClasses,
    async extract(x, count) {
      return extractBatches(x, count, size, (batch) => heads.predict(batch.reshape([-1, ...(shape as number[])])) as tf.Tensor[]);
    },
    dispose: () => owner.dispose(),
  };
}

/** Runs `predict` over `count` rows of `x` in batches; the first output is features, a second one class probabilities. */
async function extractBatches(
  x: Float32Array,
  count: number,
  size: number,
  predict: (batch: tf.Tensor) => tf.Tensor[],
): Promise<{ features: Float32Array; dim: number; probs?: Float32Array }> {
  const features: Float32Array[] = [];
  const probs: Float32Array[] = [];
  let dim = 0;
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(start + BATCH, count);
    const outputs = tf.tidy(() => predict(tf.tensor2d(x.subarray(start * size, end * size), [end - start, size])).map((t) => t.reshape([end - start, -1])));
    try {
      dim = outputs[0]?.shape[1] ?? 0;
      features.push((await outputs[0]?.data()) as Float32Array);
      if (outputs[1]) probs.push((await outputs[1].data()) as Float32Array);
    } finally {
      tf.dispose(outputs);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { features: concat(features), dim, ...(probs.length ? { probs: concat(probs) } : {}) };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function toStoredClassifier(artifact: Artifact): StoredClassifier | undefined {
  const meta = artifact.meta as Record<string, unknown>;
  if (typeof meta.version !== 'number' || typeof meta.weightsArtifactId !== 'string') return undefined;
  return {
    artifact,
    version: meta.version,
    testAccuracy: typeof meta.testAccuracy === 'number' ? meta.testAccuracy : Number.NaN,
    featureDim: typeof meta.featureDim === 'number' ? meta.featureDim : FEATURE_DIM,
    numClasses: typeof meta.numClasses === 'number' ? meta.numClasses : 0,
    weightsArtifactId: meta.weightsArtifactId,
  };
}

