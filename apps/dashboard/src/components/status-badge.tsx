import type { RunStatusName } from '@/lib/run-events';

const LABELS: Record<RunStatusName, string> = {
  RUN_STATUS_UNSPECIFIED: 'unknown',
  RUN_STATUS_QUEUED: 'queued',
  RUN_STATUS_RUNNING: 'running',
  RUN_STATUS_COMPLETED: 'completed',
  RUN_STATUS_FAILED: 'failed',
  RUN_STATUS_CANCELLED: 'cancelled',
  UNRECOGNIZED: 'unknown',
};

export function statusLabel(status: RunStatusName): string {
  return LABELS[status] ?? 'unknown';
}

/** A run's status as a coloured pill; the colour comes from `.badge-<label>` in globals.css. */
export function StatusBadge({ status, testId }: { status: RunStatusName; testId?: string }) {
  const label = statusLabel(status);
  return (
    <span className={`badge badge-${label}`} data-status={status} data-testid={testId}>
      {label}
    </span>
  );
}
