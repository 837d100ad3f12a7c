// The checkpoint thread (started by CheckpointWorker): scores checkpoints' bytes on its own
// TensorFlow.js instance and draws sample grids, one request at a time, in the order they come.
import { parentPort, workerData } from 'node:worker_threads';
import { initCompute, tf } from '@genlab/compute';
import { renderExamplesPng } from '@genlab/data';
import { validationLossOfBytes } from './validation-loss';
import type { CheckpointReply, CheckpointRequest, CheckpointWorkerData } from './checkpoint-worker';

async function answer(request: CheckpointRequest): Promise<CheckpointReply> {
  try {
    // Copied into a buffer of its own: a Buffer may be a view of a larger pool, which a message would carry whole.
    if (request.kind === 'draw') return { kind: 'drawn', id: request.id, png: new Uint8Array(renderExamplesPng(request.samples, request.count, request.dataShape)) };
    return { kind: 'scored', id: request.id, loss: await validationLossOfBytes(request.bytes, request.examples, request.seed) };
  } catch (error) {
    return { kind: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('checkpoint-worker.thread runs as a worker thread');
  const { backend } = workerData as CheckpointWorkerData;
  await initCompute({ backend, wasmThreads: 1, logger: false });
  let queue = Promise.resolve();
  port.on('message', (request: CheckpointRequest) => {
    queue = queue.then(async () => {
      const reply = await answer(request);
      port.postMessage({ ...reply, liveTensors: tf.memory().numTensors } satisfies CheckpointReply);
    });
  });
  port.postMessage({ kind: 'ready', liveTensors: tf.memory().numTensors } satisfies CheckpointReply);
}

void main();
