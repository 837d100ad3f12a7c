import { niceTicks } from '@/lib/chart-scale';
import type { DataEfficiency, DataEfficiencyPoint, DataEfficiencySeries } from '@/lib/data-efficiency';
import { colorAt } from '@/lib/palette';

const WIDTH = 760;
const HEIGHT = 340;
const MARGIN = { top: 12, right: 20, bottom: 44, left: 64 };
const MAX_X_TICKS = 12;

const percent = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;

function pointTitle(series: DataEfficiencySeries, p: DataEfficiencyPoint): string {
  const spread = p.std === undefined ? 'one seed' : `± ${percent(p.std)} std over ${p.runs.length} seeds`;
  return `${series.key}, ${p.labelledExamples} labels: ${percent(p.mean)} (${spread}; seeds ${p.runs.map((r) => r.seed).join(', ')})`;
}

/**
 * Accuracy against the number of labelled training examples (log scale): one line per
 * (family, generative | discriminative), each point the mean over seeds with ±1 std bars, and
 * the classifier trained on every label as a dashed reference. Test ids: the SVG is
 * `data-efficiency-chart`; each series a `<path data-key data-points>`; each point an
 * `efficiency-point` (`data-series`, `data-labels`, `data-mean`, `data-seeds`); each
 * reference a `reference-line` (`data-value`).
 */
