import { createHash } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { deriveSeed } from '@genlab/compute';
import { renderExamplesPng, type TensorDataset } from '@genlab/data';
import { retryTransient, type Checkpoint, type Database, type Run } from '@genlab/db';
import { ErrorCode, invalidArgument, isDomainError } from '@genlab/errors';
import { loadModel, type GenerativeModel } from '@genlab/models';
import type { CheckpointWorker } from './checkpoint-worker';
import { lastLine, type MetricWriter } from './metric-writer';
import { hasValidationLoss, scoredExamples, validationLoss, validationLossOfBytes } from './validation-loss';

const SAMPLE_GRID_COUNT = 64;
/** What a grid is assumed to cost before one was drawn: on the safe side (a 512×512 scatter PNG takes ~10 ms here, a large model's samples more). */
const FIRST_GRID_ESTIMATE_MS = 100;

export interface CheckpointKeeperOptions {
  readonly db: Database;
  readonly run: Run;
  readonly claimToken: string;
  /** Latest checkpoints kept besides the best by validation loss. */
  readonly keep: number;
  readonly retryMs: number;
  /** Test examples the validation loss is computed on (empty: none). */
  readonly heldOut: TensorDataset;
  /** Every metric point up to a checkpoint's step is stored before the checkpoint is recorded. */
  readonly metrics: MetricWriter;
  readonly onSaved: (checkpoint: Checkpoint) => void;
  readonly logger: LoggerService;
  /** The run's last step: its checkpoint always gets a sample grid. */
  readonly totalSteps: number;
  /** Share of the run's time sample grids may take (GENLAB_SAMPLE_GRID_SHARE); 1: every checkpoint gets one. */
  readonly gridShare: number;
  /** Draws sample grids (and, with `scoreOnThread`, scores validation losses) on another thread while training goes on, when it is ready. */
  readonly thread?: CheckpointWorker;
  readonly scoreOnThread?: boolean;
}

/**
 * Writes a run's checkpoints so that the latest one is always complete, and keeps the last
 * K plus the best by validation loss. The order makes a crash at any point safe:
 *   1. the model's bytes (weights, optimiser and RNG state; the step fixes the data order)
 *      are taken before training continues; the rest runs in the background, overlapping
 *      the next steps;
 *   2. the validation loss is scored from the model before training continues (or, with
 *      `scoreOnThread`, from those bytes on the checkpoint thread, except at the last step),
 *   3. every metric point up to this step is stored (a resumed run re-logs only later ones),
 *   4. and, side by side with 2 and 3, the bytes are written to the artifact store (temp
 *      file, fsync, rename);
 *   5. only once all are done is the checkpoint row created, fenced by the claim; the sample
 *      grid's picture (drawn on the checkpoint thread from step 1 on, when there is one) is
 *      stored after it, beside the pruning of older checkpoints.
 * A crash or a failure before 5 leaves an artifact without a checkpoint, which the next prune
 * removes; a checkpoint row never points at partial bytes. Resuming still verifies the bytes
 * (SHA-256 of the artifact, CRC-32 of the payload) and falls back to the previous checkpoint.
 */
export class CheckpointKeeper {
  private readonly startedAt = performance.now();
  private gridMs = 0;
  private lastGridMs = FIRST_GRID_ESTIMATE_MS;
  private recording: Promise<void> | undefined;
  private failure: unknown;
  /**
   * The run's checkpoints in step order, as the database holds them: known from `resume` on
   * and kept up to date by this keeper (only the worker holding the claim adds or prunes a
   * run's checkpoints), so retention needs no listing per checkpoint.
   */
  private known: Checkpoint[] | undefined;

  /** What the validation loss is scored on (the first examples of the held-out set). */
  private readonly examples: TensorDataset;

  constructor(private readonly options: CheckpointKeeperOptions) {
    const examples = scoredExamples(options.heldOut);
    this.examples = options.scoreOnThread ? compact(examples) : examples;
  }

