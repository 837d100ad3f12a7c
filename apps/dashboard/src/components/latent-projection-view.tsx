import Link from 'next/link';
import { formatCount, shortId } from '@/lib/format';
import { axisTitles, labelCounts, projectedPoints, type ProjectionMethod } from '@/lib/latent-projection';
import type { RunLatentProjection } from '@/lib/server/latent-projection-queries';
import { ClassLegend, ScatterPlot } from './scatter-plot';

const METHODS: { method: ProjectionMethod; name: string }[] = [
  { method: 'pca', name: 'PCA' },
  { method: 'umap', name: 'UMAP' },
];

/**
 * A run's latent space: the test split's latent means projected to 2-D (PCA or UMAP, switched
 * by links), coloured by label. `keptFraction` is the evaluation's pca_variance_explained.
 * Test ids: `latent-projection` (`data-method`, `data-count`), `projection-switch`, the
 * `scatter-plot` and its `scatter-legend`.
 */
export function LatentProjectionView({ found, method, hrefs, keptFraction, checkpointStep }: {
  found: RunLatentProjection;
  method: ProjectionMethod;
  hrefs: Record<ProjectionMethod, string>;
  keptFraction?: number;
  checkpointStep?: number;
}) {
  const { projection, meta } = found;
  if (!projection) {
    return (
      <p className="empty" data-testid="latent-projection-problem">
        The latent projection <code>{shortId(found.artifactId)}</code> could not be read: {found.problem}
      </p>
    );
  }
  const name = METHODS.find((m) => m.method === method)?.name ?? method;
  const classes = labelCounts(projection.labels);
  const checkpoint = checkpointStep !== undefined ? `step ${formatCount(checkpointStep)}` : meta.checkpointId ? `checkpoint ${shortId(meta.checkpointId)}` : 'an unknown checkpoint';
  return (
    <figure className="scatter-figure latent-figure" data-testid="latent-projection" data-method={method} data-count={projection.count}>
      <div className="chart-toolbar">
        <nav className="segmented" aria-label="Projection" data-testid="projection-switch">
          {METHODS.map((m) => (
            <Link key={m.method} href={hrefs[m.method]} aria-current={m.method === method ? 'true' : undefined} replace scroll={false}>
              {m.name}
            </Link>
          ))}
        </nav>
      </div>
      <ScatterPlot
        points={projectedPoints(projection, method)}
        label={`Latent means by ${name}: ${projection.count} points`}
        axisTitles={axisTitles(projection, method, keptFraction)}
      />
      {classes.length > 0 && <ClassLegend classes={classes} />}
      <figcaption className="muted small">
        The latent means of {formatCount(projection.count)} test examples ({projection.latentDim}-dimensional latent space) by {name}
        {classes.length > 0 ? ', coloured by class' : ''}; from {checkpoint}
        {meta.seed ? `, seed ${meta.seed}` : ''}.
      </figcaption>
    </figure>
  );
}
