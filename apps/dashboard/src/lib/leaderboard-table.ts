import { betterDirection, metricRank, type Measurement } from './measurement';

/** A row as GetLeaderboard sends it. */
export interface LeaderboardRowInput {
  runId: string;
  family: string;
  density: string;
  experimentId: string;
  realData: boolean;
  results: Measurement[];
}

/** One (metric, estimator, unit, features): only like is compared with like. */
export interface LeaderboardColumn {
  key: string;
  metric: string;
  estimator: string;
  unit: string;
  features: string;
  better: 'lower' | 'higher';
  /** The best and worst model value in the column (for the cell bars), real-data row excluded. */
  best: number;
  worst: number;
}

export interface LeaderboardLine extends Omit<LeaderboardRowInput, 'results'> {
  cells: ReadonlyMap<string, Measurement>;
}

export type LikelihoodUnit = 'nats' | 'bits/dim';

export interface LeaderboardView {
  columns: LeaderboardColumn[];
  /** The real-vs-real floor, when any sample metric has one. */
  floor?: LeaderboardLine;
  /** Model rows in display order. */
  lines: LeaderboardLine[];
  /** The column the lines are sorted by and which way (undefined: the service's order). */
  sort?: { key: string; direction: 'asc' | 'desc' };
}

export const columnKey = (m: Pick<Measurement, 'metric' | 'estimator' | 'unit' | 'features'>): string =>
  [m.metric, m.estimator, m.unit, m.features].join('|');

/**
 * The leaderboard as a table: one column per (metric, estimator, unit, features) seen in any
 * row, likelihoods first; likelihoods in one unit (nats or bits/dim, not both); the
 * real-data row apart; model rows in the service's order or sorted by a column, runs
 * without that column last.
 */
export function leaderboardView(
  rows: readonly LeaderboardRowInput[],
  options: { unit?: LikelihoodUnit; sort?: string; direction?: 'asc' | 'desc' } = {},
): LeaderboardView {
  const hidden: LikelihoodUnit = options.unit === 'bits/dim' ? 'nats' : 'bits/dim';
  const toLine = ({ results, ...row }: LeaderboardRowInput): LeaderboardLine => ({
    ...row,
    cells: new Map(results.filter((r) => r.unit !== hidden).map((r) => [columnKey(r), r])),
  });
  const floorRow = rows.find((r) => r.realData);
  const lines = rows.filter((r) => !r.realData).map(toLine);
  const floor = floorRow ? toLine(floorRow) : undefined;

  const byKey = new Map<string, LeaderboardColumn>();
  for (const line of floor ? [...lines, floor] : lines) {
    for (const [key, m] of line.cells) {
      if (byKey.has(key)) continue;
      const better = betterDirection(m.metric);
      byKey.set(key, { key, metric: m.metric, estimator: m.estimator, unit: m.unit, features: m.features, better, best: NaN, worst: NaN });
    }
  }
  const columns = [...byKey.values()].sort(
    (a, b) => metricRank(a.metric) - metricRank(b.metric) || a.metric.localeCompare(b.metric) || a.key.localeCompare(b.key),
  );
  for (const column of columns) {
    const values = lines.map((l) => l.cells.get(column.key)?.value).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length === 0) continue;
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    [column.best, column.worst] = column.better === 'lower' ? [lo, hi] : [hi, lo];
  }

  const column = options.sort ? byKey.get(options.sort) : undefined;
  if (!column) return { columns, floor, lines };
  const direction = options.direction ?? (column.better === 'lower' ? 'asc' : 'desc');
  const sign = direction === 'asc' ? 1 : -1;
  const value = (line: LeaderboardLine) => line.cells.get(column.key)?.value;
  const sorted = lines
    .map((line, index) => ({ line, index }))
    .sort((a, b) => {
      const [va, vb] = [value(a.line), value(b.line)];
      if (va === undefined || vb === undefined) return va === vb ? a.index - b.index : va === undefined ? 1 : -1;
      return sign * (va - vb) || a.index - b.index;
    })
    .map(({ line }) => line);
  return { columns, floor, lines: sorted, sort: { key: column.key, direction } };
}

/**
 * How good a value is within its column, 0 (worst) to 1 (best), for a bar behind the number;
 * undefined when the column has a single distinct value.
 */
export function quality(column: LeaderboardColumn, value: number): number | undefined {
  if (!Number.isFinite(column.best) || column.best === column.worst || !Number.isFinite(value)) return undefined;
  return Math.min(1, Math.max(0, (value - column.worst) / (column.best - column.worst)));
}
