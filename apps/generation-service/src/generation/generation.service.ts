import { Inject, Injectable } from '@nestjs/common';
import { deriveSeed, tf } from '@genlab/compute';
import type { GenlabConfig } from '@genlab/config';
import type { Database, Run } from '@genlab/db';
import { exampleSize, gatherBatch } from '@genlab/data';
import { failedPrecondition, invalidArgument } from '@genlab/errors';
import { NEVER_CANCELLED, type CallCancellation } from '@genlab/grpc';
import { canDecode, canEncode, canExportDecoder, prepareDataset, type GenerativeModel } from '@genlab/models';
import { DATABASE, GENLAB_CONFIG, loadDatasetSplit, renderExamplesPng, resolveCheckpoint } from '@genlab/service-core';
import { CheckpointResolver } from './checkpoint-resolver.service';
import { ModelCache } from './model-cache.service';

/** Samples are drawn in fixed internal batches, each with its own derived seed, so the
 * result depends only on (checkpoint, seed, count, options), never on the chunk size. */
const DRAW_BATCH = 256;
const MAX_CHUNK_BYTES = 1024 * 1024;

interface DrawOptions {
  label?: number;
  truncation?: number;
  steps?: number;
}

export interface SampleChunkData {
  offset: number;
  count: number;
  shape: number[];
  values: Buffer;
  png: Buffer;
}

export interface SampleInput {
  runId: string;
  checkpointId: string;
  count: number;
  seed: number;
  temperature: number;
  chunkSize: number;
  includePng: boolean;
  /** Class of every sample (conditional models only). */
  label?: number;
  truncation: number;
  diffusionSteps: number;
}

