import { Inject, Injectable } from '@nestjs/common';
import { isTerminalRunStatus, type Database, type Run } from '@genlab/db';
import { invalidArgument, failedPrecondition } from '@genlab/errors';
import { assertDatasetFits, parseConfig, trainingPlan } from '@genlab/models';
import { DATABASE } from '@genlab/service-core';
import { RunExecutor } from './run-executor.service';

export interface StartRunInput {
  experimentId: string;
  datasetId: string;
  family: string;
  configJson: string;
  seed: number;
}

@Injectable()
export class RunsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly executor: RunExecutor,
  ) {}

  /** Everything is validated before the run is stored and queued. */
  async start(input: StartRunInput): Promise<Run> {
    const rawConfig = parseJsonObject(input.configJson);
    const config = parseConfig(input.family, rawConfig);
    const [experiment, dataset] = await Promise.all([this.db.experiments.get(input.experimentId), this.db.datasets.get(input.datasetId)]);
    const stats = dataset.stats as { min?: number; max?: number };
    assertDatasetFits(input.family, config, {
      shape: dataset.shape,
      trainCount: dataset.trainCount,
      min: stats.min ?? 0,
      max: stats.max ?? 0,
    });
    const plan = trainingPlan(input.family, config, dataset.trainCount);
    const run = await this.db.runs.create({
      experimentId: experiment.id,
      datasetId: dataset.id,
      family: input.family,
      config,
      seed: input.seed,
      totalSteps: plan.totalSteps,
    });
    this.executor.enqueue(run.id);
    return run;
  }

  async stop(id: string): Promise<Run> {
    const run = await this.db.runs.get(id);
    if (isTerminalRunStatus(run.status)) throw failedPrecondition(`run ${id} has already ended (${run.status})`);
    return this.executor.stop(run);
  }
}

function parseJsonObject(json: string): unknown {
  if (!json.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw invalidArgument(`config_json: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument('config_json: must be a JSON object');
  return value;
}
