import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { evaluationV1, fromTimestamp } from '@genlab/contracts';
import { CheckpointsTable } from '@/components/checkpoints-table';
import { EvaluateButton } from '@/components/evaluate-button';
import { EvaluationsTable } from '@/components/evaluations-table';
import { LatentProjectionView } from '@/components/latent-projection-view';
import { RefreshWhile } from '@/components/refresh-while';
import { RunNotesEditor } from '@/components/run-notes-editor';
import { RunTagsEditor } from '@/components/run-tags-editor';
import { LiveLossChart, LiveProgress, LiveStatus, LiveStatusReason, RunLive } from '@/components/run-live';
import { SampleGrids } from '@/components/sample-grids';
import { ServiceDown } from '@/components/service-down';
import { Time } from '@/components/time';
import { formatDuration, prettyJson, shortId } from '@/lib/format';
import type { ProjectionMethod } from '@/lib/latent-projection';
import { firstParam, hrefWith } from '@/lib/search-params';
import { newestLatentProjection } from '@/lib/server/latent-projection-queries';
import {
  datasetNames,
  getExperiment,
  getRun,
  listCheckpoints,
  listEvaluations,
  listSampleGrids,
} from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';
import { runStatusName } from '@/lib/server/run-event-json';
import { ServiceUnavailableError } from '@/lib/server/service-errors';

export async function generateMetadata({ params }: PageProps<'/runs/[id]'>): Promise<Metadata> {
  const { id } = await params;
  return { title: `Run ${shortId(id)}` };
}

/** Evaluations live in another service: if it is down, say so in its section only. */
async function evaluationsOrOutage(runId: string): Promise<evaluationV1.Evaluation[] | ServiceUnavailableError> {
  try {
    return await listEvaluations(runId);
  } catch (error) {
    if (error instanceof ServiceUnavailableError) return error;
    throw error;
  }
}

const isPending = (evaluation: evaluationV1.Evaluation) =>
  evaluation.status === evaluationV1.EvaluationStatus.EVALUATION_STATUS_QUEUED ||
  evaluation.status === evaluationV1.EvaluationStatus.EVALUATION_STATUS_RUNNING;

/** The share of variance PCA's two axes keep, from the evaluation that made the projection. */
function keptFraction(evaluations: evaluationV1.Evaluation[] | ServiceUnavailableError, evaluationId: string): number | undefined {
  if (evaluations instanceof ServiceUnavailableError) return undefined;
  const evaluation = evaluations.find((e) => e.id === evaluationId);
  return evaluation?.results.find((r) => r.metric === 'pca_variance_explained' && r.unit === 'fraction')?.value;
}

export default async function RunPage({ params, searchParams }: PageProps<'/runs/[id]'>) {
  const { id } = await params;
  const method: ProjectionMethod = firstParam((await searchParams).latent) === 'umap' ? 'umap' : 'pca';
  return renderOrExplain(async () => {
    const run = await getRun(id);
    if (!run) notFound();
    const [experiment, checkpoints, sampleGrids, evaluations, datasets, projection] = await Promise.all([
      getExperiment(run.experimentId).catch(() => undefined),
      listCheckpoints(id),
      listSampleGrids(id),
      evaluationsOrOutage(id),
      datasetNames([run.datasetId]),
      newestLatentProjection(id),
    ]);
    const basePath = `/runs/${encodeURIComponent(run.id)}`;
    const created = fromTimestamp(run.createTime);
    const started = fromTimestamp(run.startTime);
    const finished = fromTimestamp(run.finishTime);
    const checkpointSteps = new Map(checkpoints.map((c) => [c.id, c.step]));

    return (
      <RunLive
        runId={run.id}
        initial={{
          status: runStatusName(run.status),
          statusReason: run.statusReason,
          error: run.error,
          stepsDone: run.stepsDone,
          totalSteps: run.totalSteps,
        }}
      >
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/">Experiments</Link>
          <span aria-hidden>›</span>
          <Link href={`/experiments/${encodeURIComponent(run.experimentId)}`}>
            {experiment?.name || `Experiment ${shortId(run.experimentId)}`}
          </Link>
        </nav>
        <header className="page-header">
          <h1>
            Run <code title={run.id}>{shortId(run.id)}</code>
          </h1>
          <LiveStatus />
        </header>
        <LiveStatusReason />
        <p className="muted small"><Link href={`${basePath}/explore`} data-testid="explore-link">Latent explorer</Link>: drag through the latent space with the decoder running in your browser (VAEs)</p>

        <dl className="facts">
          <dt>Progress</dt>
          <dd>
            <LiveProgress />
          </dd>
          <dt>Family</dt>
          <dd>{run.family}</dd>
          <dt>Dataset</dt>
          <dd>
            <Link href={`/datasets/${encodeURIComponent(run.datasetId)}`}>{datasets.get(run.datasetId) ?? shortId(run.datasetId)}</Link>{' '}
            <span className="muted">
              · <Link href={`/datasets/${encodeURIComponent(run.datasetId)}/leaderboard`}>leaderboard</Link>
            </span>
          </dd>
          <dt>Seed</dt>
          <dd>{run.seed}</dd>
          <dt>Tags</dt>
          <dd>
            <RunTagsEditor runId={run.id} tags={run.tags} />
          </dd>
          <dt>Notes</dt>
          <dd>
            <RunNotesEditor runId={run.id} notes={run.notes} />
          </dd>
          <dt>Backend</dt>
          <dd>{run.backend || '—'}</dd>
          <dt>Worker</dt>
          <dd>{run.worker || '—'}</dd>
          <dt>Created</dt>
          <dd>
            <Time date={created} />
          </dd>
          <dt>Started</dt>
          <dd>
            <Time date={started} />
          </dd>
          <dt>Finished</dt>
          <dd>
            <Time date={finished} /> {finished && <span className="muted">({formatDuration(started, finished)})</span>}
          </dd>
          <dt>Last heartbeat</dt>
          <dd>
            <Time date={fromTimestamp(run.heartbeatTime)} relative />
          </dd>
        </dl>

        <section>
          <h2>Loss curve</h2>
          <LiveLossChart />
        </section>

        <section>
          <h2>Samples</h2>
          <SampleGrids artifacts={sampleGrids} />
        </section>

        <section>
          <h2>Evaluations</h2>
          {evaluations instanceof ServiceUnavailableError ? (
            <ServiceDown error={evaluations} compact />
          ) : (
            <>
              <EvaluateButton runId={run.id} canEvaluate={checkpoints.length > 0} />
              <RefreshWhile active={evaluations.some(isPending)} />
              <EvaluationsTable evaluations={evaluations} checkpointSteps={checkpointSteps} />
            </>
          )}
        </section>

        {projection && (
          <section id="latent-space">
            <h2>Latent space</h2>
            <LatentProjectionView
              found={projection}
              method={method}
              hrefs={{ pca: basePath, umap: hrefWith(basePath, { latent: 'umap' }) }}
              keptFraction={keptFraction(evaluations, projection.meta.evaluationId)}
              checkpointStep={checkpointSteps.get(projection.meta.checkpointId)}
            />
          </section>
        )}

        <section>
          <h2>Checkpoints</h2>
          <CheckpointsTable checkpoints={checkpoints} />
        </section>

        <section>
          <h2>Config</h2>
          <pre className="config">{prettyJson(run.configJson)}</pre>
        </section>
      </RunLive>
    );
  });
}
