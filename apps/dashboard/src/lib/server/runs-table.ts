import 'server-only';
import { connection } from 'next/server';
import { unary } from '@genlab/client';
import { evaluationV1, fromTimestamp, trainingV1 } from '@genlab/contracts';
import { matches, referencedFields, sortRecords, type Field, type QueryNode, type RunRecord, type SortDirection } from '@genlab/run-query';
import { latestEvaluationMetrics, latestPoints } from '../run-metrics';
import { metricColumns, paramColumns } from '../runs-columns';
import { allDatasets } from './dataset-queries';
import { genlab } from './genlab-clients';
import { listExperiments } from './queries';
import { ServiceUnavailableError, callService } from './service-errors';

/**
 * The runs table: every run (of one experiment or all) from ListRuns pages, turned into
 * records the query language reads, filtered and sorted here on the dashboard's server.
 * Metrics are fetched per run (ListMetrics for the latest training points, ListEvaluations
 * for results) only for the runs that need them: all listed runs when the query or the sort
 * names a metric, else just the page shown. Filtering in the training service, next to the
 * database, is the scalable version (one query instead of a call per run).
 */

/** At most this many runs are read (newest first); the page says when there are more. */
export const MAX_RUNS = 5000;
const LIST_PAGE = 500;
const CONCURRENCY = 16;
const DEADLINE_MS = 15_000;

export interface RunRow {
  run: trainingV1.Run;
  record: RunRecord;
  experimentName: string;
  datasetName: string;
  /** Units of the record's metrics, by key (evaluation results; training metrics have none). */
  units: Record<string, string>;
  created?: Date;
}

export interface RunsTable {
  /** Matching runs in order: all of them when `pageSize` is undefined, else one page. */
  rows: RunRow[];
  matched: number;
  /** Runs read (at most MAX_RUNS) and runs that exist. */
  read: number;
  total: number;
  paramColumns: string[];
  metricColumns: string[];
  /** Set when the evaluation service could not be reached: results are missing from metrics. */
  evaluationOutage?: ServiceUnavailableError;
}

