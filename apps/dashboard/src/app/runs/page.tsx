import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { QueryError, parseField, parseQuery, type Field, type QueryNode } from '@genlab/run-query';
import { Pager, pageFromSearch } from '@/components/pager';
import { QueryBox, QueryErrorNotice } from '@/components/query-box';
import { RunsTable, naturalDirection } from '@/components/runs-table';
import { ServiceDown } from '@/components/service-down';
import { formatCount } from '@/lib/format';
import { firstParam, hrefWith } from '@/lib/search-params';
import { PAGE_SIZE, getExperiment } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';
import { MAX_RUNS, loadRunsTable } from '@/lib/server/runs-table';

export const metadata: Metadata = { title: 'Runs' };

const COMPARE_FORM = 'compare-form';

function parseSort(text: string | undefined): Field | undefined {
  if (!text) return undefined;
  try {
    return parseField(text);
  } catch {
    return undefined; // a hand-edited URL: fall back to the service's order
  }
}

export default async function RunsPage({ searchParams }: PageProps<'/runs'>) {
  const search = await searchParams;
  const q = firstParam(search.q) ?? '';
  const experimentId = firstParam(search.experiment);
  const sortField = parseSort(firstParam(search.sort));
  const dirParam = firstParam(search.dir);
  const direction = dirParam === 'asc' || dirParam === 'desc' ? dirParam : sortField ? naturalDirection(sortField.text) : 'asc';
  const page = pageFromSearch(search.page);
  const sort = sortField?.text;
  const dir = sortField ? direction : undefined;

  let query: QueryNode | undefined;
  let queryError: QueryError | undefined;
  try {
    query = parseQuery(q);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    queryError = error;
  }

  return renderOrExplain(async () => {
    const experiment = experimentId ? await getExperiment(experimentId) : undefined;
    const table = queryError ? undefined : await loadRunsTable({ experimentId, query, sort: sortField, direction, page, pageSize: PAGE_SIZE });
    const exportHref = (format: 'csv' | 'json') => hrefWith('/api/runs/export', { format, q: q || undefined, experiment: experimentId, sort, dir });

    return (
      <>
        <header className="page-header">
          <h1>Runs</h1>
          <span className="muted">
            {experiment ? (
              <>
                in <Link href={`/experiments/${encodeURIComponent(experiment.id)}`}>{experiment.name}</Link> ·{' '}
                <Link href={hrefWith('/runs', { q: q || undefined, sort, dir })}>all experiments</Link>
              </>
            ) : (
              'across all experiments'
            )}
          </span>
          <Link href={hrefWith('/runs/new', { experiment: experimentId })} className="button-link">
            New run
          </Link>
        </header>

        <QueryBox query={q} keep={{ experiment: experimentId, sort, dir }} />
        {queryError && <QueryErrorNotice query={q} message={queryError.message} position={queryError.position} length={queryError.length} />}

        {table && table.total === 0 && (
          <div className="empty" data-testid="runs-empty">
            <p>No runs yet{experiment ? ' in this experiment' : ''}.</p>
            <p>
              <Link href={hrefWith('/runs/new', { experiment: experimentId })}>Start one</Link>: pick a family, a dataset and a config; a
              few dozen steps (<code>maxSteps</code>) are enough to try things out.
            </p>
          </div>
        )}
        {table && table.total > 0 && (
          <>
            {table.evaluationOutage && <ServiceDown error={table.evaluationOutage} compact />}
            <div className="toolbar">
              <span data-testid="runs-count">
                {q ? (
                  <>
                    <strong>{formatCount(table.matched)}</strong> of {formatCount(table.read)} runs match
                  </>
                ) : (
                  <>{formatCount(table.matched)} runs</>
                )}
              </span>
              {table.read < table.total && (
                <span className="muted">(the newest {formatCount(MAX_RUNS)} of {formatCount(table.total)} runs were searched)</span>
              )}
              <span className="toolbar-end">
                <Form action="/compare" id={COMPARE_FORM}>
                  <button type="submit" data-testid="compare-selected">
                    Compare selected
                  </button>
                </Form>
                {table.matched > 0 && (
                  <span className="muted">
                    Export {formatCount(table.matched)} rows:{' '}
                    <a href={exportHref('csv')} data-testid="export-csv" download>
                      CSV
                    </a>{' '}
                    ·{' '}
                    <a href={exportHref('json')} data-testid="export-json" download>
                      JSON
                    </a>
                  </span>
                )}
              </span>
            </div>
            {table.matched === 0 ? (
              <div className="empty" data-testid="runs-no-match">
                <p>No run matches this filter ({formatCount(table.read)} runs searched).</p>
                <p>
                  A run without a field never matches a comparison on it: <code>metrics.fid</code> exists only for evaluated runs. Loosen the
                  query, or <Link href={hrefWith('/runs', { experiment: experimentId })}>clear it</Link>.
                </p>
              </div>
            ) : (
              <>
                <RunsTable
                  rows={table.rows}
                  paramColumns={table.paramColumns}
                  metricColumns={table.metricColumns}
                  sort={{ field: sort, direction }}
                  sortHref={(field, next) => hrefWith('/runs', { q: q || undefined, experiment: experimentId, sort: field, dir: next })}
                  compareForm={COMPARE_FORM}
                />
                <Pager
                  basePath="/runs"
                  page={page}
                  pageSize={PAGE_SIZE}
                  total={table.matched}
                  shown={table.rows.length}
                  params={{ q: q || undefined, experiment: experimentId, sort, dir }}
                />
              </>
            )}
          </>
        )}
      </>
    );
  });
}
