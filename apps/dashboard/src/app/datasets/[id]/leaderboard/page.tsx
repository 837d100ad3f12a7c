import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LeaderboardTable } from '@/components/leaderboard-table';
import { formatCount, shortId } from '@/lib/format';
import { leaderboardView, type LikelihoodUnit } from '@/lib/leaderboard-table';
import { firstParam, hrefWith } from '@/lib/search-params';
import { getDataset, getLeaderboard } from '@/lib/server/dataset-queries';
import { experimentNames } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export async function generateMetadata({ params }: PageProps<'/datasets/[id]/leaderboard'>): Promise<Metadata> {
  const { id } = await params;
  const dataset = await getDataset(id).catch(() => undefined);
  return { title: `Leaderboard · ${dataset?.name || shortId(id)}` };
}

export default async function LeaderboardPage({ params, searchParams }: PageProps<'/datasets/[id]/leaderboard'>) {
  const { id } = await params;
  const search = await searchParams;
  const unit: LikelihoodUnit = firstParam(search.unit) === 'bits' ? 'bits/dim' : 'nats';
  const sort = firstParam(search.sort);
  const dir = firstParam(search.dir);
  const direction = dir === 'asc' || dir === 'desc' ? dir : undefined;
  const basePath = `/datasets/${encodeURIComponent(id)}/leaderboard`;
  const unitParam = unit === 'bits/dim' ? 'bits' : undefined;

  return renderOrExplain(async () => {
    const dataset = await getDataset(id);
    if (!dataset) notFound();
    const board = await getLeaderboard(id);
    const view = leaderboardView(board.rows, { unit, sort, direction });
    const names = await experimentNames(view.lines.map((l) => l.experimentId));
    const families = new Set(view.lines.map((l) => l.family));

    return (
      <>
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/datasets">Datasets</Link>
          <span aria-hidden>›</span>
          <Link href={`/datasets/${encodeURIComponent(id)}`}>{dataset.name || shortId(id)}</Link>
        </nav>
        <h1>Leaderboard · {dataset.name || shortId(id)}</h1>
        {view.lines.length === 0 ? (
          <div className="empty" data-testid="leaderboard-empty">
            <p>No run on this dataset has a completed evaluation yet, so there is nothing to rank.</p>
            <p>
              To get rows: <Link href={hrefWith('/runs/new', { dataset: id })}>train a run on {dataset.name || 'this dataset'}</Link>, then
              evaluate it with the <strong>Evaluate</strong> button on its run page (or{' '}
              <code>npm run genlab -- evaluate RUN_ID</code>). Explicit families report likelihoods; implicit ones (GANs) sample
              metrics, each beside its real-data floor.
            </p>
          </div>
        ) : (
          <>
            <p className="muted">
              {formatCount(view.lines.length)} runs from {formatCount(families.size)} families. Each run shows the best value of each metric over
              its evaluations; only values with the same estimator, unit and features share a column. Click a column to sort.
            </p>
            <div className="toolbar">
              <span className="muted">Likelihoods in</span>
              <nav className="segmented" aria-label="Likelihood unit">
                <Link href={hrefWith(basePath, { sort, dir })} aria-current={unit === 'nats' ? 'true' : undefined}>
                  nats
                </Link>
                <Link href={hrefWith(basePath, { sort, dir, unit: 'bits' })} aria-current={unit === 'bits/dim' ? 'true' : undefined}>
                  bits/dim
                </Link>
              </nav>
            </div>
            <LeaderboardTable
              view={view}
              experimentNames={names}
              sortHref={(key, next) => hrefWith(basePath, { sort: key, dir: next, unit: unitParam })}
            />
          </>
        )}
      </>
    );
  });
}