export interface RunsTableRequest {
  experimentId?: string;
  query?: QueryNode;
  sort?: Field;
  direction: SortDirection;
  page: number;
  /** undefined: every matching row (exports). */
  pageSize?: number;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function allRuns(experimentId: string): Promise<{ runs: trainingV1.Run[]; total: number }> {
  const { training } = genlab();
  const runs: trainingV1.Run[] = [];
  let total = 0;
  for (let offset = 0; offset < MAX_RUNS; offset += LIST_PAGE) {
    const page = await callService('training', () =>
      unary(training.listRuns, training, { experimentId, pageSize: LIST_PAGE, offset }, { deadlineMs: DEADLINE_MS, retry: { attempts: 2 } }),
    );
    runs.push(...page.runs);
    total = page.total;
    if (page.runs.length < LIST_PAGE || runs.length >= total) break;
  }
  return { runs, total };
}

interface TrainingMetrics {
  stepsDone: number;
  values: Record<string, number>;
}

/** Latest training points of finished runs do not change: kept across requests. */
const finishedMetrics = new Map<string, TrainingMetrics>();
const FINISHED = new Set([trainingV1.RunStatus.RUN_STATUS_COMPLETED, trainingV1.RunStatus.RUN_STATUS_FAILED, trainingV1.RunStatus.RUN_STATUS_CANCELLED]);

async function trainingMetrics(run: trainingV1.Run): Promise<Record<string, number>> {
  const cached = finishedMetrics.get(run.id);
  if (cached && cached.stepsDone === run.stepsDone) return cached.values;
  const { training } = genlab();
  const list = (afterStep: number, limit: number) =>
    callService('training', () => unary(training.listMetrics, training, { runId: run.id, key: '', afterStep, limit }, DEADLINE_MS));
  // Points are logged at the step progress reports, so the last one is at stepsDone: ask
  // for just the tail, and read the whole curve only if the tail is empty.
  let points = run.stepsDone > 0 ? (await list(run.stepsDone - 1, 1000)).points : [];
  if (points.length === 0) points = (await list(-1, 100_000)).points;
  const values = latestPoints(points);
  if (FINISHED.has(run.status)) {
    if (finishedMetrics.size > 20_000) finishedMetrics.clear();
    finishedMetrics.set(run.id, { stepsDone: run.stepsDone, values });
  }
  return values;
}

async function evaluationMetrics(runId: string): Promise<{ values: Record<string, number>; units: Record<string, string> }> {
  const { evaluation } = genlab();
  const response = await callService('evaluation', () =>
    unary(evaluation.listEvaluations, evaluation, { runId, pageSize: 100, offset: 0 }, DEADLINE_MS),
  );
  return latestEvaluationMetrics(
    response.evaluations.map((e) => ({ completed: e.status === evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED, results: e.results })),
  );
}

const statusText = (status: trainingV1.RunStatus) => trainingV1.runStatusToJSON(status).replace('RUN_STATUS_', '').toLowerCase();

function parseConfig(json: string): unknown {
  try {
    return JSON.parse(json || '{}');
  } catch {
    return {};
  }
}

/** Fill in the metrics of these rows (in place); notes an evaluation outage instead of failing. */
async function addMetrics(rows: RunRow[]): Promise<ServiceUnavailableError | undefined> {
  let outage: ServiceUnavailableError | undefined;
  await mapLimit(rows, CONCURRENCY, async (row) => {
    const [trained, evaluated] = await Promise.all([
      trainingMetrics(row.run),
      outage
        ? undefined
        : evaluationMetrics(row.run.id).catch((error: unknown) => {
            if (!(error instanceof ServiceUnavailableError)) throw error;
            outage = error;
            return undefined;
          }),
    ]);
    row.record = { ...row.record, metrics: { ...trained, ...evaluated?.values } };
    row.units = evaluated?.units ?? {};
  });
  return outage;
}

export async function loadRunsTable(request: RunsTableRequest): Promise<RunsTable> {
  await connection();
  const [{ runs, total }, experiments, datasets] = await Promise.all([
    allRuns(request.experimentId ?? ''),
    listExperiments(1, 500),
    allDatasets().catch((error: unknown) => {
      if (error instanceof ServiceUnavailableError) return []; // names only: ids will do
      throw error;
    }),
  ]);
  const experimentNames = new Map(experiments.items.map((e) => [e.id, e.name || e.id]));
  const datasetNames = new Map(datasets.map((d) => [d.id, d.name || d.id]));

  let rows: RunRow[] = runs.map((run) => {
    const experimentName = experimentNames.get(run.experimentId) ?? run.experimentId;
    const datasetName = datasetNames.get(run.datasetId) ?? run.datasetId;
    return {
      run,
      experimentName,
      datasetName,
      units: {},
      created: fromTimestamp(run.createTime),
      record: {
        attributes: {
          id: run.id,
          family: run.family,
          dataset: datasetName,
          status: statusText(run.status),
          experiment: experimentName,
          seed: run.seed,
          steps: run.stepsDone,
        },
        params: parseConfig(run.configJson),
        metrics: {},
      },
    };
  });

  const fields = [...referencedFields(request.query), ...(request.sort ? [request.sort] : [])];
  const needsAllMetrics = fields.some((f) => f.scope === 'metrics');
  let evaluationOutage = needsAllMetrics ? await addMetrics(rows) : undefined;

  rows = rows.filter((row) => matches(request.query, row.record));
  if (request.sort) {
    const byRecord = new Map(rows.map((row) => [row.record, row]));
    rows = sortRecords([...byRecord.keys()], request.sort, request.direction).map((record) => byRecord.get(record) as RunRow);
  }
  const matched = rows.length;
  const shown = request.pageSize === undefined ? rows : rows.slice((request.page - 1) * request.pageSize, request.page * request.pageSize);
  if (!needsAllMetrics) evaluationOutage = await addMetrics(shown);

  const records = shown.map((row) => row.record);
  return {
    rows: shown,
    matched,
    read: runs.length,
    total,
    paramColumns: paramColumns(rows.map((r) => r.record), fields),
    metricColumns: metricColumns(records, fields),
    evaluationOutage,
  };
}
