// The validation worker's thread (started by ValidationWorker): scores checkpoints' bytes on
// its own TensorFlow.js instance, one request at a time, in the order they come.
import { parentPort, workerData } from 'node:worker_threads';
import { initCompute, tf } from '@genlab/compute';
import { loadModel } from '@genlab/models';
import { validationLoss } from './validation-loss';
import type { ValidationReply, ValidationRequest, ValidationWorkerData } from './validation-worker';

async function score(request: ValidationRequest): Promise<ValidationReply> {
  try {
    const model = await loadModel(request.bytes);
    try {
      const loss = await validationLoss(model, request.examples, request.seed);
      return { kind: 'scored', id: request.id, loss };
    } finally {
      model.dispose();
    }
  } catch (error) {
    return { kind: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('validation-worker.thread runs as a worker thread');
  const { backend } = workerData as ValidationWorkerData;
  await initCompute({ backend, wasmThreads: 1, logger: false });
  let queue = Promise.resolve();
  port.on('message', (request: ValidationRequest) => {
    queue = queue.then(async () => {
      const reply = await score(request);
      port.postMessage({ ...reply, liveTensors: tf.memory().numTensors } satisfies ValidationReply);
    });
  });
  port.postMessage({ kind: 'ready', liveTensors: tf.memory().numTensors } satisfies ValidationReply);
}

void main();
