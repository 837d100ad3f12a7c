import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { LoggerService } from '@nestjs/common';
import type { ComputeBackend } from '@genlab/compute';
import type { TensorDataset } from '@genlab/data';
import { startSourceWorker } from './source-worker';

export interface CheckpointWorkerData {
  readonly backend: ComputeBackend;
}

export type CheckpointRequest =
  | {
      readonly kind: 'score';
      readonly id: number;
      /** The checkpoint's run: the thread keeps its model for the run's next checkpoints (`CheckpointScorer`). */
      readonly runId: string;
      /** A checkpoint's bytes (`GenerativeModel.save()`). */
      readonly bytes: Uint8Array;
      /** The held-out examples to score, prepared for the model. */
      readonly examples: TensorDataset;
      readonly seed: number;
    }
  | {
      readonly kind: 'draw';
      readonly id: number;
      /** `count` samples of shape `dataShape`, drawn as a PNG picture (`renderExamplesPng`). */
      readonly samples: Float32Array;
      readonly count: number;
      readonly dataShape: readonly number[];
    }
  /** The run has ended here: the thread frees the model it kept for it (no reply). */
  | { readonly kind: 'release'; readonly runId: string };

/** The requests the thread answers (each by its id). */
export type AnsweredRequest = Exclude<CheckpointRequest, { kind: 'release' }>;

export type CheckpointReply = (
  | { kind: 'ready' }
  | { kind: 'scored'; id: number; loss: number | undefined }
  | { kind: 'drawn'; id: number; png: Uint8Array }
  | { kind: 'failed'; id: number; message: string }
) & {
  /** Tensors alive on the thread after the reply's work (a scored model is disposed before). */
  liveTensors?: number;
};

type Answer = Extract<CheckpointReply, { kind: 'scored' | 'drawn' }>;

/** Backends a second instance can run on in a worker thread (the native ones hold one device per process). */
const THREADABLE: ReadonlySet<ComputeBackend> = new Set(['wasm', 'cpu']);
/** A request the thread has not answered by then is given up, and the thread with it. */
const REQUEST_TIMEOUT_MS = 10 * 60_000;

/**
 * The work of a checkpoint that does not need the training thread, on a thread of its own:
 * drawing its sample grid's picture and (GENLAB_CHECKPOINT_THREAD=all) scoring its validation
 * loss, while the training thread goes on with the next steps. The thread scores a checkpoint
 * from its bytes, as a resumed run would load them, so the scores are those of the checkpoint
 * as stored; it builds a run's model once and gives it each later checkpoint's parameters.
 *
 * It starts in the background: until it is `ready` (and if it fails, or the backend is a
 * native one), callers do this work on their own thread. A request that fails on the thread,
 * or that the thread does not live to answer, rejects, and the caller does it itself.
 */
export class CheckpointWorker {
  private worker: Worker | undefined;
  private state: 'idle' | 'starting' | 'ready' | 'stopped' = 'idle';
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  /** Tensors alive on the thread after its last reply (for tests: scoring leaks none). */
  liveTensors: number | undefined;
  private settle!: (ready: boolean) => void;
  /**
   * Resolves once the thread is ready (true) or will not be (false: it failed, was closed, or
   * cannot run on the backend); pending while it waits for `start` to be given a backend.
   */
  readonly settled = new Promise<boolean>((resolve) => (this.settle = resolve));

  constructor(private readonly logger: LoggerService) {}

  /** Whether requests go to the thread now. */
  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Starts the thread for `backend` once (no-op afterwards, and for backends it cannot run). */
  start(backend: ComputeBackend | undefined): void {
    if (this.state !== 'idle' || !backend) return; // without a backend yet: at the next call
    if (!THREADABLE.has(backend)) {
      this.state = 'stopped';
      this.settle(false);
      return;
    }
    this.state = 'starting';
    let worker: Worker;
    try {
      worker = startSourceWorker(threadEntry(), { backend } satisfies CheckpointWorkerData);
    } catch (error) {
      this.stop(`could not start: ${String(error)}`);
      return;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => this.onReply(reply, backend));
    worker.on('error', (error) => this.stop(`failed: ${error.message}`));
    worker.on('exit', (code) => this.stop(`exited (code ${code})`));
  }

  /** The validation loss of run `runId`'s checkpoint `bytes` on `examples`; rejects if the thread cannot give it. */
  async score(runId: string, bytes: Uint8Array, examples: TensorDataset, seed: number): Promise<number | undefined> {
    const answer = await this.request((id) => ({ kind: 'score', id, runId, bytes: ownBuffer(bytes), examples, seed }));
    return answer.kind === 'scored' ? answer.loss : undefined;
  }

  /** Run `runId` has ended here: the model the thread kept to score its checkpoints is freed. */
  release(runId: string): void {
    if (this.state === 'ready') this.worker?.postMessage({ kind: 'release', runId } satisfies CheckpointRequest);
  }

  /** The PNG picture of `count` samples of shape `dataShape` (`renderExamplesPng`); rejects if the thread cannot draw it. */
  async draw(samples: Float32Array, count: number, dataShape: readonly number[]): Promise<Buffer> {
    const answer = await this.request((id) => ({ kind: 'draw', id, samples: ownBuffer(samples), count, dataShape }));
    if (answer.kind !== 'drawn') throw new Error(`the checkpoint thread answered a drawing with '${answer.kind}'`);
    return Buffer.from(answer.png.buffer, answer.png.byteOffset, answer.png.byteLength);
  }

  private request(message: (id: number) => AnsweredRequest): Promise<Answer> {
    const worker = this.worker;
    if (this.state !== 'ready' || !worker) return Promise.reject(new Error('the checkpoint thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.stop(`did not answer within ${REQUEST_TIMEOUT_MS / 60_000} minutes`), REQUEST_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      try {
        worker.postMessage(message(id));
      } catch (error) {
        // Not sent (it could not be cloned): nothing to wait for.
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Ends the thread; requests still open reject (their callers score them themselves). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.stop(undefined);
    await worker?.terminate();
  }

  private onReply(reply: CheckpointReply, backend: ComputeBackend): void {
    this.liveTensors = reply.liveTensors;
    if (reply.kind === 'ready') {
      if (this.state !== 'starting') return;
      this.state = 'ready';
      this.settle(true);
      this.logger.log(`checkpoint thread ready (${backend})`);
      return;
    }
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    clearTimeout(waiting.timer);
    if (reply.kind === 'failed') waiting.reject(new Error(reply.message));
    else waiting.resolve(reply);
  }

  /** No more requests go to the thread; those open reject. `why` (if any) is logged once. */
  private stop(why: string | undefined): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.settle(false);
    if (why) this.logger.warn(`checkpoint thread ${why}; validation losses and sample grids are computed on the training thread`);
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new Error(`the checkpoint thread ${why ?? 'was closed'}`));
    }
    this.pending.clear();
    const worker = this.worker;
    this.worker = undefined;
    if (why && worker) void worker.terminate();
  }
}

/** `array` itself if it spans its whole buffer, else a copy that does: a view is sent as its whole buffer. */
function ownBuffer<T extends Uint8Array | Float32Array>(array: T): T {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : (array.slice() as T);
}

/** The thread's module beside this one: compiled JavaScript in `dist/`, TypeScript from the sources. */
function threadEntry(): string {
  const compiled = join(__dirname, 'checkpoint-worker.thread.js');
  return existsSync(compiled) ? compiled : join(__dirname, 'checkpoint-worker.thread.ts');
}