  /**
   * Checkpoints the model at `step`. What needs the model at this step (its bytes, its
   * validation loss, the samples of a grid) is taken now; storing and recording it continues
   * in the background while training goes on, one checkpoint at a time: the next `save` (and
   * `settle`) waits for the previous one and reports its failure.
   */
  async save(model: GenerativeModel, step: number): Promise<void> {
    await this.settle();
    const bytes = await model.save();
    const loss = await this.scoreLater(model, bytes, step);
    const samples = this.gridAffordable(step) ? await this.drawSamples(model, step) : undefined;
    const picture = samples && this.startPicture(samples, model.dataShape);
    this.recording = this.record(step, bytes, loss, picture).catch((error: unknown) => {
      this.failure = error;
    });
  }

  /**
   * The checkpoint's validation loss, as a promise the record waits for: computed here and
   * now from the model, before training changes it; or, with `scoreOnThread` and the thread
   * ready, on the checkpoint thread (the bytes are copied to it), but for the last step's (no
   * training follows to overlap it with, and the model is at hand). If the thread fails a
   * request, the loss is computed here from the same bytes.
   */
  private async scoreLater(model: GenerativeModel, bytes: Uint8Array, step: number): Promise<{ loss: Promise<number | undefined> }> {
    const { run, thread, scoreOnThread, logger } = this.options;
    const seed = deriveSeed(run.seed, 'validation');
    if (!scoreOnThread || !thread?.ready || step >= this.options.totalSteps || this.examples.count === 0 || !hasValidationLoss(model)) {
      return { loss: Promise.resolve(await validationLoss(model, this.examples, seed)) };
    }
    const loss = thread.score(run.id, bytes, this.examples, seed).catch((error: unknown) => {
      logger.warn(`run ${run.id}: scoring a checkpoint on the checkpoint thread failed (${lastLine(error)}); scoring it here`);
      return validationLossOfBytes(bytes, this.examples, seed);
    });
    loss.catch(() => undefined); // awaited by the record
    return { loss };
  }

  /** Waits until every checkpoint saved so far is recorded; throws if one could not be. */
  async settle(): Promise<void> {
    await this.recording;
    this.recording = undefined;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  private async record(
    step: number,
    bytes: Uint8Array,
    scoring: { loss: Promise<number | undefined> },
    picture: (() => Promise<Buffer>) | undefined,
  ): Promise<void> {
    const { db, run, claimToken, metrics } = this.options;
    // The points up to this step and the bytes are stored side by side while the loss is
    // scored; all are done before the row is created. None is left running when another
    // fails, and the bytes are deleted if the flush or the scoring failed (a flush fails when
    // the run was lost: nothing more is written to it).
    const [flushed, stored, scored] = await Promise.allSettled([
      metrics.flush(),
      this.retry('store the checkpoint', () =>
        db.artifacts.put(bytes, { kind: 'checkpoint', mediaType: 'application/x-genlab-checkpoint', runId: run.id, meta: { step, family: run.family } }),
      ),
      scoring.loss,
    ]);
    const failed = [flushed, scored].find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      if (stored.status === 'fulfilled') await db.artifacts.delete(stored.value.id).catch(() => undefined);
      throw failed.reason;
    }
    if (stored.status === 'rejected') throw stored.reason;
    const artifact = stored.value;
    const loss = scored.status === 'fulfilled' ? scored.value : undefined;
    const validation = loss !== undefined && Number.isFinite(loss) ? { validationLoss: loss } : {};
    const checkpoint = await this.retry('record the checkpoint', () =>
      db.checkpoints.create({ runId: run.id, step, artifactId: artifact.id, ...validation }, { claimToken }).catch(async (error: unknown) => {
        // A retried create whose first attempt did commit finds its own row: take it.
        const existing = isDomainError(error) && error.code === ErrorCode.AlreadyExists ? (await db.checkpoints.listByRun(run.id)).find((c) => c.step === step) : undefined;
        if (existing?.artifactId === artifact.id) return existing;
        throw error;
      }),
    );
    this.known?.push(checkpoint);
    this.options.onSaved(checkpoint);
    await Promise.all([picture && this.saveSampleGrid(picture, step, checkpoint.id), this.prune()]);
  }

