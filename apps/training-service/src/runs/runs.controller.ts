import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { z } from 'zod';
import { trainingV1 } from '@genlab/contracts';
import { MAX_RUN_NOTES_LENGTH, MAX_RUN_TAGS, MAX_RUN_TAG_VALUE_LENGTH, RUN_TAG_KEY_PATTERN, type Database } from '@genlab/db';
import { id, offset, pageSize, parseRequest } from '@genlab/grpc';
import { listFamilies } from '@genlab/models';
import { DATABASE } from '@genlab/service-core';
import type { WritableSignal } from './event-outbox';
import { RunEventStream } from './run-event-stream';
import { RunSearchService } from './run-search.service';
import { RunsService } from './runs.service';
import { toCheckpointMessage, toMetricPointMessage, toRunMessage, toRunSearchResultMessage } from './runs.mapper';

const SERVICE = 'TrainingService';

const startRunRequest = z.object({
  experimentId: id('experiment_id'),
  datasetId: id('dataset_id'),
  family: z.string().trim().min(1, 'family is required'),
  configJson: z.string(),
  seed: z.number().int().min(0).max(2 ** 31 - 1, 'seed: at most 2147483647'),
});
const listRunsRequest = z.object({ experimentId: z.string(), pageSize, offset });
const tagKey = z.string().regex(RUN_TAG_KEY_PATTERN, 'a tag key is 1 to 64 letters, digits, _, . or -');
const updateRunRequest = z.object({
  id: id('id'),
  setTags: z
    .record(z.string(), z.string().max(MAX_RUN_TAG_VALUE_LENGTH, `a tag value is at most ${MAX_RUN_TAG_VALUE_LENGTH} characters`))
    .superRefine((tags, context) => {
      const keys = Object.keys(tags);
      for (const key of keys.filter((k) => !RUN_TAG_KEY_PATTERN.test(k))) {
        context.addIssue({ code: 'custom', message: `tag key '${key.slice(0, 80)}': letters, digits, _, . or -, 1 to 64 of them` });
      }
      if (keys.length > MAX_RUN_TAGS) context.addIssue({ code: 'custom', message: `at most ${MAX_RUN_TAGS} tags, not ${keys.length}` });
    }),
  removeTagKeys: z.array(tagKey),
  notes: z.string().max(MAX_RUN_NOTES_LENGTH, `at most ${MAX_RUN_NOTES_LENGTH} characters`).optional(),
});
const searchRunsRequest = z.object({
  experimentId: z.string(),
  query: z.string().max(10_000, 'at most 10000 characters'),
  sort: z.string().max(300, 'at most 300 characters'),
  descending: z.boolean(),
  offset,
  pageSize,
});
const listMetricsRequest = z.object({
  runId: id('run_id'),
  key: z.string(),
  afterStep: z.number().int(),
  limit: z.number().int().min(0).max(100_000, 'limit: at most 100000').transform((n) => n || 10_000),
});

@Controller()
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly eventStream: RunEventStream,
    private readonly search: RunSearchService,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @GrpcMethod(SERVICE, 'ListFamilies')
  listFamilies(): trainingV1.ListFamiliesResponse {
    return {
      families: listFamilies().map((family) => ({
        name: family.name,
        density: family.density,
        description: family.description,
        capabilities: family.capabilities,
        configSchemaJson: JSON.stringify(family.configSchema),
      })),
    };
  }

  @GrpcMethod(SERVICE, 'StartRun')
  async startRun(request: trainingV1.StartRunRequest): Promise<trainingV1.Run> {
    return toRunMessage(await this.runs.start(parseRequest(startRunRequest, request)));
  }

  @GrpcMethod(SERVICE, 'GetRun')
  async getRun(request: trainingV1.GetRunRequest): Promise<trainingV1.Run> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toRunMessage(await this.db.runs.get(r.id));
  }

  @GrpcMethod(SERVICE, 'ListRuns')
  async listRuns(request: trainingV1.ListRunsRequest): Promise<trainingV1.ListRunsResponse> {
    const r = parseRequest(listRunsRequest, request);
    const filter = { experimentId: r.experimentId || undefined };
    const [runs, total] = await Promise.all([this.db.runs.list({ ...filter, limit: r.pageSize, offset: r.offset }), this.db.runs.count(filter)]);
    return { runs: runs.map(toRunMessage), total };
  }

  @GrpcMethod(SERVICE, 'StopRun')
  async stopRun(request: trainingV1.StopRunRequest): Promise<trainingV1.Run> {
    const r = parseRequest(z.object({ id: id('id') }), request);
    return toRunMessage(await this.runs.stop(r.id));
  }

  @GrpcMethod(SERVICE, 'UpdateRun')
  async updateRun(request: trainingV1.UpdateRunRequest): Promise<trainingV1.Run> {
    const { id: runId, ...change } = parseRequest(updateRunRequest, request);
    return toRunMessage(await this.db.runs.update(runId, change));
  }

  @GrpcMethod(SERVICE, 'SearchRuns')
  async searchRuns(request: trainingV1.SearchRunsRequest): Promise<trainingV1.SearchRunsResponse> {
    const r = parseRequest(searchRunsRequest, request);
    const page = await this.search.search({ ...r, experimentId: r.experimentId || undefined });
    return { results: page.hits.map(toRunSearchResultMessage), totalMatched: page.totalMatched, total: page.total };
  }

  @GrpcMethod(SERVICE, 'StreamRunEvents')
  streamRunEvents(request: trainingV1.StreamRunEventsRequest, _metadata: unknown, call?: WritableSignal): Observable<trainingV1.RunEvent> {
    const r = parseRequest(z.object({ runId: id('run_id'), includeHistory: z.boolean() }), request);
    return this.eventStream.open(r.runId, r.includeHistory, call);
  }

  @GrpcMethod(SERVICE, 'ListMetrics')
  async listMetrics(request: trainingV1.ListMetricsRequest): Promise<trainingV1.ListMetricsResponse> {
    const r = parseRequest(listMetricsRequest, request);
    await this.db.runs.get(r.runId);
    const points = await this.db.metrics.listPoints(r.runId, { key: r.key || undefined, afterStep: r.afterStep, limit: r.limit });
    return { points: points.map(toMetricPointMessage) };
  }

  @GrpcMethod(SERVICE, 'ListCheckpoints')
  async listCheckpoints(request: trainingV1.ListCheckpointsRequest): Promise<trainingV1.ListCheckpointsResponse> {
    const r = parseRequest(z.object({ runId: id('run_id') }), request);
    await this.db.runs.get(r.runId);
    return { checkpoints: (await this.db.checkpoints.listByRun(r.runId)).map(toCheckpointMessage) };
  }
}
