import { QueryError, fieldValue, parseField, parseQuery, type SortDirection } from '@genlab/run-query';
import { toCsv, type CsvCell } from '@/lib/csv';
import { problemResponse, responseForError } from '@/lib/server/http';
import { loadRunsTable } from '@/lib/server/runs-table';

/**
 * The runs table as a file: the runs the filter matches (every page), in the table's order,
 * with the table's columns. `?format=csv|json&q=…&sort=…&dir=…&experiment=…`, the same
 * parameters as /runs. JSON rows also carry the whole config and every final metric.
 */
export async function GET(request: Request): Promise<Response> {
  const search = new URL(request.url).searchParams;
  const format = search.get('format') === 'json' ? 'json' : 'csv';
  const text = search.get('q') ?? '';
  let query;
  let sort;
  try {
    query = parseQuery(text);
    sort = search.get('sort') ? parseField(search.get('sort') as string) : undefined;
  } catch (error) {
    if (error instanceof QueryError) return problemResponse(400, `bad query at column ${error.column}: ${error.message}`);
    throw error;
  }
  const direction: SortDirection = search.get('dir') === 'desc' ? 'desc' : 'asc';
  let table;
  try {
    table = await loadRunsTable({ experimentId: search.get('experiment') || undefined, query, sort, direction, page: 1 });
  } catch (error) {
    return responseForError(error, 'runs');
  }
  const attributes = ['id', 'experiment', 'family', 'dataset', 'status', 'seed', 'steps'] as const;
  const columns = [...table.paramColumns, ...table.metricColumns];
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const headers = (type: string, extension: string) => ({
    'Content-Type': type,
    'Content-Disposition': `attachment; filename="genlab-runs-${stamp}.${extension}"`,
    'Cache-Control': 'no-store',
  });

  if (format === 'json') {
    const rows = table.rows.map(({ run, record, units, created }) => ({
      ...Object.fromEntries(attributes.map((a) => [a, record.attributes[a]])),
      created: created?.toISOString(),
      ...Object.fromEntries(columns.map((c) => [c, fieldValue(record, parseField(c)) ?? null])),
      params: record.params,
      metrics: record.metrics,
      units,
      totalSteps: run.totalSteps,
    }));
    return new Response(JSON.stringify({ query: text, sort: sort?.text ?? null, direction, columns: [...attributes, 'created', ...columns], rows }, null, 2), {
      headers: headers('application/json; charset=utf-8', 'json'),
    });
  }
  const csv = toCsv(
    [...attributes, 'created', ...columns],
    table.rows.map(({ record, created }) => [
      ...attributes.map((a): CsvCell => record.attributes[a]),
      created?.toISOString(),
      ...columns.map((c): CsvCell => fieldValue(record, parseField(c))),
    ]),
  );
  return new Response(csv, { headers: headers('text/csv; charset=utf-8', 'csv') });
}