  /**
   * The model of the run's latest checkpoint whose bytes are intact, skipping (and deleting)
   * any whose artifact is missing or corrupt, or undefined if there is none. Checkpoints after
   * it, and the sample grids of those steps, are deleted: the run continues from there.
   */
  async resume(): Promise<{ model: GenerativeModel; checkpoint: Checkpoint } | undefined> {
    const { db, run, logger } = this.options;
    if (run.attempts <= 1) {
      // The run's first claim: no attempt before it can have left checkpoints, bytes or grids.
      this.known = [];
      return undefined;
    }
    const checkpoints = await db.checkpoints.listByRun(run.id);
    for (let i = checkpoints.length - 1; i >= 0; i--) {
      const checkpoint = checkpoints[i] as Checkpoint;
      let model: GenerativeModel;
      try {
        model = await this.load(checkpoint);
      } catch (error) {
        if (!isDomainError(error) || (error.code !== ErrorCode.InvalidArgument && error.code !== ErrorCode.NotFound)) throw error;
        logger.warn(`run ${run.id}: checkpoint at step ${checkpoint.step} is unusable (${error.message}); trying the one before`);
        continue;
      }
      // Always pruned: this also removes checkpoint bytes a crashed attempt left unrecorded.
      await this.pruneTo(checkpoints, new Set(checkpoints.slice(0, i + 1).map((c) => c.id)), 'delete unusable checkpoints', true);
      await this.deleteSampleGridsAfter(checkpoint.step);
      return { model, checkpoint };
    }
    await this.pruneTo(checkpoints, new Set(), 'delete unusable checkpoints');
    await this.deleteSampleGridsAfter(0);
    return undefined;
  }

  /** Keeps the latest K checkpoints and the best by validation loss (plus any an evaluation refers to). */
  async prune(): Promise<void> {
    const { db, run, keep } = this.options;
    const checkpoints = this.known ?? (await db.checkpoints.listByRun(run.id));
    const kept = new Set(checkpoints.slice(-keep).map((c) => c.id));
    const best = checkpoints
      .filter((c) => c.validationLoss !== null)
      .reduce<Checkpoint | undefined>((a, c) => (a === undefined || (c.validationLoss as number) < (a.validationLoss as number) ? c : a), undefined);
    if (best) kept.add(best.id);
    await this.pruneTo(checkpoints, kept, 'prune checkpoints');
  }

  /**
   * Deletes `checkpoints` not in `kept` and records what the run has left. A checkpoint that
   * was not deleted (an evaluation refers to it), or a retried prune that cannot say what its
   * first attempt deleted, makes the keeper read the list again.
   */
  private async pruneTo(checkpoints: readonly Checkpoint[], kept: ReadonlySet<string>, what: string, always = false): Promise<void> {
    const { db, run, claimToken } = this.options;
    const remaining = checkpoints.filter((c) => kept.has(c.id));
    if (always || remaining.length < checkpoints.length) {
      const deleted = await this.retry(what, () => db.checkpoints.prune(run.id, [...kept], { claimToken }));
      if (deleted.length !== checkpoints.length - remaining.length) {
        this.known = await db.checkpoints.listByRun(run.id);
        return;
      }
    }
    this.known = remaining;
  }

  private async load(checkpoint: Checkpoint): Promise<GenerativeModel> {
    const { db } = this.options;
    const [artifact, bytes] = await Promise.all([db.artifacts.get(checkpoint.artifactId), db.artifacts.read(checkpoint.artifactId)]);
    if (createHash('sha256').update(bytes).digest('hex') !== artifact.sha256) {
      throw invalidArgument('its bytes do not match their recorded SHA-256');
    }
    const model = await loadModel(bytes);
    if (model.stepCount !== checkpoint.step) {
      model.dispose();
      throw invalidArgument(`it holds step ${model.stepCount}, not ${checkpoint.step}`);
    }
    return model;
  }

