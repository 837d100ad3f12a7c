import 'server-only';
import { connection } from 'next/server';
import { unary } from '@genlab/client';
import { fromTimestamp, trainingV1 } from '@genlab/contracts';
import { formatQuery, referencedFields, type Field, type QueryNode, type RunRecord, type SortDirection } from '@genlab/run-query';
import { metricColumns, paramColumns } from '../runs-columns';
import { genlab } from './genlab-clients';
import { ServiceUnavailableError, callService } from './service-errors';

/**
 * The runs table: the training service's SearchRuns filters, sorts and pages next to the
 * database (the query language is parsed there too, from the same library), and returns
 * each run of the page with its final training metrics and latest evaluation results,
 * aggregated in SQL. Here the results become the records the table and exports read.
 */

/** The training service searches at most this many runs (the newest); the page says when there are more. */
export const MAX_RUNS = 10_000;
const LIST_PAGE = 500;
/** allRuns reads at most this many runs (newest first). */
const MAX_LISTED_RUNS = 5000;
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
  for (let offset = 0; offset < MAX_LISTED_RUNS; offset += LIST_PAGE) {
    const page = await callService('training', () =>
      unary(training.listRuns, training, { experimentId, pageSize: LIST_PAGE, offset }, { deadlineMs: DEADLINE_MS, retry: { attempts: 2 } }),
    );
    runs.push(...page.runs);
    total = page.total;
    if (page.runs.length < LIST_PAGE || runs.length >= total) break;
  }
  return { runs, total };
}

const statusText = (status: trainingV1.RunStatus) => trainingV1.runStatusToJSON(status).replace('RUN_STATUS_', '').toLowerCase();

function parseConfig(json: string): unknown {
  try {
    return JSON.parse(json || '{}');
  } catch {
    return {};
  }
}

/** One SearchRuns result as a table row: the record the query language reads, units by key. */
function toRow(result: trainingV1.RunSearchResult): RunRow | undefined {
  const { run } = result;
  if (!run) return undefined;
  const evaluated = Object.entries(result.evaluationResults);
  return {
    run,
    experimentName: result.experimentName || run.experimentId,
    datasetName: result.datasetName || run.datasetId,
    units: Object.fromEntries(evaluated.map(([key, value]) => [key, value.unit])),
    created: fromTimestamp(run.createTime),
    record: {
      attributes: {
        id: run.id,
        family: run.family,
        dataset: result.datasetName || run.datasetId,
        status: statusText(run.status),
        experiment: result.experimentName || run.experimentId,
        seed: run.seed,
        steps: run.stepsDone,
      },
      params: parseConfig(run.configJson),
      metrics: { ...result.metrics, ...Object.fromEntries(evaluated.map(([key, value]) => [key, value.value])) },
      tags: run.tags,
    },
  };
}

async function searchPage(request: RunsTableRequest, offset: number, pageSize: number): Promise<trainingV1.SearchRunsResponse> {
  const { training } = genlab();
  const search: trainingV1.SearchRunsRequest = {
    experimentId: request.experimentId ?? '',
    query: formatQuery(request.query),
    sort: request.sort?.text ?? '',
    descending: request.direction === 'desc',
    offset,
    pageSize,
  };
  return callService('training', () => unary(training.searchRuns, training, search, { deadlineMs: DEADLINE_MS, retry: { attempts: 2 } }));
}

export async function loadRunsTable(request: RunsTableRequest): Promise<RunsTable> {
  await connection();
  const results: trainingV1.RunSearchResult[] = [];
  let matched = 0;
  let total = 0;
  if (request.pageSize === undefined) {
    // Exports: every matching row, a page at a time.
    for (let offset = 0; ; offset += LIST_PAGE) {
      const page = await searchPage(request, offset, LIST_PAGE);
      results.push(...page.results);
      ({ totalMatched: matched, total } = page);
      if (page.results.length < LIST_PAGE || results.length >= matched) break;
    }
  } else {
    const page = await searchPage(request, (request.page - 1) * request.pageSize, request.pageSize);
    results.push(...page.results);
    ({ totalMatched: matched, total } = page);
  }
  const rows = results.map(toRow).filter((row): row is RunRow => row !== undefined);
  const fields = [...referencedFields(request.query), ...(request.sort ? [request.sort] : [])];
  const records = rows.map((row) => row.record);
  return {
    rows,
    matched,
    read: Math.min(total, MAX_RUNS),
    total,
    paramColumns: paramColumns(records, fields),
    metricColumns: metricColumns(records, fields),
  };
}
