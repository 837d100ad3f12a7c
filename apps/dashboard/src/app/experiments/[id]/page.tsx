import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { fromTimestamp } from '@genlab/contracts';
import { Pager, pageFromSearch } from '@/components/pager';
import { StatusBadge } from '@/components/status-badge';
import { Time } from '@/components/time';
import { formatCount, shortId } from '@/lib/format';
import { PAGE_SIZE, datasetNames, getExperiment, listRuns } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';
import { runStatusName } from '@/lib/server/run-event-json';

export async function generateMetadata({ params }: PageProps<'/experiments/[id]'>): Promise<Metadata> {
  const { id } = await params;
  const experiment = await getExperiment(id).catch(() => undefined);
  return { title: experiment?.name || `Experiment ${shortId(id)}` };
}

export default async function ExperimentPage({ params, searchParams }: PageProps<'/experiments/[id]'>) {
  const { id } = await params;
  const page = pageFromSearch((await searchParams).page);
  return renderOrExplain(async () => {
    const experiment = await getExperiment(id);
    if (!experiment) notFound();
    const runs = await listRuns(id, page);
    const datasets = await datasetNames(runs.items.map((run) => run.datasetId));
    const basePath = `/experiments/${encodeURIComponent(id)}`;
    return (
      <>
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/">Experiments</Link>
        </nav>
        <h1>{experiment.name || experiment.id}</h1>
        {experiment.description && <p className="lead">{experiment.description}</p>}
        <p className="muted">
          {formatCount(experiment.runCount)} runs · created <Time date={fromTimestamp(experiment.createTime)} /> · last
          activity <Time date={fromTimestamp(experiment.lastActivityTime)} relative /> ·{' '}
          <Link href={`/runs?experiment=${encodeURIComponent(id)}`}>filter, sort, compare and export in the runs table</Link> ·{' '}
          <Link href={`/runs/new?experiment=${encodeURIComponent(id)}`}>new run</Link>
        </p>
        {runs.total === 0 ? (
          <p className="empty" data-testid="runs-empty">
            No runs in this experiment yet. <Link href={`/runs/new?experiment=${encodeURIComponent(id)}`}>Start one</Link> (or call{' '}
            <code>TrainingService.StartRun</code>).
          </p>
        ) : (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Family</th>
                  <th>Dataset</th>
                  <th className="num">Seed</th>
                  <th>Status</th>
                  <th className="num">Steps</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {runs.items.map((run) => (
                  <tr key={run.id} data-testid="run-row">
                    <td>
                      <Link href={`/runs/${encodeURIComponent(run.id)}`}>
                        <code title={run.id}>{shortId(run.id)}</code>
                      </Link>
                    </td>
                    <td>{run.family}</td>
                    <td title={run.datasetId}>{datasets.get(run.datasetId) ?? <code>{shortId(run.datasetId)}</code>}</td>
                    <td className="num">{run.seed}</td>
                    <td>
                      <StatusBadge status={runStatusName(run.status)} />
                    </td>
                    <td className="num">
                      {formatCount(run.stepsDone)} / {formatCount(run.totalSteps)}
                    </td>
                    <td>
                      <Time date={fromTimestamp(run.createTime)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager basePath={basePath} page={page} pageSize={PAGE_SIZE} total={runs.total} shown={runs.items.length} />
          </>
        )}
      </>
    );
  });
}
