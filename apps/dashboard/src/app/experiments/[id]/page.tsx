import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { fromTimestamp } from '@genlab/contracts';
import { DataEfficiencyChart, DataEfficiencyLegend } from '@/components/data-efficiency-chart';
import { Pager, pageFromSearch } from '@/components/pager';
import { ServiceDown } from '@/components/service-down';
import { StatusBadge } from '@/components/status-badge';
import { StatusSummary } from '@/components/status-summary';
import { Time } from '@/components/time';
import type { DataEfficiency } from '@/lib/data-efficiency';
import { formatCount, shortId } from '@/lib/format';
import { loadDataEfficiency } from '@/lib/server/data-efficiency-queries';
import { PAGE_SIZE, datasetNames, getExperiment, listRuns } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';
import { runStatusName } from '@/lib/server/run-event-json';
import { ServiceUnavailableError } from '@/lib/server/service-errors';

export async function generateMetadata({ params }: PageProps<'/experiments/[id]'>): Promise<Metadata> {
  const { id } = await params;
  const experiment = await getExperiment(id).catch(() => undefined);
  return { title: experiment?.name || `Experiment ${shortId(id)}` };
}

/** The chart's data; an unreachable evaluation service is shown in the chart's place only. */
async function dataEfficiencyOrOutage(experimentId: string): Promise<DataEfficiency | ServiceUnavailableError | undefined> {
  try {
    return await loadDataEfficiency(experimentId);
  } catch (error) {
    if (error instanceof ServiceUnavailableError && error.service === 'evaluation') return error;
    throw error;
  }
}

export default async function ExperimentPage({ params, searchParams }: PageProps<'/experiments/[id]'>) {
  const { id } = await params;
  const page = pageFromSearch((await searchParams).page);
  return renderOrExplain(async () => {
    const experiment = await getExperiment(id);
    if (!experiment) notFound();
    const [runs, efficiency] = await Promise.all([listRuns(id, page), dataEfficiencyOrOutage(id)]);
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
          {formatCount(experiment.runCount)} runs {experiment.runCount > 0 && <StatusSummary counts={experiment.runStatusCounts} />} · created <Time date={fromTimestamp(experiment.createTime)} /> · last
          activity <Time date={fromTimestamp(experiment.lastActivityTime)} relative /> ·{' '}
          <Link href={`/runs?experiment=${encodeURIComponent(id)}`}>filter, sort, compare and export in the runs table</Link> ·{' '}
          <Link href={`/runs/new?experiment=${encodeURIComponent(id)}`}>new run</Link> ·{' '}
          <Link href={`${basePath}/data-efficiency`} data-testid="data-efficiency-link">
            generative vs discriminative as labels grow
          </Link>
        </p>
        {efficiency instanceof ServiceUnavailableError ? (
          <ServiceDown error={efficiency} compact />
        ) : (
          efficiency && (
            <section className="chart-panel data-efficiency" data-testid="data-efficiency">
              <h2>Accuracy vs number of labels</h2>
              <p className="muted small">
                Test accuracy of runs trained on a class-balanced labelled subset (<code>labelledExamples</code>): the generative classifier
                (argmax<sub>y</sub> log p(x|y) + log p(y)) beside a discriminative classifier trained on the same labels. Each point is the mean over
                the runs (seeds) with that many labels, ±1 standard deviation across them; each run counts with its newest completed evaluation.
              </p>
              <DataEfficiencyChart chart={efficiency} />
              <DataEfficiencyLegend chart={efficiency} />
            </section>
          )
        )}
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
