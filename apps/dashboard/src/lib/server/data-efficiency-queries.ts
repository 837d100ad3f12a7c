import 'server-only';
import { evaluationV1, fromTimestamp } from '@genlab/contracts';
import { dataEfficiency, labelledExamplesOf, type DataEfficiency, type RunWithEvaluations } from '../data-efficiency';
import { listEvaluations } from './queries';
import { allRuns, mapLimit } from './runs-table';

const CONCURRENCY = 8;

/**
 * The experiment's accuracy-vs-labels chart: every run of the experiment (ListRuns), and for
 * the runs whose config has `labelledExamples` their evaluations (ListEvaluations per run).
 * Undefined when no such run has a completed evaluation with the generative classifier.
 */
export async function loadDataEfficiency(experimentId: string): Promise<DataEfficiency | undefined> {
  const { runs } = await allRuns(experimentId);
  const labelled = runs.flatMap((run) => {
    const labelledExamples = labelledExamplesOf(run.configJson);
    return labelledExamples === undefined ? [] : [{ run, labelledExamples }];
  });
  if (labelled.length === 0) return undefined;
  const inputs = await mapLimit(labelled, CONCURRENCY, async ({ run, labelledExamples }): Promise<RunWithEvaluations> => {
    const evaluations = await listEvaluations(run.id);
    return {
      runId: run.id,
      family: run.family,
      seed: run.seed,
      labelledExamples,
      evaluations: evaluations.map((e) => ({
        completed: e.status === evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED,
        createdAt: fromTimestamp(e.createTime)?.getTime() ?? 0,
        results: e.results,
      })),
    };
  });
  return dataEfficiency(inputs);
}
