import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { z } from 'zod';
import { toTimestamp, trainingV1 } from '@genlab/contracts';
import { RUN_STATUSES, type Database, type ExperimentSummary } from '@genlab/db';
import { id, offset, pageSize, parseRequest } from '@genlab/grpc';
import { DATABASE } from '@genlab/service-core';
import { toRunStatusMessage } from '../runs/runs.mapper';

const SERVICE = 'TrainingService';

const createRequest = z.object({
  name: z.string().trim().min(1, 'name is required').max(200, 'name is longer than 200 characters'),
  description: z.string().max(10_000, 'description is longer than 10000 characters'),
});

@Controller()
export class ExperimentsController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @GrpcMethod(SERVICE, 'CreateExperiment')
  async createExperiment(request: trainingV1.CreateExperimentRequest): Promise<trainingV1.Experiment> {
    const r = parseRequest(createRequest, request);
    const experiment = await this.db.experiments.create(r);
    return toExperimentMessage({ ...experiment, runCount: 0, statusCounts: {}, lastActivityAt: experiment.createdAt });
  }

  @GrpcMethod(SERVICE, 'GetExperiment')
  async getExperiment(request: trainingV1.GetExperimentRequest): Promise<trainingV1.Experiment> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toExperimentMessage(await this.db.experiments.summary(r.id));
  }

  @GrpcMethod(SERVICE, 'ListExperiments')
  async listExperiments(request: trainingV1.ListExperimentsRequest): Promise<trainingV1.ListExperimentsResponse> {
    const r = parseRequest(z.object({ pageSize, offset }), request);
    const [experiments, total] = await Promise.all([this.db.experiments.list({ limit: r.pageSize, offset: r.offset }), this.db.experiments.count()]);
    return { experiments: experiments.map(toExperimentMessage), total };
  }
}

function toExperimentMessage(experiment: ExperimentSummary): trainingV1.Experiment {
  return {
    id: experiment.id,
    name: experiment.name,
    description: experiment.description,
    runCount: experiment.runCount,
    createTime: toTimestamp(experiment.createdAt),
    lastActivityTime: toTimestamp(experiment.lastActivityAt),
    runStatusCounts: RUN_STATUSES.flatMap((status) => {
      const count = experiment.statusCounts[status];
      return count ? [{ status: toRunStatusMessage(status), count }] : [];
    }),
  };
}
