import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable, from, of } from 'rxjs';
import { z } from 'zod';
import { generationV1 } from '@genlab/contracts';
import { callCancellation, id, parseRequest, type CancellableServerCall } from '@genlab/grpc';
import { GenerationService } from './generation.service';

const SERVICE = 'GenerationService';
const seed = z.number().int().min(0);

const sampleRequest = z.object({
  runId: id('run_id'),
  checkpointId: z.string(),
  count: z.number().int(),
  seed,
  temperature: z
    .number()
    .min(0, 'temperature: must be ≥ 0')
    .max(10, 'temperature: at most 10')
    .transform((t) => t || 1),
  chunkSize: z.number().int().min(0, 'chunk_size: must be ≥ 0'),
  includePng: z.boolean(),
  label: z.number().int().optional(),
  truncation: z.number().min(0, 'truncation: must be ≥ 0').max(10, 'truncation: at most 10'),
  diffusionSteps: z.number().int().min(0, 'diffusion_steps: must be ≥ 0').max(10_000, 'diffusion_steps: at most 10000'),
});
const gridRequest = z.object({
  runId: id('run_id'),
  checkpointId: z.string(),
  count: z.number().int().min(0, 'count: must be ≥ 0').transform((n) => n || 64),
  seed,
  columns: z.number().int().min(0).max(256),
});
const interpolateRequest = z.object({
  runId: id('run_id'),
  checkpointId: z.string(),
  seedA: seed,
  seedB: seed,
  steps: z.number().int().transform((n) => n || 8),
  path: z.nativeEnum(generationV1.InterpolationPath),
  datasetIndices: z.array(z.number().int()),
});
const reconstructRequest = z.object({ runId: id('run_id'), checkpointId: z.string(), datasetIndices: z.array(z.number().int()) });

@Controller()
export class GenerationController {
  constructor(private readonly generation: GenerationService) {}

  @GrpcMethod(SERVICE, 'Sample')
  async sample(request: generationV1.SampleRequest, _metadata: unknown, call: CancellableServerCall): Promise<Observable<generationV1.SampleChunk>> {
    return from(await this.generation.sample(parseRequest(sampleRequest, request), callCancellation(call)));
  }

  @GrpcMethod(SERVICE, 'RenderSampleGrid')
  async renderSampleGrid(request: generationV1.RenderSampleGridRequest, _metadata: unknown, call: CancellableServerCall): Promise<generationV1.SampleGrid> {
    const r = parseRequest(gridRequest, request);
    return this.generation.renderGrid(r.runId, r.checkpointId, r.count, r.seed, r.columns, callCancellation(call));
  }

  @GrpcMethod(SERVICE, 'Interpolate')
  async interpolate(request: generationV1.InterpolateRequest, _metadata: unknown, call: CancellableServerCall): Promise<Observable<generationV1.SampleChunk>> {
    const r = parseRequest(interpolateRequest, request);
    const spherical = r.path === generationV1.InterpolationPath.INTERPOLATION_PATH_SPHERICAL;
    return of(await this.generation.interpolate(r.runId, r.checkpointId, r.seedA, r.seedB, r.steps, spherical, r.datasetIndices, callCancellation(call)));
  }

  @GrpcMethod(SERVICE, 'ExportDecoder')
  async exportDecoder(request: generationV1.ExportDecoderRequest, _metadata: unknown, call: CancellableServerCall): Promise<generationV1.ExportedDecoder> {
    const r = parseRequest(z.object({ runId: id('run_id'), checkpointId: z.string() }), request);
    return this.generation.exportDecoder(r.runId, r.checkpointId, callCancellation(call));
  }

  @GrpcMethod(SERVICE, 'Reconstruct')
  async reconstruct(request: generationV1.ReconstructRequest, _metadata: unknown, call: CancellableServerCall): Promise<Observable<generationV1.SampleChunk>> {
    const r = parseRequest(reconstructRequest, request);
    return of(await this.generation.reconstruct(r.runId, r.checkpointId, r.datasetIndices, callCancellation(call)));
  }
}
