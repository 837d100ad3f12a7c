import { thin } from '@/lib/chart-scale';
import { EmptyStepChart, STEP_CHART, StepAxes, stepScales } from './step-chart';

export interface ChartSeries {
  key: string;
  color: string;
  /** [step, value] sorted by step, finite values only. */
  points: ReadonlyArray<readonly [number, number]>;
}

/**
 * A line chart of metric values against training step, one path per series. Each path
 * carries `data-key` and `data-points` (the number of points drawn after thinning).
 */
export function LossChart({ series, log = false, emptyMessage = 'No metrics yet' }: {
  series: ChartSeries[];
  log?: boolean;
  emptyMessage?: string;
}) {
  const drawn = series
    .map((s) => ({ ...s, points: thin(log ? s.points.filter(([, v]) => v > 0) : s.points, STEP_CHART.maxPointsPerLine) }))
    .filter((s) => s.points.length > 0);
  if (drawn.length === 0) return <EmptyStepChart label="Loss curve: no data" testId="loss-chart" message={emptyMessage} />;

  const points = drawn.flatMap((s) => s.points);
  const { x, y } = stepScales(
    points.map(([step]) => step),
    points.map(([, v]) => v),
    log,
  );

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${STEP_CHART.width} ${STEP_CHART.height}`}
      role="img"
      aria-label={`Metrics by step: ${drawn.map((s) => s.key).join(', ')}`}
      data-testid="loss-chart"
    >
      <StepAxes x={x} y={y} yLabel={log ? 'value (log scale)' : 'value'} />
      <g className="chart-lines">
        {drawn.map((s) => (
          <g key={s.key}>
            <path
              d={s.points.map(([step, v], i) => `${i ? 'L' : 'M'}${x(step).toFixed(1)} ${y(v).toFixed(1)}`).join('')}
              stroke={s.color}
              data-key={s.key}
              data-points={s.points.length}
            >
              <title>{s.key}</title>
            </path>
            {s.points.length === 1 && <circle cx={x(s.points[0][0])} cy={y(s.points[0][1])} r={3} fill={s.color} />}
          </g>
        ))}
      </g>
    </svg>
  );
}
