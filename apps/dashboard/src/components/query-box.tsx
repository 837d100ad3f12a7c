import Form from 'next/form';
import Link from 'next/link';
import { hrefWith } from '@/lib/search-params';

const EXAMPLES = [
  'family = "vae" and (metrics.neg_elbo < 100 or params.beta >= 2)',
  'status = "completed" or status = "running"',
  'params.beta in [0.5, 4) and not family = "dcgan"',
  'metrics.train/loss < 2',
  'tags.team = "vision" or tags.stage = "baseline"',
];

/**
 * The filter box: a GET form, so every filter is a URL (deep links, the back button).
 * `keep` carries the other parameters of the page (experiment, sort) across a new filter.
 */
export function QueryBox({ query, keep }: { query: string; keep: Record<string, string | undefined> }) {
  return (
    <div className="query-box">
      <Form action="/runs" className="query-form">
        <input
          key={query}
          name="q"
          defaultValue={query}
          placeholder='Filter, e.g. family = "vae" and metrics.neg_elbo < 100'
          aria-label="Filter runs"
          spellCheck={false}
          autoComplete="off"
          data-testid="query-input"
        />
        {Object.entries(keep).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
        <button type="submit" data-testid="query-submit">
          Filter
        </button>
        {query && <Link href={hrefWith('/runs', keep)}>clear</Link>}
      </Form>
      <details className="query-help">
        <summary>Query syntax</summary>
        <p>
          Compare attributes (<code>family</code>, <code>dataset</code>, <code>status</code>, <code>experiment</code>, <code>id</code>,{' '}
          <code>seed</code>, <code>steps</code>), config values (<code>params.beta</code>, <code>params.hiddenDims.0</code>) and final
          metrics (<code>metrics.train/loss</code>, <code>metrics.neg_elbo</code>, <code>metrics.fid</code>; bits/dim as{' '}
          <code>metrics.neg_elbo_bpd</code>), and tags (<code>tags.team = &quot;vision&quot;</code>, text only) with <code>= != &lt; &lt;= &gt; &gt;=</code>, ranges <code>params.beta in [1, 4)</code> or{' '}
          <code>1 &lt;= params.beta &lt; 4</code>, and combine with <code>and</code>, <code>or</code>, <code>not</code> and parentheses. Text
          goes in quotes. A run without the field never matches.
        </p>
        <ul>
          {EXAMPLES.map((example) => (
            <li key={example}>
              <Link href={hrefWith('/runs', { ...keep, q: example })}>
                <code>{example}</code>
              </Link>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/** A query that could not be read: the query with a marker under the place, and what was expected. */
export function QueryErrorNotice({ query, message, position, length }: { query: string; message: string; position: number; length: number }) {
  const marker = `${' '.repeat(position)}${'^'.repeat(Math.max(1, Math.min(length, query.length - position || 1)))}`;
  return (
    <div className="notice notice-error" role="alert" data-testid="query-error" data-position={position}>
      <strong>This filter cannot be read: {message}.</strong>
      <pre className="query-marker">
        {query}
        {'\n'}
        <span className="marker">{marker}</span>
      </pre>
      <p className="small">Fix the query above (open &ldquo;Query syntax&rdquo; for the forms it takes), or clear it to see every run.</p>
    </div>
  );
}
