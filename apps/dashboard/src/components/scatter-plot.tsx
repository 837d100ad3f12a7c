import { formatTick, niceTicks } from '@/lib/chart-scale';
import { colorAt } from '@/lib/palette';

export interface ScatterPoint {
  x: number;
  y: number;
  /** Class label (colours the point); undefined for unlabelled data. */
  label?: number;
  /** Drawn hollow (e.g. the test split beside the filled training split). */
  hollow?: boolean;
}

const SIZE = 420;
const MARGIN = 40;

/**
 * 2-D points on equal axes (a circle stays a circle), coloured by class. The SVG carries
 * `data-points` (points drawn); each circle `data-label` when it has a class.
 */
export function ScatterPlot({ points, label, axisTitles = ['x₁', 'x₂'] }: {
  points: readonly ScatterPoint[];
  label: string;
  /** The x and y axis titles. */
  axisTitles?: readonly [string, string];
}) {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = finite.map((p) => p.x);
  const ys = finite.map((p) => p.y);
  const lo = Math.min(...xs, ...ys);
  const hi = Math.max(...xs, ...ys);
  const pad = (hi - lo) * 0.06 || 1;
  const [min, max] = finite.length ? [lo - pad, hi + pad] : [-1, 1];
  const inner = SIZE - 2 * MARGIN;
  const sx = (v: number) => MARGIN + ((v - min) / (max - min)) * inner;
  const sy = (v: number) => SIZE - MARGIN - ((v - min) / (max - min)) * inner;
  const ticks = niceTicks(min, max, 5).filter((t) => t >= min && t <= max);

  return (
    <svg className="chart scatter" viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label={label} data-testid="scatter-plot" data-points={finite.length}>
      <rect x={MARGIN} y={MARGIN} width={inner} height={inner} className="chart-frame" />
      <g className="chart-grid">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={sx(t)} x2={sx(t)} y1={MARGIN} y2={SIZE - MARGIN} />
            <line x1={MARGIN} x2={SIZE - MARGIN} y1={sy(t)} y2={sy(t)} />
          </g>
        ))}
      </g>
      <g className="chart-axis">
        {ticks.map((t) => (
          <g key={t}>
            <text x={sx(t)} y={SIZE - MARGIN + 16} textAnchor="middle">
              {formatTick(t)}
            </text>
            <text x={MARGIN - 6} y={sy(t) + 4} textAnchor="end">
              {formatTick(t)}
            </text>
          </g>
        ))}
        <text className="chart-label" x={SIZE / 2} y={SIZE - 6} textAnchor="middle">
          {axisTitles[0]}
        </text>
        <text className="chart-label" x={-SIZE / 2} y={12} transform="rotate(-90)" textAnchor="middle">
          {axisTitles[1]}
        </text>
      </g>
      <g>
        {finite.map((p, i) => {
          const color = p.label === undefined ? 'var(--accent)' : colorAt(p.label);
          return (
            <circle
              key={i}
              cx={sx(p.x).toFixed(1)}
              cy={sy(p.y).toFixed(1)}
              r={2.6}
              fill={p.hollow ? 'none' : color}
              stroke={color}
              strokeWidth={p.hollow ? 1 : 0}
              fillOpacity={0.75}
              data-label={p.label}
            />
          );
        })}
      </g>
    </svg>
  );
}

/** The class colours of a scatter plot: one item per label (`data-label`), with its count. */
export function ClassLegend({ classes }: { classes: readonly { label: number; count: number }[] }) {
  return (
    <ul className="legend" data-testid="scatter-legend">
      {classes.map(({ label, count }) => (
        <li key={label} data-label={label} title={`${count} points`}>
          <span className="swatch swatch-dot" style={{ background: colorAt(label) }} />
          class {label}
        </li>
      ))}
    </ul>
  );
}
