// The checkpoint thread (started by CheckpointWorker): scores checkpoints' bytes on its own
// TensorFlow.js instance (keeping a run's model for its next checkpoints until the run is
// released) and draws sample grids, one request at a time, in the order they come.
import { parentPort, workerData } from 'node:worker_threads';
import { initCompute, tf } from '@genlab/compute';
import { renderExamplesPng } from '@genlab/data';
import { CheckpointScorer } from './validation-loss';
import type { AnsweredRequest, CheckpointReply, CheckpointRequest, CheckpointWorkerData } from './checkpoint-worker';

const scorer = new CheckpointScorer();

const failed = (id: number, error: unknown): CheckpointReply => ({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) });

async function answer(request: AnsweredRequest): Promise<CheckpointReply> {
  try {
    // Copied into a buffer of its own: a Buffer may be a view of a larger pool, which a message would carry whole.
    if (request.kind === 'draw') return { kind: 'drawn', id: request.id, png: new Uint8Array(renderExamplesPng(request.samples, request.count, request.dataShape)) };
    return { kind: 'scored', id: request.id, loss: await scorer.score(request.runId, request.bytes, request.examples, request.seed) };
  } catch (error) {
    return failed(request.id, error);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('checkpoint-worker.thread runs as a worker thread');
  const { backend } = workerData as CheckpointWorkerData;
  await initCompute({ backend, wasmThreads: 1, logger: false });
  let queue = Promise.resolve();
  port.on('message', (request: CheckpointRequest) => {
    queue = queue
      .then(async () => {
        if (request.kind === 'release') return scorer.release(request.runId);
        const reply = await answer(request);
        port.postMessage({ ...reply, liveTensors: tf.memory().numTensors } satisfies CheckpointReply);
      })
      .catch((error: unknown) => {
        // A reply that could not be sent (or a release that failed): the next requests are still
        // answered, and this one's caller hears of it rather than waiting out its timeout.
        if (request.kind === 'release') return;
        try {
          port.postMessage(failed(request.id, error));
        } catch {
          // Not even that could be sent: the caller's timeout ends the wait.
        }
      });
  });
  port.postMessage({ kind: 'ready', liveTensors: tf.memory().numTensors } satisfies CheckpointReply);
}

void main();
