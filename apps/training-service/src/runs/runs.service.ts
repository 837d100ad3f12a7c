import { Inject, Injectable } from '@nestjs/common';
import type { Database, Run } from '@genlab/db';
import { invalidArgument } from '@genlab/errors';
import { assertDatasetFits, parseConfig, trainingPlan } from '@genlab/models';
import { DATABASE } from '@genlab/service-core';
import { RUN_QUEUE, type RunQueue } from '../queue/run-queue';

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
    @Inject(RUN_QUEUE) private readonly queue: RunQueue,
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
      numClasses: dataset.numClasses ?? undefined,
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
    await this.queue.enqueue([run.id]);
    return run;
  }

  /**
   * A queued run is cancelled at once; a running one is flagged in the database, and the
   * worker holding it (in this process or any other) stops it at a step boundary with a
   * checkpoint. FAILED_PRECONDITION once the run has ended.
   */
  async stop(id: string): Promise<Run> {
    const run = await this.db.runs.requestStop(id);
    await this.queue.stopped(run);
    return run;
  }
}

export function parseJsonObject(json: string, field = 'config_json'): unknown {
  if (!json.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw invalidArgument(`${field}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidArgument(`${field}: must be a JSON object`);
  return value;
}
