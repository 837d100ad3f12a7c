import { formatTick, niceTicks } from '@/lib/chart-scale';

/**
 * What the charts of metric values against training step share: their geometry, scales
 * (linear, or log with ticks at decades), the empty state, and the grid and axes.
 */
export const STEP_CHART = { width: 760, height: 320, margin: { top: 12, right: 20, bottom: 44, left: 64 }, maxPointsPerLine: 1500 } as const;

const left = STEP_CHART.margin.left;
const right = STEP_CHART.width - STEP_CHART.margin.right;
const top = STEP_CHART.margin.top;
const bottom = STEP_CHART.height - STEP_CHART.margin.bottom;

export interface Scale {
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

function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * The x scale over `steps` and the y scale over `values` (positive ones on a log scale), with
 * a little room above and below: 5 % of the range on a linear scale, a factor 1.1 on a log one.
 */
export function stepScales(steps: readonly number[], values: readonly number[], log: boolean): { x: Scale; y: Scale; y0: number } {
  const [x0, x1] = extent(steps);
  let [y0, y1] = extent(log ? values.filter((v) => v > 0) : values);
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
  return { x, y, y0 };
}

/** A framed chart area saying why there is nothing to draw. */
export function EmptyStepChart({ label, testId, message }: { label: string; testId: string; message: string }) {
  return (
    <svg className="chart" viewBox={`0 0 ${STEP_CHART.width} ${STEP_CHART.height}`} role="img" aria-label={label} data-testid={testId}>
      <rect x={left} y={top} width={right - left} height={bottom - top} className="chart-frame" />
      <text x={(left + right) / 2} y={(top + bottom) / 2} textAnchor="middle" className="chart-empty">
        {message}
      </text>
    </svg>
  );
}

/** Grid lines at the ticks, both axes with tick labels, 'step' below and `yLabel` beside. */
export function StepAxes({ x, y, yLabel }: { x: Scale; y: Scale; yLabel: string }) {
  return (
    <>
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
        <text className="chart-label" x={(left + right) / 2} y={STEP_CHART.height - 6} textAnchor="middle">
          step
        </text>
        <text className="chart-label" x={-(top + bottom) / 2} y={14} transform="rotate(-90)" textAnchor="middle">
          {yLabel}
        </text>
      </g>
    </>
  );
}
