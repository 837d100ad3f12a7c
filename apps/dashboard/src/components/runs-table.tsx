import Link from 'next/link';
import { fieldValue, parseField } from '@genlab/run-query';
import { formatCount, shortId } from '@/lib/format';
import { betterDirection, formatMeasurement, headerUnit } from '@/lib/measurement';
import type { RunStatusName } from '@/lib/run-events';
import type { RunRow } from '@/lib/server/runs-table';
import { RunNotesEditor } from './run-notes-editor';
import { RunTagsEditor } from './run-tags-editor';
import { StatusBadge } from './status-badge';
import { Time } from './time';

export interface SortState {
  field?: string;
  direction: 'asc' | 'desc';
}

/** The direction a first click on a column sorts: lower-is-better metrics ascending, higher-is-better descending. */
export function naturalDirection(field: string): 'asc' | 'desc' {
  return field.startsWith('metrics.') && betterDirection(field.slice(8).replace(/_bpd$/, '')) === 'higher' ? 'desc' : 'asc';
}

function SortHeader({ field, label, sort, sortHref, className, sub }: {
  field: string;
  label: React.ReactNode;
  sort: SortState;
  sortHref: (field: string, direction: 'asc' | 'desc') => string;
  className?: string;
  sub?: string;
}) {
  const active = sort.field === field;
  const next = active ? (sort.direction === 'asc' ? 'desc' : 'asc') : naturalDirection(field);
  return (
    <th className={className} aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
      <Link href={sortHref(field, next)} data-testid="sort-column" data-field={field}>
        {label}
        {active && <span aria-hidden>{sort.direction === 'asc' ? ' ↑' : ' ↓'}</span>}
      </Link>
      {sub && <div className="column-meta">{sub}</div>}
    </th>
  );
}

function formatParam(value: string | number | boolean | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return String(Number(value.toPrecision(6)));
  return String(value);
}

/**
 * Runs as rows: attributes, tags, the chosen params and final metrics, sortable by any
 * column but tags and notes (both editable in place); each row has a checkbox for the
 * compare form around the table (`form` = its id).
 */
export function RunsTable({ rows, paramColumns, metricColumns, sort, sortHref, compareForm }: {
  rows: RunRow[];
  paramColumns: string[];
  metricColumns: string[];
  sort: SortState;
  sortHref: (field: string, direction: 'asc' | 'desc') => string;
  compareForm: string;
}) {
  const units = (key: string) => rows.find((row) => row.units[key])?.units[key] ?? '';
  const header = (field: string, label: React.ReactNode, className?: string, sub?: string) => (
    <SortHeader key={field} field={field} label={label} sort={sort} sortHref={sortHref} className={className} sub={sub} />
  );
  return (
    <div className="table-scroll">
      <table className="table runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th>
              <span className="visually-hidden">Compare</span>
            </th>
            {header('id', 'Run')}
            {header('experiment', 'Experiment')}
            {header('family', 'Family')}
            {header('dataset', 'Dataset')}
            {header('status', 'Status')}
            <th>Tags</th>
            {header('seed', 'Seed', 'num')}
            {header('steps', 'Steps', 'num')}
            {paramColumns.map((field) => header(field, <code>{field.slice(7)}</code>, 'num', 'param'))}
            {metricColumns.map((field) => {
              const key = field.slice(8);
              const unit = units(key);
              return header(field, <code>{key}</code>, 'num', [headerUnit(unit) || unit, betterDirection(key.replace(/_bpd$/, '')) === 'higher' ? '↑ better' : '↓ better'].filter(Boolean).join(' · '));
            })}
            <th>Notes</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ run, record, experimentName, datasetName, units: rowUnits, created }) => (
            <tr key={run.id} data-testid="run-row" data-family={run.family} data-run={run.id}>
              <td>
                <input type="checkbox" name="run" value={run.id} form={compareForm} aria-label={`Select run ${shortId(run.id)} to compare`} data-testid="compare-checkbox" />
              </td>
              <td>
                <Link href={`/runs/${encodeURIComponent(run.id)}`}>
                  <code title={run.id}>{shortId(run.id)}</code>
                </Link>
              </td>
              <td>
                <Link href={`/experiments/${encodeURIComponent(run.experimentId)}`}>{experimentName}</Link>
              </td>
              <td>{run.family}</td>
              <td>
                <Link href={`/datasets/${encodeURIComponent(run.datasetId)}`}>{datasetName}</Link>
              </td>
              <td>
                <StatusBadge status={`RUN_STATUS_${String(record.attributes.status).toUpperCase()}` as RunStatusName} />
              </td>
              <td>
                <RunTagsEditor runId={run.id} tags={run.tags} />
              </td>
              <td className="num">{run.seed}</td>
              <td className="num">
                {formatCount(run.stepsDone)}
                <span className="muted"> / {formatCount(run.totalSteps)}</span>
              </td>
              {paramColumns.map((field) => (
                <td key={field} className="num">
                  {formatParam(fieldValue(record, parseField(field)))}
                </td>
              ))}
              {metricColumns.map((field) => {
                const key = field.slice(8);
                const value = record.metrics[key];
                return (
                  <td key={field} className="num" data-metric={key}>
                    {value === undefined ? <span className="muted">—</span> : rowUnits[key] ? formatMeasurement(value, rowUnits[key]) : Number(value.toPrecision(5))}
                  </td>
                );
              })}
              <td>
                <RunNotesEditor runId={run.id} notes={run.notes} compact />
              </td>
              <td>
                <Time date={created} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
