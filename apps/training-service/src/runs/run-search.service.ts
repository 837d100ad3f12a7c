import { Inject, Injectable } from '@nestjs/common';
import type { Database, LatestEvaluationResult, Run } from '@genlab/db';
import { invalidArgument } from '@genlab/errors';
import { QueryError, matches, parseField, parseQuery, referencedFields, sortRecords, type Field, type RunRecord } from '@genlab/run-query';
import { DATABASE } from '@genlab/service-core';

/** At most this many runs (the newest) are searched when a query or a sort needs them all. */
export const MAX_SEARCHED_RUNS = 10_000;

export interface SearchRunsInput {
  experimentId?: string;
  query: string;
  sort: string;
  descending: boolean;
  offset: number;
  pageSize: number;
}

export interface EvaluationValue {
  value: number;
  unit: string;
  estimator: string;
}

export interface RunSearchHit {
  run: Run;
  experimentName: string;
  datasetName: string;
  /** Last point of each training metric key. */
  metrics: Record<string, number>;
  /** Newest completed evaluation's result per query key (metric, `_bpd` for bits/dim). */
  evaluationResults: Record<string, EvaluationValue>;
}

export interface RunSearchPage {
  hits: RunSearchHit[];
  totalMatched: number;
  total: number;
}

/** The name a result goes by in queries: the metric, with `_bpd` for its bits/dim twin. */
export const evaluationKey = (metric: string, unit: string): string => (unit === 'bits/dim' ? `${metric}_bpd` : metric);

/**
 * SearchRuns: the runs table's filter, sort and page, next to the database. Without a query
 * or sort it is one page query; otherwise the experiment's runs are the candidates, with the
 * final values of just the metrics the query and sort name, aggregated in SQL for all of them
 * at once, and the query is evaluated here with the same language the dashboard parses.
 */
@Injectable()
export class RunSearchService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async search(input: SearchRunsInput): Promise<RunSearchPage> {
    const query = parse('query', () => parseQuery(input.query));
    const sort = input.sort.trim() ? parse('sort', () => parseField(input.sort.trim())) : undefined;
    const filter = { experimentId: input.experimentId };

    if (!query && !sort) {
      const [runs, total] = await Promise.all([this.db.runs.list({ ...filter, limit: input.pageSize, offset: input.offset }), this.db.runs.count(filter)]);
      return { hits: await this.describe(runs), totalMatched: total, total };
    }

    const [candidates, total] = await Promise.all([this.db.runSearch.candidates({ ...filter, max: MAX_SEARCHED_RUNS }), this.db.runs.count(filter)]);
    const records = await this.records(candidates, [...referencedFields(query), ...(sort ? [sort] : [])]);
    let matched = records.filter((record) => matches(query, record));
    if (sort) matched = sortRecords(matched, sort, input.descending ? 'desc' : 'asc');
    const page = matched.slice(input.offset, input.offset + input.pageSize).map((record) => record.run);
    return { hits: await this.describe(page), totalMatched: matched.length, total };
  }

  /** Query records for the candidates, with only the metrics (and names) the fields need. */
  private async records(runs: readonly Run[], fields: readonly Field[]): Promise<(RunRecord & { run: Run })[]> {
    const ids = runs.map((run) => run.id);
    const metricKeys = [...new Set(fields.flatMap((field) => (field.scope === 'metrics' ? [field.key] : [])))];
    const attributes = new Set(fields.flatMap((field) => (field.scope === 'attribute' ? [field.name] : [])));
    const [trained, evaluated, experiments, datasets] = await Promise.all([
      metricKeys.length > 0 ? this.db.runSearch.finalMetrics(ids, metricKeys) : new Map<string, Record<string, number>>(),
      metricKeys.length > 0 ? this.db.runSearch.latestEvaluationResults(ids) : new Map<string, LatestEvaluationResult[]>(),
      attributes.has('experiment') ? this.db.runSearch.experimentNames(runs.map((r) => r.experimentId)) : new Map<string, string>(),
      attributes.has('dataset') ? this.db.runSearch.datasetNames(runs.map((r) => r.datasetId)) : new Map<string, string>(),
    ]);
    return runs.map((run) => ({
      run,
      attributes: attributesOf(run, experiments.get(run.experimentId), datasets.get(run.datasetId)),
      params: run.config,
      metrics: { ...trained.get(run.id), ...valuesOf(evaluationValues(evaluated.get(run.id))) },
      tags: run.tags,
    }));
  }

  /** A page of runs with all their final metrics, evaluation results and names. */
  private async describe(runs: readonly Run[]): Promise<RunSearchHit[]> {
    const ids = runs.map((run) => run.id);
    const [trained, evaluated, experiments, datasets] = await Promise.all([
      this.db.runSearch.finalMetrics(ids),
      this.db.runSearch.latestEvaluationResults(ids),
      this.db.runSearch.experimentNames(runs.map((r) => r.experimentId)),
      this.db.runSearch.datasetNames(runs.map((r) => r.datasetId)),
    ]);
    return runs.map((run) => ({
      run,
      experimentName: experiments.get(run.experimentId) ?? run.experimentId,
      datasetName: datasets.get(run.datasetId) ?? run.datasetId,
      metrics: trained.get(run.id) ?? {},
      evaluationResults: evaluationValues(evaluated.get(run.id)),
    }));
  }
}

function parse<T>(field: 'query' | 'sort', read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    throw invalidArgument(`${field}: ${error.message}`, { field, position: error.position, length: error.length });
  }
}

function evaluationValues(results: readonly LatestEvaluationResult[] = []): Record<string, EvaluationValue> {
  const values: Record<string, EvaluationValue> = {};
  for (const result of results) {
    const key = evaluationKey(result.metric, result.unit);
    if (!(key in values)) values[key] = { value: result.value, unit: result.unit, estimator: result.estimator };
  }
  return values;
}

const valuesOf = (results: Record<string, EvaluationValue>): Record<string, number> =>
  Object.fromEntries(Object.entries(results).map(([key, result]) => [key, result.value]));

function attributesOf(run: Run, experimentName = run.experimentId, datasetName = run.datasetId): RunRecord['attributes'] {
  return {
    id: run.id,
    family: run.family,
    status: run.status,
    seed: run.seed,
    steps: run.stepsDone,
    experiment: experimentName,
    dataset: datasetName,
  };
}
