import { Inject, Injectable } from '@nestjs/common';
import type { Database, Dataset, JsonObject, Run, SweepMethod, SweepWithRuns } from '@genlab/db';
import { ErrorCode, invalidArgument, isDomainError } from '@genlab/errors';
import { assertDatasetFits, parseConfig, trainingPlan } from '@genlab/models';
import { DATABASE } from '@genlab/service-core';
import { RUN_QUEUE, type RunQueue } from '../queue/run-queue';
import { parseJsonObject } from '../runs/runs.service';
import { summarizeConfigurations, type ConfigurationSummary, type RunResult } from './experiment-summary';
import { canonicalJson, planSweep, type SweepParameterSpec } from './sweep-plan';
import { dataEfficiencySweep, type SweepTemplate } from './sweep-templates';

export interface StartSweepInput {
  experimentId: string;
  datasetId: string;
  family: string;
  baseConfigJson: string;
  method: SweepMethod;
  parameters: { field: string; valuesJson: string[]; min: number; max: number; logScale: boolean; integer: boolean }[];
  numConfigurations: number;
  seeds: number[];
  sweepSeed: number;
  name: string;
  /** A ready-made experiment that fills in the rest of the request. */
  template?: SweepTemplate;
}

/** A sweep's configuration: its swept values, and its runs (one per seed). */
export interface SweepConfigurationView {
  readonly config: JsonObject;
  readonly parameters: JsonObject;
  readonly runs: readonly Run[];
}

const PAGE = 1_000;

