import Link from 'next/link';
import { hrefWith } from '@/lib/search-params';

/**
 * "Showing 51–100 of 230" with previous / next links for offset paging (?page=N); `params`
 * are the page's other search parameters (a filter, a sort), kept in the links.
 */
export function Pager({ basePath, page, pageSize, total, shown, params = {} }: {
  basePath: string;
  page: number;
  pageSize: number;
  total: number;
  shown: number;
  params?: Record<string, string | undefined>;
}) {
  if (total <= pageSize && page === 1) return null;
  const first = (page - 1) * pageSize + 1;
  const href = (p: number) => hrefWith(basePath, { ...params, page: p === 1 ? undefined : p });
  return (
    <nav className="pager" aria-label="Pages">
      <span>
        Showing {shown === 0 ? 0 : first}–{first + shown - 1} of {total}
      </span>
      {page > 1 && <Link href={href(page - 1)}>← Previous</Link>}
      {first + shown - 1 < total && <Link href={href(page + 1)}>Next →</Link>}
    </nav>
  );
}

/** The 1-based page number from `?page=`, 1 when absent or malformed. */
export function pageFromSearch(value: string | string[] | undefined): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