  /**
   * A sample grid is a convenience, and drawing one (sampling, rendering, encoding a PNG) can
   * cost as much as tens of training steps of a small model: with a share below 1, checkpoints
   * get one while the training thread's time on grids stays within that share of the run's
   * time so far (a picture drawn on the checkpoint thread costs it only the sampling); the last
   * step always gets one, so room for it is kept (a grid costs about what the last one did):
   * counting the last step's grid, the grids of a run stay within the share.
   */
  private gridAffordable(step: number): boolean {
    const share = this.options.gridShare;
    if (step >= this.options.totalSteps || share >= 1) return true;
    return this.gridMs + 2 * this.lastGridMs <= share * (performance.now() - this.startedAt);
  }

  /** The samples a checkpoint's picture shows (undefined if the model cannot sample them). */
  private async drawSamples(model: GenerativeModel, step: number): Promise<Float32Array | undefined> {
    const started = performance.now();
    try {
      const samples = model.sample(SAMPLE_GRID_COUNT, deriveSeed(this.options.run.seed, 'sample-grid'));
      try {
        return (await samples.data()) as Float32Array;
      } finally {
        samples.dispose();
      }
    } catch (error) {
      this.options.logger.warn(`run ${this.options.run.id}: no sample grid at step ${step}: ${lastLine(error)}`);
      return undefined;
    } finally {
      this.spentOnGrids(performance.now() - started, true);
    }
  }

  /**
   * The picture of a checkpoint's samples, for watching a run improve: drawn on the checkpoint
   * thread from now on if it is ready (here if the thread fails it), else here once the record
   * gets to it. What it costs this thread counts against the grids' share.
   */
  private startPicture(samples: Float32Array, dataShape: readonly number[]): () => Promise<Buffer> {
    const draw = () => {
      const started = performance.now();
      const png = renderExamplesPng(samples, SAMPLE_GRID_COUNT, dataShape);
      this.spentOnGrids(performance.now() - started, false);
      return png;
    };
    const { thread } = this.options;
    if (!thread?.ready) return async () => draw();
    const drawing = thread.draw(samples, SAMPLE_GRID_COUNT, dataShape).catch(draw);
    drawing.catch(() => undefined); // awaited by the record, which may fail before it gets there
    return () => drawing;
  }

  private async saveSampleGrid(picture: () => Promise<Buffer>, step: number, checkpointId: string): Promise<void> {
    const { db, run, logger } = this.options;
    try {
      const png = await picture();
      await db.artifacts.put(png, { kind: 'sample-grid', mediaType: 'image/png', runId: run.id, meta: { step, checkpointId, seed: run.seed, count: SAMPLE_GRID_COUNT } });
    } catch (error) {
      // A picture is a convenience: a data shape it cannot draw must not fail the run.
      logger.warn(`run ${run.id}: no sample grid at step ${step}: ${lastLine(error)}`);
    }
  }

  /** Time taken by sample grids so far, and by the last one (its drawing starts it anew). */
  private spentOnGrids(ms: number, newGrid: boolean): void {
    this.gridMs += ms;
    this.lastGridMs = newGrid ? ms : this.lastGridMs + ms;
  }

  /** Sample grids drawn after `step` by an attempt that did not last: the resumed run draws them again. */
  private async deleteSampleGridsAfter(step: number): Promise<void> {
    const { db, run } = this.options;
    const grids = await db.artifacts.list({ runId: run.id, kind: 'sample-grid', limit: 1_000 });
    for (const grid of grids) if (typeof grid.meta?.['step'] === 'number' && grid.meta['step'] > step) await db.artifacts.delete(grid.id);
  }

  private retry<T>(what: string, operation: () => Promise<T>): Promise<T> {
    const { run, retryMs, logger } = this.options;
    return retryTransient(operation, {
      deadlineMs: retryMs,
      onRetry: (error, attempt, delayMs) => logger.warn(`run ${run.id}: could not ${what} (attempt ${attempt}, retrying in ${Math.round(delayMs)} ms): ${lastLine(error)}`),
    });
  }
}

/** The examples in arrays of their own, for the checkpoint thread: a view would carry its whole buffer along. */
function compact(examples: TensorDataset): TensorDataset {
  return { ...examples, x: examples.x.slice(), ...(examples.labels ? { labels: examples.labels.slice() } : {}) };
}