@Injectable()
export class GenerationService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
    private readonly models: ModelCache,
    private readonly checkpoints: CheckpointResolver,
  ) {}

  /** Validate and load before the first chunk, so errors arrive as the call's status. */
  async sample(input: SampleInput, cancellation: CallCancellation = NEVER_CANCELLED): Promise<AsyncGenerator<SampleChunkData>> {
    this.checkCount(input.count);
    const lease = await this.lease(input.runId, input.checkpointId);
    const { model } = lease;
    if (input.temperature !== 1 && !canDecode(model)) {
      lease.release();
      throw failedPrecondition(`temperature is supported for models with a decoder; ${model.family} has none (use temperature 0 or 1)`);
    }
    try {
      this.checkLabel(model, input.label);
    } catch (error) {
      lease.release();
      throw error;
    }
    const options: DrawOptions = {
      label: input.label,
      truncation: input.truncation || undefined,
      steps: input.diffusionSteps || undefined,
    };
    const shape = [...model.dataShape];
    const maxPerChunk = Math.max(1, Math.floor(MAX_CHUNK_BYTES / (4 * exampleSize(shape))));
    if (input.chunkSize > maxPerChunk) {
      lease.release();
      throw invalidArgument(`chunk_size: at most ${maxPerChunk} examples of this shape per chunk (1 MiB); 0 picks that`);
    }
    // By default one chunk per draw batch (when it fits the chunk limit): no re-cutting, no copies.
    const perChunk = input.chunkSize || Math.min(maxPerChunk, DRAW_BATCH);
    const batches = this.draw(model, input.count, input.seed, input.temperature, options, cancellation);
    return chunked(batches, perChunk, shape, input.includePng, lease.release);
  }

  async renderGrid(runId: string, checkpointId: string, count: number, seed: number, columns: number, cancellation: CallCancellation = NEVER_CANCELLED) {
    if (count > 1024) throw invalidArgument(`count: at most 1024 for a grid, got ${count}`);
    const checkpoint = await this.checkpoints.resolve(runId, checkpointId);
    const lease = await this.models.acquire(checkpoint);
    try {
      const values = await concat(this.draw(lease.model, count, seed, 1, {}, cancellation), count * exampleSize(lease.model.dataShape));
      // A cancellation that arrived during the last batch is read from the socket first.
      await ioTurn();
      cancellation.throwIfCancelled('the sample grid');
      const png = renderExamplesPng(values, count, lease.model.dataShape, columns || undefined);
      const artifact = await this.db.artifacts.put(png, {
        kind: 'sample-grid',
        mediaType: 'image/png',
        runId,
        meta: { step: checkpoint.step, checkpointId: checkpoint.id, seed, count },
      });
      return { artifactId: artifact.id, checkpointId: checkpoint.id, step: checkpoint.step, png };
    } finally {
      lease.release();
    }
  }

  /**
   * Decode points on the path between two latent codes: prior draws for two seeds, or the
   * encodings of two dataset items when `datasetIndices` holds two indices.
   */
  async interpolate(
    runId: string,
    checkpointId: string,
    seedA: number,
    seedB: number,
    steps: number,
    spherical: boolean,
    datasetIndices: number[],
    cancellation: CallCancellation = NEVER_CANCELLED,
  ) {
    if (steps < 2 || steps > 256) throw invalidArgument(`steps: between 2 and 256, got ${steps}`);
    if (datasetIndices.length !== 0 && datasetIndices.length !== 2) throw invalidArgument('dataset_indices: give two indices, or none to use seed_a and seed_b');
    const run = await this.db.runs.get(runId);
    const lease = await this.models.acquire(await resolveCheckpoint(this.db, run, checkpointId));
    const { model } = lease;
    try {
      if (!canDecode(model) || !model.latentDim) {
        throw failedPrecondition(`${model.family} models have no latent space to interpolate in; use Sample instead`);
      }
      const latentDim = model.latentDim;
      const endpoints = datasetIndices.length === 2 ? await this.encodeItems(run, model, datasetIndices) : undefined;
      throwIfCancelledDisposing(cancellation, 'interpolation', endpoints);
      const decoded = tf.tidy(() => {
        // Derived seeds: tfjs treats a seed of 0 as "no seed".
        const a = endpoints ? (endpoints.slice([0, 0], [1, latentDim]).reshape([latentDim]) as tf.Tensor1D) : (tf.randomNormal([latentDim], 0, 1, 'float32', deriveSeed(seedA, 'interpolate')) as tf.Tensor1D);
        const b = endpoints ? (endpoints.slice([1, 0], [1, latentDim]).reshape([latentDim]) as tf.Tensor1D) : (tf.randomNormal([latentDim], 0, 1, 'float32', deriveSeed(seedB, 'interpolate')) as tf.Tensor1D);
        const t = tf.linspace(0, 1, steps).reshape([steps, 1]) as tf.Tensor2D;
        const z = spherical ? slerp(a, b, t) : a.expandDims(0).mul(tf.sub(1, t)).add(b.expandDims(0).mul(t));
        return model.decode(z);
      });
      endpoints?.dispose();
      return await toChunk(decoded, 0, [...model.dataShape], false);
    } finally {
      lease.release();
    }
  }

  /** The latent codes (posterior means) of dataset items, `[indices.length, latentDim]`. */
  private async encodeItems(run: Run, model: GenerativeModel, indices: number[]): Promise<tf.Tensor2D> {
    if (!canEncode(model)) throw failedPrecondition(`${model.family} models have no encoder: interpolate between seeds instead`);
    const items = await this.datasetItems(run, indices);
    try {
      return tf.tidy(() => model.encode(items));
    } finally {
      items.dispose();
    }
  }

  /** Dataset items by index, prepared as the model was trained on them, `[n, ...shape]`. */
  private async datasetItems(run: Run, indices: number[]): Promise<tf.Tensor> {
    const dataset = await this.db.datasets.get(run.datasetId);
    const all = prepareDataset(run.family, run.config, await loadDatasetSplit(this.db, dataset, 'all'));
    const bad = indices.find((i) => i < 0 || i >= all.count);
    if (bad !== undefined) throw invalidArgument(`dataset_indices: ${bad} is outside [0, ${all.count})`);
    return tf.tensor(gatherBatch(all, indices).x, [indices.length, ...all.shape]);
  }

  private checkLabel(model: GenerativeModel, label: number | undefined): void {
    if (label === undefined) return;
    if (!model.capabilities.conditional) throw failedPrecondition(`${model.family} models of this run are not class-conditional; omit label`);
    if (model.numClasses !== undefined && (label < 0 || label >= model.numClasses)) {
      throw invalidArgument(`label: must be in [0, ${model.numClasses}) for this model, got ${label}`);
    }
  }

  async reconstruct(runId: string, checkpointId: string, indices: number[], cancellation: CallCancellation = NEVER_CANCELLED) {
    if (indices.length === 0 || indices.length > 1024) throw invalidArgument('dataset_indices: give between 1 and 1024 indices');
    const run = await this.db.runs.get(runId);
    const lease = await this.models.acquire(await resolveCheckpoint(this.db, run, checkpointId));
    const { model } = lease;
    try {
      if (!canEncode(model) || !canDecode(model)) {
        throw failedPrecondition(`${model.family} models have no encoder, so they cannot reconstruct; use Sample instead`);
      }
      const items = await this.datasetItems(run, indices);
      throwIfCancelledDisposing(cancellation, 'reconstruction', items);
      const decoded = tf.tidy(() => model.decode(model.encode(items)));
      items.dispose();
      return await toChunk(decoded, 0, [...model.dataShape], false);
    } finally {
      lease.release();
    }
  }

  /** Store the decoder as a tfjs layers model: weights first, then model.json pointing at them. */
  async exportDecoder(runId: string, checkpointId: string, cancellation: CallCancellation = NEVER_CANCELLED) {
    const checkpoint = await this.checkpoints.resolve(runId, checkpointId);
    const lease = await this.models.acquire(checkpoint);
    try {
      const { model } = lease;
      if (!canExportDecoder(model) || !model.latentDim) {
        const why = model.numClasses
          ? `this run's ${model.family} is class-conditional and the export covers decoders of z alone`
          : `${model.family} models have no decoder to export`;
        throw failedPrecondition(`${why}; only unconditional VAEs (MLP or conv) export a decoder`);
      }
      const exported = await model.exportDecoder();
      cancellation.throwIfCancelled('the export'); // nothing stored yet
      const meta = { checkpointId: checkpoint.id, step: checkpoint.step, latentDim: model.latentDim, dataShape: [...model.dataShape] };
      const weights = await this.db.artifacts.put(exported.weights, { kind: 'tfjs-weights', mediaType: 'application/octet-stream', runId, meta });
      const manifest = (exported.modelJson.weightsManifest as { paths: string[] }[]).map((group) => ({ ...group, paths: [weights.id] }));
      const modelJson = JSON.stringify({ ...exported.modelJson, weightsManifest: manifest });
      const json = await this.db.artifacts.put(Buffer.from(modelJson), {
        kind: 'tfjs-model',
        mediaType: 'application/json',
        runId,
        meta: { ...meta, weightsArtifactId: weights.id },
      });
      return {
        modelJsonArtifactId: json.id,
        weightsArtifactId: weights.id,
        checkpointId: checkpoint.id,
        latentDim: model.latentDim,
        dataShape: [...model.dataShape],
        modelJson,
      };
    } finally {
      lease.release();
    }
  }

  private async lease(runId: string, checkpointId: string) {
    return this.models.acquire(await this.checkpoints.resolve(runId, checkpointId));
  }

  private checkCount(count: number): void {
    if (count <= 0) throw invalidArgument('count: must be at least 1');
    if (count > this.config.maxSampleCount) {
      throw invalidArgument(`count: at most ${this.config.maxSampleCount} per request (GENLAB_MAX_SAMPLE_COUNT); ask in several requests with different seeds`);
    }
  }

  /**
   * Draws in batches of DRAW_BATCH; stops between batches, and between the steps of
   * iterative samplers, with CANCELLED once the caller cancels or DEADLINE_EXCEEDED once the
   * deadline passes.
   */
  private async *draw(
    model: GenerativeModel,
    count: number,
    seed: number,
    temperature: number,
    options: DrawOptions,
    cancellation: CallCancellation,
  ): AsyncGenerator<Float32Array> {
    for (let offset = 0, batch = 0; offset < count; offset += DRAW_BATCH, batch++) {
      // A turn of the event loop with its I/O between batches: other calls are served, and a
      // client's cancellation (an I/O event) is seen before the next batch.
      if (batch > 0) await ioTurn();
      cancellation.throwIfCancelled('sampling');
      const n = Math.min(DRAW_BATCH, count - offset);
      const batchSeed = deriveSeed(seed, batch);
      const sampleOptions = {
        labels: options.label === undefined ? undefined : new Int32Array(n).fill(options.label),
        truncation: options.truncation,
        steps: options.steps,
        isCancelled: cancellation.isCancelled,
        signal: cancellation.signal,
      };
      const samples =
        temperature === 1 || !canDecode(model) || !model.latentDim
          ? model.sample(n, batchSeed, sampleOptions)
          : tf.tidy(() => model.decode(tf.randomNormal([n, model.latentDim as number], 0, temperature, 'float32', batchSeed)));
      let values: Float32Array;
      try {
        values = (await samples.data()) as Float32Array;
      } finally {
        samples.dispose();
      }
      yield values;
    }
  }
}