export function DataEfficiencyChart({ chart }: { chart: DataEfficiency }) {
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;
  const points = chart.series.flatMap((s) => s.points);
  const counts = [...new Set(points.map((p) => p.labelledExamples))].sort((a, b) => a - b);

  const lo = Math.log10(counts[0] as number);
  const hi = Math.log10(counts[counts.length - 1] as number);
  const xPad = hi > lo ? (hi - lo) * 0.08 : 0.5;
  const x = (v: number) => left + ((Math.log10(v) - (lo - xPad)) / (hi - lo + 2 * xPad)) * (right - left);
  const stride = Math.ceil(counts.length / MAX_X_TICKS);
  const xTicks = counts.filter((_, i) => i % stride === 0);

  const ys = [...points.flatMap((p) => [p.mean - (p.std ?? 0), p.mean + (p.std ?? 0)]), ...chart.references.map((r) => r.value)];
  const yPad = (Math.max(...ys) - Math.min(...ys)) * 0.08 || 0.05;
  const y0 = Math.max(0, Math.min(...ys) - yPad);
  const y1 = Math.min(1, Math.max(...ys) + yPad);
  const y = (v: number) => bottom - ((v - y0) / (y1 - y0 || 1)) * (bottom - top);
  const yTicks = niceTicks(y0, y1, 5).filter((t) => t >= y0 && t <= y1);
  const yStep = yTicks.length > 1 ? (yTicks[1] as number) - (yTicks[0] as number) : 1;
  const yDigits = yStep < 0.01 ? 1 : 0;

  const families = [...new Set(chart.series.map((s) => s.family))].sort();
  const colorOf = (s: DataEfficiencySeries) => colorAt(families.indexOf(s.family));

  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Accuracy by number of labels: ${chart.series.map((s) => s.key).join(', ')}`}
      data-testid="data-efficiency-chart"
    >
      <g className="chart-grid">
        {yTicks.map((t) => (
          <line key={`y${t}`} x1={left} x2={right} y1={y(t)} y2={y(t)} />
        ))}
        {xTicks.map((t) => (
          <line key={`x${t}`} x1={x(t)} x2={x(t)} y1={top} y2={bottom} />
        ))}
      </g>
      <g className="chart-axis">
        <line x1={left} x2={right} y1={bottom} y2={bottom} />
        <line x1={left} x2={left} y1={top} y2={bottom} />
        {xTicks.map((t) => (
          <text key={`xl${t}`} x={x(t)} y={bottom + 16} textAnchor="middle">
            {t.toLocaleString('en-US')}
          </text>
        ))}
        {yTicks.map((t) => (
          <text key={`yl${t}`} x={left - 8} y={y(t) + 4} textAnchor="end">
            {percent(t, yDigits)}
          </text>
        ))}
        <text className="chart-label" x={(left + right) / 2} y={HEIGHT - 6} textAnchor="middle">
          labelled training examples (log scale)
        </text>
        <text className="chart-label" x={-(top + bottom) / 2} y={14} transform="rotate(-90)" textAnchor="middle">
          test accuracy
        </text>
      </g>
      <g className="chart-references">
        {chart.references.map((r) => (
          <g key={r.features} data-testid="reference-line" data-value={r.value}>
            <line x1={left} x2={right} y1={y(r.value)} y2={y(r.value)} stroke="var(--muted)" strokeDasharray="2 4" strokeWidth={1.5} />
            <text x={right - 4} y={y(r.value) - 5} textAnchor="end" className="chart-reference-label">
              all labels (dataset classifier): {percent(r.value)}
            </text>
            <title>{`The dataset's classifier, trained on every label${r.features ? ` (${r.features})` : ''}: ${percent(r.value)}`}</title>
          </g>
        ))}
      </g>
      <g className="chart-lines">
        {chart.series.map((s) => {
          const color = colorOf(s);
          const dashed = s.kind === 'discriminative';
          return (
            <g key={s.key}>
              <path
                d={s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.labelledExamples).toFixed(1)} ${y(p.mean).toFixed(1)}`).join('')}
                stroke={color}
                strokeDasharray={dashed ? '6 4' : undefined}
                data-key={s.key}
                data-points={s.points.length}
              >
                <title>{`${s.key} (${s.estimators.join(', ')})`}</title>
              </path>
              {s.points.map((p) => {
                const cx = x(p.labelledExamples);
                return (
                  <g
                    key={p.labelledExamples}
                    data-testid="efficiency-point"
                    data-series={s.key}
                    data-labels={p.labelledExamples}
                    data-mean={p.mean}
                    data-std={p.std}
                    data-seeds={p.runs.length}
                  >
                    <title>{pointTitle(s, p)}</title>
                    {p.std !== undefined && (
                      <g stroke={color} strokeWidth={1.25}>
                        <line x1={cx} x2={cx} y1={y(p.mean - p.std)} y2={y(p.mean + p.std)} />
                        <line x1={cx - 4} x2={cx + 4} y1={y(p.mean - p.std)} y2={y(p.mean - p.std)} />
                        <line x1={cx - 4} x2={cx + 4} y1={y(p.mean + p.std)} y2={y(p.mean + p.std)} />
                      </g>
                    )}
                    <circle cx={cx} cy={y(p.mean)} r={3.5} fill={dashed ? 'var(--surface)' : color} stroke={color} strokeWidth={1.5} />
                  </g>
                );
              })}
            </g>
          );
        })}
      </g>
    </svg>
  );
}

/** The chart's legend: a swatch (solid: generative, dashed: discriminative) per series. */
export function DataEfficiencyLegend({ chart }: { chart: DataEfficiency }) {
  const families = [...new Set(chart.series.map((s) => s.family))].sort();
  return (
    <ul className="legend" data-testid="data-efficiency-legend">
      {chart.series.map((s) => (
        <li key={s.key} data-series={s.key}>
          <svg width={22} height={8} aria-hidden className="legend-line">
            <line x1={1} x2={21} y1={4} y2={4} stroke={colorAt(families.indexOf(s.family))} strokeWidth={2} strokeDasharray={s.kind === 'discriminative' ? '5 3' : undefined} />
          </svg>
          {s.family} · {s.kind === 'generative' ? `generative (${s.estimators.map((e) => e.slice('generative ('.length, -1)).join(', ')})` : 'discriminative, same labels'}
        </li>
      ))}
    </ul>
  );
}
