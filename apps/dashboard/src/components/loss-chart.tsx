import { formatTick, niceTicks, thin } from '@/lib/chart-scale';

export interface ChartSeries {
  key: string;
  color: string;
  /** [step, value] sorted by step, finite values only. */
  points: ReadonlyArray<readonly [number, number]>;
}

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 12, right: 20, bottom: 44, left: 64 };
const MAX_POINTS_PER_LINE = 1500;

interface Scale {
  (value: number): number;
  ticks: number[];
}

function linearScale(min: number, max: number, from: number, to: number, tickCount: number): Scale {
  const span = max - min || 1;
  const scale = ((v: number) => from + ((v - min) / span) * (to - from)) as Scale;
  scale.ticks = niceTicks(min, max, tickCount).filter((t) => t >= min && t <= max);
  return scale;
}

function logScale(min: number, max: number, from: number, to: number): Scale {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  const inner = linearScale(lo, hi, from, to, 5);
  const scale = ((v: number) => inner(Math.log10(v))) as Scale;
  const decades = niceTicks(Math.ceil(lo), Math.floor(hi), 5).filter((e) => Number.isInteger(e));
  scale.ticks = decades.length >= 2 ? decades.map((e) => 10 ** e) : inner.ticks.map((e) => 10 ** e);
  return scale;
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
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
    .map((s) => ({ ...s, points: thin(log ? s.points.filter(([, v]) => v > 0) : s.points, MAX_POINTS_PER_LINE) }))
    .filter((s) => s.points.length > 0);
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;

  if (drawn.length === 0) {
    return (
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Loss curve: no data" data-testid="loss-chart">
        <rect x={left} y={top} width={right - left} height={bottom - top} className="chart-frame" />
        <text x={(left + right) / 2} y={(top + bottom) / 2} textAnchor="middle" className="chart-empty">
          {emptyMessage}
        </text>
      </svg>
    );
  }

  const [x0, x1] = extent(drawn.flatMap((s) => s.points.map(([step]) => step)));
  let [y0, y1] = extent(drawn.flatMap((s) => s.points.map(([, v]) => v)));
  if (log) {
    y0 /= 1.1;
    y1 *= 1.1;
  } else {
    const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.05 || 1;
    y0 -= pad;
    y1 += pad;
  }
  const x = linearScale(x0, x1 === x0 ? x0 + 1 : x1, left, right, 6);
  const y = log ? logScale(y0, y1, bottom, top) : linearScale(y0, y1, bottom, top, 5);

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Metrics by step: ${drawn.map((s) => s.key).join(', ')}`}
      data-testid="loss-chart"
    >
      <g className="chart-grid">
        {y.ticks.map((t) => (
          <line key={`y${t}`} x1={left} x2={right} y1={y(t)} y2={y(t)} />
        ))}
        {x.ticks.map((t) => (
          <line key={`x${t}`} x1={x(t)} x2={x(t)} y1={top} y2={bottom} />
        ))}
      </g>
      <g className="chart-axis">
        <line x1={left} x2={right} y1={bottom} y2={bottom} />
        <line x1={left} x2={left} y1={top} y2={bottom} />
        {x.ticks.map((t) => (
          <text key={`xl${t}`} x={x(t)} y={bottom + 16} textAnchor="middle">
            {formatTick(t)}
          </text>
        ))}
        {y.ticks.map((t) => (
          <text key={`yl${t}`} x={left - 8} y={y(t) + 4} textAnchor="end">
            {formatTick(t)}
          </text>
        ))}
        <text className="chart-label" x={(left + right) / 2} y={HEIGHT - 6} textAnchor="middle">
          step
        </text>
        <text
          className="chart-label"
          x={-(top + bottom) / 2}
          y={14}
          transform="rotate(-90)"
          textAnchor="middle"
        >
          {log ? 'value (log scale)' : 'value'}
        </text>
      </g>
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
