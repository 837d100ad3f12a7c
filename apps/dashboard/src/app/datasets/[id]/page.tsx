import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { fromTimestamp, type datasetsV1 } from '@genlab/contracts';
import { ClassBars } from '@/components/class-bars';
import { ScatterPlot, type ScatterPoint } from '@/components/scatter-plot';
import { Time } from '@/components/time';
import { formatCount, formatShape, shortId } from '@/lib/format';
import { firstParam, hrefWith } from '@/lib/search-params';
import { datasetKindName, getDataset, getPreview } from '@/lib/server/dataset-queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export async function generateMetadata({ params }: PageProps<'/datasets/[id]'>): Promise<Metadata> {
  const { id } = await params;
  const dataset = await getDataset(id).catch(() => undefined);
  return { title: dataset?.name || `Dataset ${shortId(id)}` };
}

const PREVIEW_COUNT = 64;
const SCATTER_COUNT = 256; // the most GetPreview returns per call

const is2d = (dataset: datasetsV1.Dataset) => dataset.shape.length === 1 && dataset.shape[0] === 2;

/** Up to 256 points of each split, the training split filled and the test split hollow. */
async function scatterPoints(dataset: datasetsV1.Dataset): Promise<ScatterPoint[]> {
  const splits = [
    { split: 'train' as const, count: Math.min(SCATTER_COUNT, dataset.trainCount) },
    { split: 'test' as const, count: Math.min(SCATTER_COUNT, dataset.testCount) },
  ].filter((s) => s.count > 0);
  const previews = await Promise.all(splits.map((s) => getPreview(dataset.id, s.split, s.count, false)));
  return previews.flatMap((preview, p) =>
    Array.from({ length: preview.count }, (_, i) => ({
      x: preview.values[2 * i] as number,
      y: preview.values[2 * i + 1] as number,
      label: dataset.hasLabels ? preview.labels[i] : undefined,
      hollow: splits[p]?.split === 'test',
    })),
  );
}

export default async function DatasetPage({ params, searchParams }: PageProps<'/datasets/[id]'>) {
  const { id } = await params;
  const split = firstParam((await searchParams).split) === 'test' ? 'test' : 'train';
  return renderOrExplain(async () => {
    const dataset = await getDataset(id);
    if (!dataset) notFound();
    const basePath = `/datasets/${encodeURIComponent(id)}`;
    const stats = dataset.stats;
    const points = is2d(dataset) ? await scatterPoints(dataset) : undefined;
    const splitCount = split === 'test' ? dataset.testCount : dataset.trainCount;
    const dims = dataset.shape.reduce((a, b) => a * b, 1);

    return (
      <>
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/datasets">Datasets</Link>
        </nav>
        <header className="page-header">
          <h1>{dataset.name || shortId(id)}</h1>
          <Link href={`${basePath}/leaderboard`} className="button-link">
            Leaderboard
          </Link>
          <Link href={hrefWith('/runs/new', { dataset: id })} className="button-link">
            Train a run on it
          </Link>
        </header>

        <dl className="facts" data-testid="dataset-facts">
          <dt>Kind</dt>
          <dd>{datasetKindName(dataset.kind)}</dd>
          <dt>Example shape</dt>
          <dd>
            {formatShape(dataset.shape)} <span className="muted">({formatCount(dims)} values per example)</span>
          </dd>
          <dt>Examples</dt>
          <dd>
            {formatCount(dataset.numExamples)} · {formatCount(dataset.trainCount)} train, {formatCount(dataset.testCount)} test
          </dd>
          <dt>Labels</dt>
          <dd>{dataset.hasLabels ? `${formatCount(dataset.numClasses)} classes` : 'unlabelled'}</dd>
          {stats && (
            <>
              <dt>Values</dt>
              <dd data-testid="dataset-stats">
                mean {Number(stats.mean.toPrecision(4))} · std {Number(stats.std.toPrecision(4))} · range [{Number(stats.min.toPrecision(4))},{' '}
                {Number(stats.max.toPrecision(4))}]
              </dd>
            </>
          )}
          <dt>Created</dt>
          <dd>
            <Time date={fromTimestamp(dataset.createTime)} />
          </dd>
          <dt>Id</dt>
          <dd>
            <code>{dataset.id}</code>
          </dd>
        </dl>

        {stats && stats.classCounts.length > 0 && (
          <section>
            <h2>Examples per class</h2>
            <ClassBars counts={stats.classCounts} />
          </section>
        )}

        <section>
          <h2>Preview</h2>
          {points ? (
            <figure className="scatter-figure">
              <ScatterPlot points={points} label={`${dataset.name}: ${points.length} points`} />
              <figcaption className="muted small">
                The first {formatCount(points.filter((p) => !p.hollow).length)} training points (filled) and{' '}
                {formatCount(points.filter((p) => p.hollow).length)} test points (hollow)
                {dataset.hasLabels ? ', coloured by class' : ''}.
              </figcaption>
            </figure>
          ) : splitCount === 0 ? (
            <p className="empty">The {split} split is empty.</p>
          ) : (
            <>
              <div className="toolbar">
                <nav className="segmented" aria-label="Split">
                  <Link href={basePath} aria-current={split === 'train' ? 'true' : undefined}>
                    train
                  </Link>
                  <Link href={hrefWith(basePath, { split: 'test' })} aria-current={split === 'test' ? 'true' : undefined}>
                    test
                  </Link>
                </nav>
                <span className="muted">
                  the first {Math.min(PREVIEW_COUNT, splitCount)} examples of the {split} split
                </span>
              </div>
              <div className="sample-grids">
                <figure>
                  <img
                    src={hrefWith(`/api/datasets/${encodeURIComponent(id)}/preview`, { split, count: PREVIEW_COUNT })}
                    alt={`The first ${PREVIEW_COUNT} ${split} examples of ${dataset.name}`}
                    data-testid="dataset-preview"
                    className="preview-grid"
                  />
                </figure>
              </div>
            </>
          )}
        </section>
      </>
    );
  });
}
