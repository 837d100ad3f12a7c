/**
 * The evaluation service's `latent_projection` artifact (kind 'latent-projection', JSON): the
 * test split's latent means in 2-D by PCA and by UMAP, with labels when the data has them.
 */

export type ProjectionMethod = 'pca' | 'umap';

export interface LatentProjection {
  count: number;
  latentDim: number;
  /** One per point, or empty for unlabelled data. */
  labels: number[];
  pca: Float64Array;
  /** The variance of the data along each PCA axis (not a fraction). */
  pcaExplainedVariance: [number, number];
  umap: Float64Array;
}

export interface ProjectionMeta {
  evaluationId: string;
  checkpointId: string;
  count: number;
  seed: number;
}

export interface ProjectedPoint {
  x: number;
  y: number;
  label?: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => typeof n === 'number');

/** The artifact's body, checked: throws an Error naming what is wrong. */
export function parseLatentProjection(text: string): LatentProjection {
  const body: unknown = JSON.parse(text);
  if (!isRecord(body)) throw new Error('not a JSON object');
  const { count, latentDim, labels, pca, pcaExplainedVariance, umap } = body;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new Error('count must be a non-negative integer');
  if (typeof latentDim !== 'number') throw new Error('latentDim must be a number');
  if (!isNumberArray(labels) || (labels.length !== 0 && labels.length !== count)) throw new Error(`labels must be empty or hold ${count} numbers`);
  for (const [name, values] of [['pca', pca], ['umap', umap]] as const) {
    if (!isNumberArray(values) || values.length !== 2 * count) throw new Error(`${name} must hold 2 × ${count} numbers`);
  }
  if (!isNumberArray(pcaExplainedVariance) || pcaExplainedVariance.length !== 2) throw new Error('pcaExplainedVariance must hold 2 numbers');
  return {
    count,
    latentDim,
    labels,
    pca: Float64Array.from(pca as number[]),
    pcaExplainedVariance: [pcaExplainedVariance[0] as number, pcaExplainedVariance[1] as number],
    umap: Float64Array.from(umap as number[]),
  };
}

/** The artifact's meta JSON; fields it lacks come back empty. */
export function parseProjectionMeta(metaJson: string): ProjectionMeta {
  let meta: unknown;
  try {
    meta = JSON.parse(metaJson || '{}');
  } catch {
    meta = {};
  }
  const m = isRecord(meta) ? meta : {};
  return {
    evaluationId: typeof m['evaluationId'] === 'string' ? m['evaluationId'] : '',
    checkpointId: typeof m['checkpointId'] === 'string' ? m['checkpointId'] : '',
    count: typeof m['count'] === 'number' ? m['count'] : 0,
    seed: typeof m['seed'] === 'number' ? m['seed'] : 0,
  };
}

/** The points of one projection, labelled when the artifact has labels. */
export function projectedPoints(projection: LatentProjection, method: ProjectionMethod): ProjectedPoint[] {
  const flat = method === 'pca' ? projection.pca : projection.umap;
  const labelled = projection.labels.length === projection.count;
  return Array.from({ length: projection.count }, (_, i) => ({
    x: flat[2 * i] as number,
    y: flat[2 * i + 1] as number,
    ...(labelled && { label: projection.labels[i] }),
  }));
}

/** The distinct labels, ascending, with how many points carry each. */
export function labelCounts(labels: readonly number[]): { label: number; count: number }[] {
  const counts = new Map<number, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([label, count]) => ({ label, count }));
}

/**
 * Axis titles for a projection. PCA axes say the variance each keeps: as a fraction of the
 * latent means' total variance when `keptFraction` (the evaluation's pca_variance_explained:
 * both axes together) is known, else as the variance itself. UMAP axes have no such meaning.
 */
export function axisTitles(projection: LatentProjection, method: ProjectionMethod, keptFraction?: number): [string, string] {
  if (method === 'umap') return ['UMAP 1', 'UMAP 2'];
  const [v1, v2] = projection.pcaExplainedVariance;
  const kept = v1 + v2;
  const usable = keptFraction !== undefined && Number.isFinite(keptFraction) && keptFraction > 0 && kept > 0;
  return projection.pcaExplainedVariance.map((v, i) =>
    usable ? `PC${i + 1} (${formatPercent((v / kept) * keptFraction)} of variance)` : `PC${i + 1} (variance ${Number(v.toPrecision(3))})`,
  ) as [string, string];
}

function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}
