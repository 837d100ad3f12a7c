import { datasetsV1, evaluationV1, fromTimestamp, trainingV1, type Timestamp } from '@genlab/contracts';

// Plain, JSON-ready views of the API's messages: what --json prints and what the tables show.
// Enums become lower-case names, timestamps ISO strings, config JSON a parsed object.

const iso = (ts: Timestamp | undefined) => fromTimestamp(ts)?.toISOString();

/** RUN_STATUS_COMPLETED → completed; unknown values → unknown. */
const enumName = (name: string, prefix: string) => (name.startsWith(prefix) ? name.slice(prefix.length).toLowerCase() : 'unknown');

export const runStatusName = (value: trainingV1.RunStatus) => enumName(trainingV1.runStatusToJSON(value), 'RUN_STATUS_');

export function datasetView(d: datasetsV1.Dataset) {
  return {
    id: d.id,
    name: d.name,
    kind: enumName(datasetsV1.datasetKindToJSON(d.kind), 'DATASET_KIND_'),
    shape: d.shape,
    numExamples: d.numExamples,
    trainCount: d.trainCount,
    testCount: d.testCount,
    numClasses: d.numClasses,
    hasLabels: d.hasLabels,
    stats: d.stats ? { mean: d.stats.mean, std: d.stats.std, min: d.stats.min, max: d.stats.max, classCounts: d.stats.classCounts } : undefined,
    createTime: iso(d.createTime),
  };
}

export function experimentView(e: trainingV1.Experiment) {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    runCount: e.runCount,
    runs: Object.fromEntries(e.runStatusCounts.map(({ status, count }) => [runStatusName(status), count])),
    createTime: iso(e.createTime),
    lastActivityTime: iso(e.lastActivityTime),
  };
}

function parseConfig(json: string): unknown {
  try {
    return json ? JSON.parse(json) : {};
  } catch {
    return json;
  }
}

export function runView(r: trainingV1.Run) {
  return {
    id: r.id,
    experimentId: r.experimentId,
    datasetId: r.datasetId,
    family: r.family,
    status: runStatusName(r.status),
    statusReason: r.statusReason,
    error: r.error,
    stepsDone: r.stepsDone,
    totalSteps: r.totalSteps,
    seed: r.seed,
    backend: r.backend,
    worker: r.worker,
    config: parseConfig(r.configJson),
    createTime: iso(r.createTime),
    startTime: iso(r.startTime),
    finishTime: iso(r.finishTime),
    heartbeatTime: iso(r.heartbeatTime),
    tags: r.tags,
    notes: r.notes,
  };
}

const CAPABILITIES = ['sample', 'logProb', 'elbo', 'iwae', 'encode', 'decode', 'conditional'] as const;

export function familyView(f: trainingV1.Family) {
  return {
    name: f.name,
    density: f.density,
    capabilities: CAPABILITIES.filter((c) => f.capabilities?.[c]),
    description: f.description,
    configSchema: parseConfig(f.configSchemaJson),
  };
}

export function metricResultView(m: evaluationV1.MetricResult) {
  return {
    metric: m.metric,
    value: m.value,
    unit: m.unit,
    estimator: m.estimator,
    stdError: m.stdError,
    sampleCount: m.sampleCount,
    ...(m.realValue === undefined ? {} : { realValue: m.realValue, realStdError: m.realStdError }),
    ...(m.features ? { features: m.features } : {}),
  };
}

export function evaluationView(e: evaluationV1.Evaluation) {
  return {
    id: e.id,
    runId: e.runId,
    checkpointId: e.checkpointId,
    status: enumName(evaluationV1.evaluationStatusToJSON(e.status), 'EVALUATION_STATUS_'),
    error: e.error,
    results: e.results.map(metricResultView),
    createTime: iso(e.createTime),
    finishTime: iso(e.finishTime),
  };
}

export function leaderboardView(l: evaluationV1.Leaderboard) {
  return {
    datasetId: l.datasetId,
    rows: l.rows.map((row) => ({
      runId: row.runId,
      family: row.realData ? 'real data' : row.family,
      density: row.density,
      realData: row.realData,
      results: row.results.map(metricResultView),
    })),
  };
}
