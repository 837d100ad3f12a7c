/*
 * Run in a child process by the model contract tests (through scripts/run-ts.mjs):
 * prints the digest of `sample(n, sampleSeed)` from a fresh model built from a spec, and,
 * if a file of saved bytes is given, from the model loaded from it.
 *   run-ts.mjs fresh-process.script.ts '<json spec>' [bytes-file]
 */
import { readFileSync } from 'node:fs';
import { initCompute } from '@genlab/compute';
import type { GenerativeModel } from '../generative-model';
import type { ModelFamily } from '../model-family';
import { createModel, loadModel } from '../model-registry';
import { tensorDigest } from './sample-digest';

interface Spec {
  family: ModelFamily;
  config: Record<string, unknown>;
  dataShape: number[];
  seed: number;
  numClasses?: number;
  n: number;
  sampleSeed: number;
}

async function main(): Promise<void> {
  const [specJson, bytesFile] = process.argv.slice(2);
  const spec = JSON.parse(specJson) as Spec;
  await initCompute({ logger: false });
  const models: GenerativeModel[] = [createModel(spec.family, spec.config, { dataShape: spec.dataShape, seed: spec.seed, numClasses: spec.numClasses })];
  if (bytesFile) models.push(await loadModel(new Uint8Array(readFileSync(bytesFile))));
  const digests: string[] = [];
  for (const model of models) {
    const samples = model.sample(spec.n, spec.sampleSeed);
    digests.push(await tensorDigest(samples));
    samples.dispose();
    model.dispose();
  }
  process.stdout.write(JSON.stringify({ fresh: digests[0], loaded: digests[1] ?? null }));
}

void main();