/**
 * `cancellation.throwIfCancelled(what)`, disposing `held` first when it throws: one reading of
 * the clock decides both (a deadline can pass between two readings).
 */
function throwIfCancelledDisposing(cancellation: CallCancellation, what: string, held: tf.Tensor | undefined): void {
  try {
    cancellation.throwIfCancelled(what);
  } catch (error) {
    held?.dispose();
    throw error;
  }
}

/**
 * Resolves after the event loop has polled for I/O at least once: the second immediate runs
 * in the check phase after the next poll phase, whichever phase the caller is in (a 0 ms
 * timer does not promise that: after work done in the poll or check phase, the next
 * iteration's timers run before its poll).
 */
async function ioTurn(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function slerp(a: tf.Tensor1D, b: tf.Tensor1D, t: tf.Tensor2D): tf.Tensor2D {
  const omega = tf.acos(tf.clipByValue(tf.sum(a.mul(b)).div(tf.norm(a).mul(tf.norm(b))), -1, 1));
  const sinOmega = tf.sin(omega);
  if ((sinOmega.dataSync()[0] as number) < 1e-6) return a.expandDims(0).mul(tf.sub(1, t)).add(b.expandDims(0).mul(t));
  const wa = tf.sin(tf.sub(1, t).mul(omega)).div(sinOmega);
  const wb = tf.sin(t.mul(omega)).div(sinOmega);
  return a.expandDims(0).mul(wa).add(b.expandDims(0).mul(wb));
}

async function toChunk(tensor: tf.Tensor, offset: number, shape: number[], includePng: boolean): Promise<SampleChunkData> {
  try {
    const values = (await tensor.data()) as Float32Array;
    return chunkFrom(values, offset, tensor.shape[0] as number, shape, includePng);
  } finally {
    tensor.dispose();
  }
}

function chunkFrom(values: Float32Array, offset: number, count: number, shape: number[], includePng: boolean): SampleChunkData {
  return {
    offset,
    count,
    shape,
    values: Buffer.from(values.buffer, values.byteOffset, values.byteLength),
    png: includePng ? renderExamplesPng(values, count, shape) : Buffer.alloc(0),
  };
}

async function concat(batches: AsyncGenerator<Float32Array>, length: number): Promise<Float32Array> {
  const out = new Float32Array(length);
  let at = 0;
  for await (const values of batches) {
    out.set(values, at);
    at += values.length;
  }
  return out;
}

/** Re-cut drawn batches into response chunks of `perChunk` examples; release the model at the end. */
async function* chunked(
  batches: AsyncGenerator<Float32Array>,
  perChunk: number,
  shape: number[],
  includePng: boolean,
  release: () => void,
): AsyncGenerator<SampleChunkData> {
  const size = exampleSize(shape);
  let pending = new Float32Array(0);
  let offset = 0;
  try {
    for await (const values of batches) {
      if (pending.length === 0 && values.length === perChunk * size) {
        yield chunkFrom(values, offset, perChunk, shape, includePng); // a whole chunk as drawn
        offset += perChunk;
        continue;
      }
      const merged = new Float32Array(pending.length + values.length);
      merged.set(pending);
      merged.set(values, pending.length);
      pending = merged;
      while (pending.length >= perChunk * size) {
        yield chunkFrom(pending.slice(0, perChunk * size), offset, perChunk, shape, includePng);
        pending = pending.slice(perChunk * size);
        offset += perChunk;
      }
    }
    if (pending.length > 0) yield chunkFrom(pending, offset, pending.length / size, shape, includePng);
  } finally {
    release();
  }
}
