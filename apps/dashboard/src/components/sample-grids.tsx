import { fromTimestamp, type trainingV1 } from '@genlab/contracts';
import { formatCount } from '@/lib/format';
import { gridStep } from '@/lib/sample-steps';
import { Time } from './time';

const SHOWN = 6;

/** The run's `sample-grid` artifacts, the newest few first. */
export function SampleGrids({ artifacts }: { artifacts: trainingV1.Artifact[] }) {
  if (artifacts.length === 0) return <p className="empty">No sample grids yet: one is drawn when the run saves a checkpoint.</p>;
  const newestFirst = [...artifacts].sort(
    (a, b) => (fromTimestamp(b.createTime)?.getTime() ?? 0) - (fromTimestamp(a.createTime)?.getTime() ?? 0),
  );
  const older = newestFirst.length - SHOWN;
  return (
    <div className="sample-grids">
      {newestFirst.slice(0, SHOWN).map((artifact) => {
        const step = gridStep(artifact.metaJson);
        return (
          <figure key={artifact.id}>
            <img
              src={`/api/artifacts/${encodeURIComponent(artifact.id)}`}
              alt={`Samples${step === undefined ? '' : ` at step ${step}`}`}
              data-testid="sample-grid"
              loading="lazy"
            />
            <figcaption>
              {step === undefined ? 'Samples' : `Step ${formatCount(step)}`} ·{' '}
              <Time date={fromTimestamp(artifact.createTime)} />
            </figcaption>
          </figure>
        );
      })}
      {older > 0 && <p className="muted">{older} older sample grids not shown.</p>}
    </div>
  );
}
