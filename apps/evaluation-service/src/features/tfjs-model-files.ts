import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '@genlab/compute';
import { invalidArgument } from '@genlab/errors';
import { resolveInside } from '@genlab/service-core';

/** A TensorFlow.js model as model.json (topology + manifest) and its weights, in memory. */
export interface TfjsModelFiles {
  readonly modelJson: Record<string, unknown>;
  readonly weights: Uint8Array;
}

const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;
const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;

/** A layers model's files (weights in one shard), for storing as artifacts. */
export async function layersModelFiles(model: tf.LayersModel): Promise<TfjsModelFiles> {
  let files: TfjsModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      if (!weightData || Array.isArray(weightData)) throw new Error('expected the weights as one buffer');
      files = {
        modelJson: {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        },
        weights: new Uint8Array(weightData),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!files) throw new Error('the model was not saved');
  return files;
}

/** Either kind of tfjs model, from its files: layers (`modelTopology.config`) or graph (`modelTopology.node`). */
export async function loadTfjsModel(files: TfjsModelFiles): Promise<tf.LayersModel | tf.GraphModel> {
  const json = files.modelJson as { format?: string; modelTopology?: unknown; weightsManifest?: { weights?: unknown[] }[] };
  const weightSpecs = (json.weightsManifest ?? []).flatMap((group) => group.weights ?? []) as tf.io.WeightsManifestEntry[];
  const weightData = files.weights.buffer.slice(files.weights.byteOffset, files.weights.byteOffset + files.weights.byteLength) as ArrayBuffer;
  const artifacts: tf.io.ModelArtifacts = { modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs, weightData, format: json.format };
  const topology = json.modelTopology as { node?: unknown } | undefined;
  const isGraph = json.format === 'graph-model' || (topology !== undefined && Array.isArray(topology.node));
  try {
    return isGraph ? await tf.loadGraphModel(tf.io.fromMemory(artifacts)) : await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw invalidArgument(`feature model: TensorFlow.js could not load it as a ${isGraph ? 'graph' : 'layers'} model (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * A tfjs model directory on local disk (already confined to an import root): model.json and
 * the weight files its manifest names, each of which must lie inside the directory.
 */
export async function readTfjsModelDirectory(dir: string): Promise<TfjsModelFiles> {
  const jsonPath = await resolveInside(dir, 'model.json', 'feature_model_path');
  const text = await readCapped(jsonPath, MAX_MODEL_JSON_BYTES, 'model.json');
  let modelJson: Record<string, unknown>;
  try {
    modelJson = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalidArgument('feature_model_path: model.json is not valid JSON');
  }
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every((g) => g && Array.isArray((g as { paths?: unknown }).paths))) {
    throw invalidArgument('feature_model_path: model.json has no weightsManifest with paths (a TensorFlow.js model directory is expected)');
  }
  const shards: Buffer[] = [];
  let total = 0;
  for (const group of manifest as { paths: unknown[] }[]) {
    for (const path of group.paths) {
      if (typeof path !== 'string') throw invalidArgument('feature_model_path: weightsManifest paths must be strings');
      const shard = await readCapped(await resolveInside(dir, path, 'weights'), MAX_WEIGHT_BYTES - total, `weights '${path}'`);
      total += shard.length;
      shards.push(shard);
    }
  }
  return { modelJson, weights: new Uint8Array(Buffer.concat(shards)) };
}

async function readCapped(path: string, limit: number, what: string): Promise<Buffer> {
  if ((await stat(path)).size > limit) throw invalidArgument(`feature_model_path: ${what} is larger than the ${limit} bytes allowed`);
  return readFile(path);
}

/** Writes `files` as a model directory (model.json + weights.bin), for tests and exports. */
export async function writeTfjsModelDirectory(dir: string, files: TfjsModelFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  const weights = (files.modelJson.weightsManifest as { weights: unknown[] }[]).flatMap((group) => group.weights);
  await writeFile(join(dir, 'weights.bin'), files.weights);
  await writeFile(join(dir, 'model.json'), JSON.stringify({ ...files.modelJson, weightsManifest: [{ paths: ['weights.bin'], weights }] }));
}
