'use client';

import { useEffect } from 'react';

/** Unexpected failures. Unreachable services are explained by the pages themselves. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => console.error(error), [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="notice notice-error" role="alert">
      <h1>Something went wrong</h1>
      <p>
        The dashboard could not render this page. The server log has the details
        {digest ? (
          <>
            {' '}
            (look for <code>{digest}</code>)
          </>
        ) : null}
        .
      </p>
      <button type="button" onClick={() => retry()}>
        Try again
      </button>
    </div>
  );
}
