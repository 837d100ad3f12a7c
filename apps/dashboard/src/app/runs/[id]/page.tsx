import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { evaluationV1, fromTimestamp } from '@genlab/contracts';
import { CheckpointsTable } from '@/components/checkpoints-table';
import { EvaluateButton } from '@/components/evaluate-button';
import { EvaluationsTable } from '@/components/evaluations-table';
import { RefreshWhile } from '@/components/refresh-while';
import { LiveLossChart, LiveProgress, LiveStatus, LiveStatusReason, RunLive } from '@/components/run-live';
import { SampleGrids } from '@/components/sample-grids';
import { ServiceDown } from '@/components/service-down';
import { Time } from '@/components/time';
import { formatDuration, prettyJson, shortId } from '@/lib/format';
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

export default async function RunPage({ params }: PageProps<'/runs/[id]'>) {
  const { id } = await params;
  return renderOrExplain(async () => {
    const run = await getRun(id);
    if (!run) notFound();
    const [experiment, checkpoints, sampleGrids, evaluations, datasets] = await Promise.all([
      getExperiment(run.experimentId).catch(() => undefined),
      listCheckpoints(id),
      listSampleGrids(id),
      evaluationsOrOutage(id),
      datasetNames([run.datasetId]),
    ]);
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
