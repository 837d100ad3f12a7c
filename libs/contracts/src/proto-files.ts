import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The four v1 services: proto package, service name and file, relative to the proto root. */
export const GENLAB_SERVICES = {
  datasets: { package: 'genlab.datasets.v1', service: 'DatasetService', file: 'genlab/datasets/v1/datasets.proto' },
  training: { package: 'genlab.training.v1', service: 'TrainingService', file: 'genlab/training/v1/training.proto' },
  evaluation: { package: 'genlab.evaluation.v1', service: 'EvaluationService', file: 'genlab/evaluation/v1/evaluation.proto' },
  generation: { package: 'genlab.generation.v1', service: 'GenerationService', file: 'genlab/generation/v1/generation.proto' },
} as const;

export type GenlabServiceName = keyof typeof GENLAB_SERVICES;

let cachedRoot: string | undefined;

/**
 * Absolute path of the directory holding the .proto files. Found by walking up from this
 * module, so it works from the TypeScript sources and from compiled output alike;
 * GENLAB_PROTO_ROOT overrides it for installs that ship the protos elsewhere.
 */
export function protoRoot(): string {
  if (cachedRoot) return cachedRoot;
  const override = process.env.GENLAB_PROTO_ROOT;
  if (override) return (cachedRoot = override);
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'libs', 'contracts', 'proto');
    if (existsSync(join(candidate, GENLAB_SERVICES.datasets.file))) return (cachedRoot = candidate);
    if (dirname(dir) === dir) break;
  }
  throw new Error('genlab .proto files not found: set GENLAB_PROTO_ROOT');
}

export function protoPath(name: GenlabServiceName): string {
  return join(protoRoot(), GENLAB_SERVICES[name].file);
}
