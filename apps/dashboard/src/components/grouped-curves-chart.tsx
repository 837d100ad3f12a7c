import { thin } from '@/lib/chart-scale';
import type { GroupPoint } from '@/lib/compare-groups';
import { EmptyStepChart, STEP_CHART, StepAxes, stepScales } from './step-chart';

export interface GroupSeries {
  key: string;
  label: string;
  color: string;
  runs: number;
  /** Sorted by step; from `aggregateCurves`. */
  points: GroupPoint[];
}

const linePath = (points: ReadonlyArray<readonly [number, number]>) => points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`).join('');

/**
 * Each group of runs as its mean curve over training steps, with a shaded band from mean − std
 * to mean + std where the group has two or more runs. Test ids: the SVG is `grouped-chart`;
 * each mean a `<path data-key data-runs data-points>` and each band a `std-band` path; each
 * group's `<g>` carries its last step's `data-final-mean` and `data-final-std`.
 */
export function GroupedCurvesChart({ series, log = false, emptyMessage }: { series: GroupSeries[]; log?: boolean; emptyMessage: string }) {
  const drawn = series
    .map((s) => ({ ...s, points: thin(log ? s.points.filter((p) => p.mean > 0) : s.points, STEP_CHART.maxPointsPerLine) }))
    .filter((s) => s.points.length > 0);
  if (drawn.length === 0) return <EmptyStepChart label="Grouped curves: no data" testId="grouped-chart" message={emptyMessage} />;

  const all = drawn.flatMap((s) => s.points);
  const { x, y, y0 } = stepScales(
    all.map((p) => p.step),
    all.flatMap((p) => [p.mean - (p.std ?? 0), p.mean, p.mean + (p.std ?? 0)]),
    log,
  );
  // A band reaching below zero is cut at the bottom of a log axis.
  const yOf = (v: number) => y(log ? Math.max(v, y0) : v);

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${STEP_CHART.width} ${STEP_CHART.height}`}
      role="img"
      aria-label={`Mean ± std by step: ${drawn.map((s) => s.label).join(', ')}`}
      data-testid="grouped-chart"
    >
      <StepAxes x={x} y={y} yLabel={log ? 'mean ± std (log scale)' : 'mean ± std'} />
      <g className="chart-bands">
        {drawn.map((s) => {
          const banded = s.points.filter((p) => p.std !== undefined);
          if (banded.length === 0) return null;
          const upper = banded.map((p) => [x(p.step), yOf(p.mean + (p.std as number))] as const);
          const lower = banded.map((p) => [x(p.step), yOf(p.mean - (p.std as number))] as const).reverse();
          return (
            <path key={s.key} d={`${linePath([...upper, ...lower])}Z`} fill={s.color} data-testid="std-band" data-key={s.key}>
              <title>{`${s.label}: ±1 std over ${s.runs} runs`}</title>
            </path>
          );
        })}
      </g>
      <g className="chart-lines">
        {drawn.map((s) => {
          const last = s.points[s.points.length - 1] as GroupPoint;
          return (
            <g key={s.key} data-testid="group-curve" data-final-mean={last.mean} data-final-std={last.std ?? ''} data-final-step={last.step}>
              <path d={linePath(s.points.map((p) => [x(p.step), yOf(p.mean)] as const))} stroke={s.color} data-key={s.key} data-runs={s.runs} data-points={s.points.length}>
                <title>{`${s.label} (${s.runs} ${s.runs === 1 ? 'run' : 'runs'})`}</title>
              </path>
              {s.points.length === 1 && <circle cx={x(last.step)} cy={yOf(last.mean)} r={3} fill={s.color} />}
            </g>
          );
        })}
      </g>
    </svg>
  );
}
