import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { z } from 'zod';
import { toTimestamp, trainingV1 } from '@genlab/contracts';
import type { JsonObject } from '@genlab/db';
import { id, parseRequest } from '@genlab/grpc';
import { toRunMessage } from '../runs/runs.mapper';
import { SweepsService, type SweepConfigurationView } from './sweeps.service';

const SERVICE = 'TrainingService';

const METHODS = { [trainingV1.SweepMethod.SWEEP_METHOD_GRID]: 'grid', [trainingV1.SweepMethod.SWEEP_METHOD_RANDOM]: 'random' } as const;
const METHOD_MESSAGES = { grid: trainingV1.SweepMethod.SWEEP_METHOD_GRID, random: trainingV1.SweepMethod.SWEEP_METHOD_RANDOM } as const;

const TEMPLATES = { [trainingV1.SweepTemplate.SWEEP_TEMPLATE_DATA_EFFICIENCY]: 'data-efficiency' } as const;
const TEMPLATE_MESSAGES = { 'data-efficiency': trainingV1.SweepTemplate.SWEEP_TEMPLATE_DATA_EFFICIENCY } as const;

const startSweepRequest = z.object({
  experimentId: id('experiment_id'),
  datasetId: id('dataset_id'),
  family: z.string().trim().min(1, 'family is required'),
  baseConfigJson: z.string().max(100_000, 'base_config_json: at most 100000 characters'),
  method: z.number(),
  parameters: z
    .array(
      z.object({
        field: z.string(),
        valuesJson: z.array(z.string().max(10_000)).max(1_000, 'parameters.values_json: at most 1000 values'),
        min: z.number(),
        max: z.number(),
        logScale: z.boolean(),
        integer: z.boolean(),
      }),
    )
    .max(32, 'parameters: at most 32'),
  numConfigurations: z.number().int().min(0),
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1, 'seeds: each at most 2147483647')),
  sweepSeed: z.number().int().min(0),
  name: z.string().trim().max(200, 'name: at most 200 characters'),
  template: z
    .number()
    .refine((t) => t === trainingV1.SweepTemplate.SWEEP_TEMPLATE_UNSPECIFIED || t in TEMPLATES, 'template: SWEEP_TEMPLATE_DATA_EFFICIENCY or unspecified')
    .transform((t) => TEMPLATES[t as keyof typeof TEMPLATES] as (typeof TEMPLATES)[keyof typeof TEMPLATES] | undefined),
})
  // A template's method defaults to its own (grid); otherwise the method is required.
  .transform((r, ctx) => {
    const method = r.method === trainingV1.SweepMethod.SWEEP_METHOD_UNSPECIFIED && r.template ? 'grid' : METHODS[r.method as keyof typeof METHODS];
    if (!method) {
      ctx.addIssue({ code: 'custom', message: 'method: SWEEP_METHOD_GRID or SWEEP_METHOD_RANDOM' });
      return z.NEVER;
    }
    return { ...r, method };
  });

@Controller()
export class SweepsController {
  constructor(private readonly sweeps: SweepsService) {}

  @GrpcMethod(SERVICE, 'StartSweep')
  async startSweep(request: trainingV1.StartSweepRequest): Promise<trainingV1.Sweep> {
    return toSweepMessage(await this.sweeps.start(parseRequest(startSweepRequest, request)));
  }

  @GrpcMethod(SERVICE, 'GetSweep')
  async getSweep(request: trainingV1.GetSweepRequest): Promise<trainingV1.Sweep> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toSweepMessage(await this.sweeps.get(r.id));
  }

  @GrpcMethod(SERVICE, 'GetExperimentSummary')
  async getExperimentSummary(request: trainingV1.GetExperimentSummaryRequest): Promise<trainingV1.ExperimentSummary> {
    const r = parseRequest(z.object({ experimentId: id('experiment_id') }), request);
    const { configurations, sweptFields } = await this.sweeps.summary(r.experimentId);
    return {
      experimentId: r.experimentId,
      configurations: configurations.map((c) => {
        const fields = c.sweepId ? (sweptFields.get(c.sweepId) ?? []) : [];
        return {
          family: c.family,
          datasetId: c.datasetId,
          configJson: JSON.stringify(c.config),
          sweepId: c.sweepId ?? '',
          parametersJson: JSON.stringify(Object.fromEntries(fields.filter((f) => f in c.config).map((f) => [f, c.config[f]]))),
          runIds: c.runs.map((run) => run.id),
          seeds: c.runs.map((run) => run.seed),
          runsCompleted: c.runsCompleted,
          metrics: c.metrics.map((m) => ({ ...m })),
        };
      }),
    };
  }
}

function toSweepMessage({ sweep, configurations }: Awaited<ReturnType<SweepsService['get']>>): trainingV1.Sweep {
  return {
    id: sweep.sweep.id,
    experimentId: sweep.sweep.experimentId,
    name: sweep.sweep.name,
    method: METHOD_MESSAGES[sweep.sweep.method],
    configurations: configurations.map(toConfigurationMessage),
    runs: sweep.runs.map(toRunMessage),
    createTime: toTimestamp(sweep.sweep.createdAt),
    template: templateOf(sweep.sweep.spec),
    evaluateMetrics: evaluateMetricsOf(sweep.sweep.spec),
  };
}

function templateOf(spec: JsonObject): trainingV1.SweepTemplate {
  const template = spec['template'];
  return typeof template === 'string' && template in TEMPLATE_MESSAGES
    ? TEMPLATE_MESSAGES[template as keyof typeof TEMPLATE_MESSAGES]
    : trainingV1.SweepTemplate.SWEEP_TEMPLATE_UNSPECIFIED;
}

function evaluateMetricsOf(spec: JsonObject): string[] {
  const metrics = spec['evaluateMetrics'];
  return Array.isArray(metrics) ? metrics.filter((m): m is string => typeof m === 'string') : [];
}

function toConfigurationMessage(c: SweepConfigurationView): trainingV1.SweepConfiguration {
  return { configJson: JSON.stringify(c.config as JsonObject), parametersJson: JSON.stringify(c.parameters), runIds: c.runs.map((r) => r.id) };
}
