import { formatTick, niceTicks, thin } from '@/lib/chart-scale';
import type { GroupPoint } from '@/lib/compare-groups';

export interface GroupSeries {
  key: string;
  label: string;
  color: string;
  runs: number;
  /** Sorted by step; from `aggregateCurves`. */
  points: GroupPoint[];
}

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 12, right: 20, bottom: 44, left: 64 };
const MAX_POINTS_PER_LINE = 1500;

function scale(lo: number, hi: number, from: number, to: number, log: boolean): { at: (v: number) => number; ticks: number[] } {
  const t = (v: number) => (log ? Math.log10(v) : v);
  const span = t(hi) - t(lo) || 1;
  const at = (v: number) => from + ((t(v) - t(lo)) / span) * (to - from);
  if (!log) return { at, ticks: niceTicks(lo, hi, 5).filter((v) => v >= lo && v <= hi) };
  const decades = niceTicks(Math.ceil(t(lo)), Math.floor(t(hi)), 5).filter(Number.isInteger);
  const ticks = decades.length >= 2 ? decades.map((e) => 10 ** e) : niceTicks(t(lo), t(hi), 5).map((e) => 10 ** e);
  return { at, ticks: ticks.filter((v) => v >= lo && v <= hi) };
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
    .map((s) => ({ ...s, points: thin(log ? s.points.filter((p) => p.mean > 0) : s.points, MAX_POINTS_PER_LINE) }))
    .filter((s) => s.points.length > 0);
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;

  if (drawn.length === 0) {
    return (
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Grouped curves: no data" data-testid="grouped-chart">
        <rect x={left} y={top} width={right - left} height={bottom - top} className="chart-frame" />
        <text x={(left + right) / 2} y={(top + bottom) / 2} textAnchor="middle" className="chart-empty">
          {emptyMessage}
        </text>
      </svg>
    );
  }

  const all = drawn.flatMap((s) => s.points);
  const steps = all.map((p) => p.step);
  const x0 = Math.min(...steps);
  const x1 = Math.max(...steps);
  const lows = all.map((p) => p.mean - (p.std ?? 0)).filter((v) => !log || v > 0);
  const highs = all.map((p) => p.mean + (p.std ?? 0));
  let y0 = Math.min(...lows, ...all.map((p) => p.mean));
  let y1 = Math.max(...highs);
  if (log) {
    y0 /= 1.1;
    y1 *= 1.1;
  } else {
    const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.05 || 1;
    y0 -= pad;
    y1 += pad;
  }
  const x = scale(x0, x1 === x0 ? x0 + 1 : x1, left, right, false);
  const y = scale(y0, y1, bottom, top, log);
  const yOf = (v: number) => y.at(log ? Math.max(v, y0) : v);

  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Mean ± std by step: ${drawn.map((s) => s.label).join(', ')}`} data-testid="grouped-chart">
      <g className="chart-grid">
        {y.ticks.map((t) => (
          <line key={`y${t}`} x1={left} x2={right} y1={y.at(t)} y2={y.at(t)} />
        ))}
        {x.ticks.map((t) => (
          <line key={`x${t}`} x1={x.at(t)} x2={x.at(t)} y1={top} y2={bottom} />
        ))}
      </g>
      <g className="chart-axis">
        <line x1={left} x2={right} y1={bottom} y2={bottom} />
        <line x1={left} x2={left} y1={top} y2={bottom} />
        {x.ticks.map((t) => (
          <text key={`xl${t}`} x={x.at(t)} y={bottom + 16} textAnchor="middle">
            {formatTick(t)}
          </text>
        ))}
        {y.ticks.map((t) => (
          <text key={`yl${t}`} x={left - 8} y={y.at(t) + 4} textAnchor="end">
            {formatTick(t)}
          </text>
        ))}
        <text className="chart-label" x={(left + right) / 2} y={HEIGHT - 6} textAnchor="middle">
          step
        </text>
        <text className="chart-label" x={-(top + bottom) / 2} y={14} transform="rotate(-90)" textAnchor="middle">
          {log ? 'mean ± std (log scale)' : 'mean ± std'}
        </text>
      </g>
      <g className="chart-bands">
        {drawn.map((s) => {
          const banded = s.points.filter((p) => p.std !== undefined);
          if (banded.length === 0) return null;
          const upper = banded.map((p) => [x.at(p.step), yOf(p.mean + (p.std as number))] as const);
          const lower = banded.map((p) => [x.at(p.step), yOf(p.mean - (p.std as number))] as const).reverse();
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
              <path d={linePath(s.points.map((p) => [x.at(p.step), yOf(p.mean)] as const))} stroke={s.color} data-key={s.key} data-runs={s.runs} data-points={s.points.length}>
                <title>{`${s.label} (${s.runs} ${s.runs === 1 ? 'run' : 'runs'})`}</title>
              </path>
              {s.points.length === 1 && <circle cx={x.at(last.step)} cy={yOf(last.mean)} r={3} fill={s.color} />}
            </g>
          );
        })}
      </g>
    </svg>
  );
}
