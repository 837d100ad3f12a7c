import { fromTimestamp, type trainingV1 } from '@genlab/contracts';
import { formatCount, shortId } from '@/lib/format';
import { Time } from './time';

export function CheckpointsTable({ checkpoints }: { checkpoints: trainingV1.Checkpoint[] }) {
  if (checkpoints.length === 0) return <p className="empty">No checkpoints yet.</p>;
  return (
    <table className="table" data-testid="checkpoints">
      <thead>
        <tr>
          <th className="num">Step</th>
          <th>Checkpoint</th>
          <th>Saved</th>
          <th>Weights</th>
        </tr>
      </thead>
      <tbody>
        {[...checkpoints]
          .sort((a, b) => a.step - b.step)
          .map((checkpoint) => (
            <tr key={checkpoint.id}>
              <td className="num">{formatCount(checkpoint.step)}</td>
              <td>
                <code title={checkpoint.id}>{shortId(checkpoint.id)}</code>
              </td>
              <td>
                <Time date={fromTimestamp(checkpoint.createTime)} />
              </td>
              <td>
                {checkpoint.artifactId ? (
                  <a href={`/api/artifacts/${encodeURIComponent(checkpoint.artifactId)}`}>download</a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
