import 'server-only';
import type { ReactNode } from 'react';
import { ConfigError } from '@genlab/config';
import { ServiceDown } from '@/components/service-down';
import { ServiceUnavailableError } from './service-errors';

/**
 * Render a page, or explain why it cannot be rendered: a service that does not answer
 * gets a page naming it and saying how to start it (in production, Next.js hides thrown
 * messages from error boundaries, so this is rendered here rather than in error.tsx).
 * Everything else, notFound() included, propagates.
 */
export async function renderOrExplain(render: () => Promise<ReactNode>): Promise<ReactNode> {
  try {
    return await render();
  } catch (error) {
    if (error instanceof ServiceUnavailableError) return <ServiceDown error={error} />;
    if (error instanceof ConfigError) {
      return (
        <div className="notice notice-error" role="alert">
          <h1>The dashboard&apos;s configuration is invalid</h1>
          <pre>{error.message}</pre>
        </div>
      );
    }
    throw error;
  }
}
