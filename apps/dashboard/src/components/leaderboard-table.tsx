import Link from 'next/link';
import type { CSSProperties } from 'react';
import { shortId } from '@/lib/format';
import { quality, type LeaderboardColumn, type LeaderboardLine, type LeaderboardView } from '@/lib/leaderboard-table';
import { estimatorNote, formatMeasurement, headerUnit } from '@/lib/measurement';

const DENSITY_LABELS: Record<string, string> = {
  'explicit-exact': 'exact likelihood',
  'explicit-approximate': 'likelihood bound',
  implicit: 'implicit (samples only)',
};

/** "classifier:3f2a…@v1" → "classifier v1"; "model:models/x" → "model models/x". */
function featuresLabel(features: string): string {
  if (!features) return '';
  const classifier = /^classifier:[^@]*@v(\d+)$/.exec(features);
  if (classifier) return `classifier v${classifier[1]}`;
  return features.replace(':', ' ');
}

function Cell({ column, line, floor }: { column: LeaderboardColumn; line: LeaderboardLine; floor?: boolean }) {
  const m = line.cells.get(column.key);
  if (!m) return <td className="num muted">—</td>;
  const q = floor ? undefined : quality(column, m.value);
  const style = q === undefined ? undefined : ({ '--quality': `${Math.round(q * 100)}%` } as CSSProperties);
  return (
    <td
      className={`num${q === undefined ? '' : ' bar-cell'}`}
      style={style}
      title={`${m.metric} (${m.estimator}) on ${m.sampleCount.toLocaleString('en-US')} examples${m.features ? `, features ${m.features}` : ''}`}
      data-metric={m.metric}
    >
      {formatMeasurement(m.value, m.unit, m.stdError)}
    </td>
  );
}

/**
 * Explicit and implicit families in one table: a column per (metric, estimator, unit,
 * features), a bar behind each value from the column's worst (empty) to best (full), the
 * real-data floor as the first row. Headers link to sorting by that column.
 */
export function LeaderboardTable({ view, experimentNames, sortHref }: {
  view: LeaderboardView;
  experimentNames: ReadonlyMap<string, string>;
  sortHref: (key: string, direction: 'asc' | 'desc') => string;
}) {
  const { columns, floor, lines, sort } = view;
  return (
    <div className="table-scroll">
      <table className="table leaderboard" data-testid="leaderboard">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Run</th>
            <th>Family</th>
            <th>Density</th>
            <th>Experiment</th>
            {columns.map((column) => {
              const active = sort?.key === column.key;
              const natural = column.better === 'lower' ? 'asc' : 'desc';
              const next = active ? (sort.direction === 'asc' ? 'desc' : 'asc') : natural;
              const unit = headerUnit(column.unit);
              return (
                <th
                  key={column.key}
                  className="num"
                  aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                  title={`${estimatorNote(column.estimator) ?? column.estimator}. ${column.better === 'lower' ? 'Lower' : 'Higher'} is better.`}
                >
                  <Link href={sortHref(column.key, next)} scroll={false} data-testid="sort-column">
                    <code>{column.metric}</code>
                    {active && <span aria-hidden>{sort.direction === 'asc' ? ' ↑' : ' ↓'}</span>}
                  </Link>
                  <div className="column-meta">
                    {column.estimator}
                    {unit && ` · ${unit}`}
                    {column.features && ` · ${featuresLabel(column.features)}`}
                    {` · ${column.better === 'lower' ? '↓' : '↑'} better`}
                  </div>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {floor && (
            <tr className="floor-row" data-testid="leaderboard-floor">
              <td className="num" />
              <td colSpan={4}>
                <strong title="The same metrics for real data against real data (training split vs test split): the floor to read each model's value against">
                  Real data
                </strong>{' '}
                <span className="muted">train vs test split: the floor</span>
              </td>
              {columns.map((column) => (
                <Cell key={column.key} column={column} line={floor} floor />
              ))}
            </tr>
          )}
          {lines.map((line, i) => (
            <tr key={line.runId} data-testid="leaderboard-row" data-family={line.family}>
              <td className="num">{i + 1}</td>
              <td>
                <Link href={`/runs/${encodeURIComponent(line.runId)}`}>
                  <code title={line.runId}>{shortId(line.runId)}</code>
                </Link>
              </td>
              <td>{line.family}</td>
              <td>
                <span className={`density density-${line.density || 'unknown'}`}>{DENSITY_LABELS[line.density] ?? (line.density || '—')}</span>
              </td>
              <td>
                <Link href={`/experiments/${encodeURIComponent(line.experimentId)}`}>{experimentNames.get(line.experimentId) ?? shortId(line.experimentId)}</Link>
              </td>
              {columns.map((column) => (
                <Cell key={column.key} column={column} line={line} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
