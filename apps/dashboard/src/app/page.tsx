import Link from 'next/link';
import { fromTimestamp } from '@genlab/contracts';
import { NewExperimentForm } from '@/components/new-experiment-form';
import { Pager, pageFromSearch } from '@/components/pager';
import { StatusSummary } from '@/components/status-summary';
import { Time } from '@/components/time';
import { formatCount } from '@/lib/format';
import { PAGE_SIZE, listExperiments } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export default async function ExperimentsPage({ searchParams }: PageProps<'/'>) {
  const page = pageFromSearch((await searchParams).page);
  return renderOrExplain(async () => {
    const { items, total } = await listExperiments(page);
    return (
      <>
        <h1>Experiments</h1>
        <NewExperimentForm />
        {total === 0 ? (
          <div className="empty" data-testid="experiments-empty">
            <p>No experiments yet.</p>
            <p>
              Create one above, then start runs in it. <code>npm start</code> from the repository root seeds a demo
              experiment with a training run; through the gRPC API it is <code>TrainingService.CreateExperiment</code>, then{' '}
              <code>TrainingService.StartRun</code>.
            </p>
          </div>
        ) : (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="num">Runs</th>
                  <th>Status</th>
                  <th>Last activity</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((experiment) => (
                  <tr key={experiment.id} data-testid="experiment-row">
                    <td>
                      <Link href={`/experiments/${encodeURIComponent(experiment.id)}`}>{experiment.name || experiment.id}</Link>
                      {experiment.description && <div className="muted small">{experiment.description}</div>}
                    </td>
                    <td className="num">{formatCount(experiment.runCount)}</td>
                    <td>
                      <StatusSummary counts={experiment.runStatusCounts} />
                    </td>
                    <td>
                      <Time date={fromTimestamp(experiment.lastActivityTime)} relative />
                    </td>
                    <td>
                      <Time date={fromTimestamp(experiment.createTime)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager basePath="/" page={page} pageSize={PAGE_SIZE} total={total} shown={items.length} />
          </>
        )}
      </>
    );
  });
}
