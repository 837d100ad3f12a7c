'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/**
 * Re-render the page from the server every `intervalMs` while `active` (e.g. while an
 * evaluation is queued or running: the evaluation service has no event stream to the
 * browser yet), and stop as soon as the fresh page says it is no longer needed.
 */
export function RefreshWhile({ active, intervalMs = 3000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, router]);
  return null;
}
