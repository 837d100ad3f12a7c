import { evaluationV1, fromTimestamp } from '@genlab/contracts';
import { decimalsFor, formatCount, shortId } from '@/lib/format';
import { estimatorNote } from '@/lib/measurement';
import { Time } from './time';

function statusText(status: evaluationV1.EvaluationStatus): string {
  return evaluationV1.evaluationStatusToJSON(status).replace('EVALUATION_STATUS_', '').toLowerCase();
}

/**
 * Every metric of every evaluation of a run: value ± standard error, unit, estimator and
 * the number of examples, e.g. "neg_elbo 98.1 ± 0.4 nats (elbo, n=2000)".
 */
export function EvaluationsTable({ evaluations, checkpointSteps }: {
  evaluations: evaluationV1.Evaluation[];
  checkpointSteps: ReadonlyMap<string, number>;
}) {
  if (evaluations.length === 0) {
    return (
      <p className="empty" data-testid="evaluations-empty">
        No evaluations yet. Evaluate the latest checkpoint with the button above (or <code>npm run genlab -- evaluate RUN_ID</code>):
        its numbers then also appear on the dataset&apos;s leaderboard.
      </p>
    );
  }
  const checkpoint = (id: string) => {
    const step = checkpointSteps.get(id);
    return step === undefined ? <code>{shortId(id)}</code> : `step ${formatCount(step)}`;
  };
  return (
    <table className="table" data-testid="evaluations">
      <thead>
        <tr>
          <th>Metric</th>
          <th className="num">Value</th>
          <th className="num">± Std. error</th>
          <th>Unit</th>
          <th>Estimator</th>
          <th className="num">Samples</th>
          <th className="num" title="The same metric for real data against real data (training vs test split): the floor to read it against">Real vs real</th>
          <th>Checkpoint</th>
          <th>Evaluated</th>
        </tr>
      </thead>
      <tbody>
        {evaluations.flatMap((evaluation) => {
          const finished = fromTimestamp(evaluation.finishTime) ?? fromTimestamp(evaluation.createTime);
          if (evaluation.status !== evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED && evaluation.results.length === 0) {
            return [
              <tr key={evaluation.id} className="evaluation-pending" data-testid="evaluation-row">
                <td colSpan={7}>
                  <span className={`badge badge-${statusText(evaluation.status)}`}>{statusText(evaluation.status)}</span>{' '}
                  {evaluation.error}
                </td>
                <td>{checkpoint(evaluation.checkpointId)}</td>
                <td>
                  <Time date={finished} />
                </td>
              </tr>,
            ];
          }
          return evaluation.results.map((result, i) => {
            const decimals = decimalsFor(result.stdError, result.value);
            return (
              <tr key={`${evaluation.id}-${i}`} data-testid="evaluation-row" data-metric={result.metric}>
                <td>
                  <code>{result.metric}</code>
                </td>
                <td className="num">{result.value.toFixed(decimals)}</td>
                <td className="num">{result.stdError === undefined ? '—' : `± ${result.stdError.toFixed(decimals)}`}</td>
                <td>{result.unit}</td>
                <td title={estimatorNote(result.estimator)}>{result.estimator}</td>
                <td className="num">{result.sampleCount > 0 ? formatCount(result.sampleCount) : '—'}</td>
                <td className="num" data-testid="real-value" title={result.features ? `features: ${result.features}` : undefined}>
                  {result.realValue === undefined ? '—' : result.realValue.toFixed(decimals)}
                </td>
                <td>{checkpoint(evaluation.checkpointId)}</td>
                <td>
                  <Time date={finished} />
                </td>
              </tr>
            );
          });
        })}
      </tbody>
    </table>
  );
}
