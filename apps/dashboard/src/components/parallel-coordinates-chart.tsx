import { formatTick } from '@/lib/chart-scale';
import { DEFAULT_BOX, NO_VALUE_COLOR, type ParallelLayout } from '@/lib/parallel-coordinates';

const path = (points: ReadonlyArray<readonly [number, number]>) => points.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`).join('');

/**
 * Params against a metric: the axes and polylines of {@link layoutParallelCoordinates}, each
 * line titled with its run (shown on hover), and the colour scale of the metric under it.
 * Test ids: the SVG is `parallel-coordinates`; each axis a `pc-axis` (`data-name`,
 * `data-kind`); each run a `pc-line` (`data-run`, `data-value`, `data-color`).
 */
export function ParallelCoordinatesChart({ layout, metricLabel, formatValue, direction }: {
  layout: ParallelLayout;
  metricLabel: string;
  formatValue: (value: number) => string;
  direction?: 'lower' | 'higher';
}) {
  const box = DEFAULT_BOX;
  const top = box.top;
  const bottom = box.height - box.bottom;
  const missing = layout.lines.filter((l) => l.value === undefined).length;
  return (
    <figure className="parallel-figure">
      <svg
        className="chart parallel-chart"
        viewBox={`0 0 ${box.width} ${box.height}`}
        role="img"
        aria-label={`Parallel coordinates of ${layout.axes.map((a) => a.label).join(', ')}`}
        data-testid="parallel-coordinates"
      >
        <g className="chart-lines pc-lines">
          {layout.lines.map((line) => (
            <path key={line.id} d={path(line.points)} stroke={line.color} data-testid="pc-line" data-run={line.id} data-value={line.value ?? ''} data-color={line.color}>
              <title>{`${line.label}: ${metricLabel} ${line.value === undefined ? 'not available' : `= ${formatValue(line.value)}`}`}</title>
            </path>
          ))}
        </g>
        {layout.axes.map((axis, i) => {
          const last = i === layout.axes.length - 1;
          const anchor = i === 0 ? 'start' : last ? 'end' : 'middle';
          return (
            <g key={axis.name} className="chart-axis pc-axis" data-testid="pc-axis" data-name={axis.name} data-kind={axis.kind}>
              <line x1={axis.x} x2={axis.x} y1={top} y2={bottom} />
              <text className="chart-label" x={axis.x} y={top - 16} textAnchor={anchor}>
                {axis.label}
                {axis.kind === 'log' ? ' (log)' : ''}
              </text>
              {axis.ticks.map((tick) => (
                <g key={`${tick.label}-${tick.y}`}>
                  <line x1={axis.x - 3} x2={axis.x + 3} y1={tick.y} y2={tick.y} />
                  <text className="pc-tick" x={axis.x - 6} y={tick.y + 4} textAnchor="end">
                    {tick.label}
                  </text>
                </g>
              ))}
              {axis.missingY !== undefined && (
                <g className="pc-missing">
                  <line x1={axis.x} x2={axis.x} y1={bottom} y2={axis.missingY} />
                  <text className="pc-tick" x={axis.x - 6} y={axis.missingY + 4} textAnchor="end">
                    n/a
                  </text>
                </g>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="pc-scale" data-testid="pc-scale">
        {layout.scale ? (
          <>
            <span>{formatTick(layout.scale.min)}</span>
            <span className="pc-ramp" style={{ background: `linear-gradient(to right, ${layout.scale.stops.join(', ')})` }} />
            <span>{formatTick(layout.scale.max)}</span>
            <span className="muted">
              colour: {metricLabel}
              {direction ? ` (${direction} is better)` : ''}
            </span>
          </>
        ) : (
          <span className="muted">No selected run has {metricLabel}.</span>
        )}
        {missing > 0 && layout.scale && (
          <span className="muted">
            <span className="swatch" style={{ background: NO_VALUE_COLOR }} />
            {missing} {missing === 1 ? 'run has' : 'runs have'} no value (drawn through “n/a” under the axis)
          </span>
        )}
      </figcaption>
    </figure>
  );
}