@Injectable()
export class SweepsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(RUN_QUEUE) private readonly queue: RunQueue,
  ) {}

  /**
   * Plans the sweep, validates every configuration against the family and the dataset, and
   * only then stores the sweep with all its runs (one transaction) and queues them together.
   */
  async start(request: StartSweepInput): Promise<{ sweep: SweepWithRuns; configurations: SweepConfigurationView[] }> {
    const [experiment, dataset] = await Promise.all([this.db.experiments.get(request.experimentId), this.db.datasets.get(request.datasetId)]);
    const { input, evaluateMetrics } = request.template === 'data-efficiency' ? dataEfficiencySweep(request, dataset) : { input: request, evaluateMetrics: [] };
    const baseConfig = parseJsonObject(input.baseConfigJson, 'base_config_json') as Record<string, unknown>;
    const parameters = input.parameters.map(toParameterSpec);
    const planned = planSweep({ method: input.method, baseConfig, parameters, numConfigurations: input.numConfigurations, sweepSeed: input.sweepSeed, seeds: input.seeds });

    const runs = planned.flatMap((configuration, index) => {
      const { config, totalSteps } = this.validate(input.family, configuration.config, dataset, `configuration ${index + 1} of ${planned.length} (${canonicalJson(configuration.parameters)})`);
      return input.seeds.map((seed) => ({ datasetId: dataset.id, family: input.family, config, seed, totalSteps }));
    });
    const spec: JsonObject = {
      family: input.family,
      datasetId: dataset.id,
      baseConfig: baseConfig as JsonObject,
      parameters: parameters.map((p) => ({ field: p.field, values: p.values as JsonObject[keyof JsonObject][], ...(p.range && { range: p.range }) })),
      numConfigurations: input.numConfigurations,
      sweepSeed: input.sweepSeed,
      seeds: input.seeds,
      ...(input.template && { template: input.template }),
      ...(evaluateMetrics.length > 0 && { evaluateMetrics: [...evaluateMetrics] }),
    };
    const sweep = await this.db.sweeps.create({ experimentId: experiment.id, name: input.name, method: input.method, spec, runs });
    await this.queue.enqueue(sweep.runs.map((r) => r.id));
    return { sweep, configurations: configurationsOf(sweep) };
  }

  async get(id: string): Promise<{ sweep: SweepWithRuns; configurations: SweepConfigurationView[] }> {
    const sweep = await this.db.sweeps.get(id);
    return { sweep, configurations: configurationsOf(sweep) };
  }

  /**
   * Every configuration of the experiment's runs with mean ± std over its completed runs of
   * each final metric: the last point of every metric key, `val/loss` (the validation loss
   * of the run's last checkpoint) and `val/loss_best` (of its best checkpoint).
   */
  async summary(experimentId: string): Promise<{ configurations: ConfigurationSummary[]; sweptFields: Map<string, string[]> }> {
    await this.db.experiments.get(experimentId);
    const runs: Run[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.db.runs.list({ experimentId, limit: PAGE, offset });
      runs.push(...page);
      if (page.length < PAGE) break;
    }
    // Oldest first, a sweep's runs in its order: configurations in the order they were started.
    runs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.sweepIndex ?? 0) - (b.sweepIndex ?? 0) || a.id.localeCompare(b.id));
    const results: RunResult[] = [];
    for (const run of runs.filter((r) => r.status === 'completed')) results.push({ run, finals: await this.finals(run) });
    const sweptFields = new Map<string, string[]>();
    for (const sweepId of new Set(runs.flatMap((r) => (r.sweepId ? [r.sweepId] : [])))) {
      const { sweep } = await this.db.sweeps.get(sweepId);
      sweptFields.set(sweepId, sweptFieldsOf(sweep.spec));
    }
    return { configurations: summarizeConfigurations(runs, results), sweptFields };
  }

  private async finals(run: Run): Promise<Record<string, number>> {
    const finals: Record<string, number> = {};
    for (const point of await this.db.metrics.latest(run.id)) if (Number.isFinite(point.value)) finals[point.key] = point.value;
    const losses = (await this.db.checkpoints.listByRun(run.id)).flatMap((c) => (c.validationLoss === null ? [] : [c.validationLoss]));
    if (losses.length > 0) {
      finals['val/loss'] = losses.at(-1) as number;
      finals['val/loss_best'] = Math.min(...losses);
    }
    return finals;
  }

  private validate(family: string, rawConfig: Record<string, unknown>, dataset: Dataset, label: string): { config: JsonObject; totalSteps: number } {
    try {
      const config = parseConfig(family, rawConfig);
      const stats = dataset.stats as { min?: number; max?: number };
      assertDatasetFits(family, config, {
        shape: dataset.shape,
        trainCount: dataset.trainCount,
        min: stats.min ?? 0,
        max: stats.max ?? 0,
        numClasses: dataset.numClasses ?? undefined,
      });
      return { config: config as JsonObject, totalSteps: trainingPlan(family, config, dataset.trainCount).totalSteps };
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.InvalidArgument) throw invalidArgument(`${label}: ${error.message}`, error.details);
      throw error;
    }
  }
}

function toParameterSpec(p: StartSweepInput['parameters'][number], index: number): SweepParameterSpec {
  const values = p.valuesJson.map((json, j) => {
    try {
      return JSON.parse(json) as unknown;
    } catch {
      throw invalidArgument(`parameters[${index}].values_json[${j}]: not valid JSON: ${json.slice(0, 100)}`);
    }
  });
  const hasRange = p.min !== 0 || p.max !== 0;
  return { field: p.field, values, ...(hasRange && { range: { min: p.min, max: p.max, logScale: p.logScale, integer: p.integer } }) };
}

function sweptFieldsOf(spec: JsonObject): string[] {
  const parameters = Array.isArray(spec['parameters']) ? spec['parameters'] : [];
  return parameters.flatMap((p) => (p && typeof p === 'object' && !Array.isArray(p) && typeof p['field'] === 'string' ? [p['field']] : []));
}

/** The sweep's runs grouped by configuration, in order, with the swept fields' values. */
function configurationsOf({ sweep, runs }: SweepWithRuns): SweepConfigurationView[] {
  const fields = sweptFieldsOf(sweep.spec);
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const key = canonicalJson(run.config);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((members) => {
    const config = (members[0] as Run).config;
    return { config, parameters: Object.fromEntries(fields.filter((f) => f in config).map((f) => [f, config[f] as JsonObject[string]])), runs: members };
  });
}

