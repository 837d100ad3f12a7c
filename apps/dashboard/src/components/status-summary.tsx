import type { trainingV1 } from '@genlab/contracts';
import { formatCount } from '@/lib/format';
import { runStatusName } from '@/lib/server/run-event-json';
import { statusLabel } from './status-badge';

/** An experiment's runs by status: a pill per status with runs, e.g. "2 running · 5 completed". */
export function StatusSummary({ counts }: { counts: readonly trainingV1.RunStatusCount[] }) {
  if (counts.length === 0) return <span className="muted">no runs</span>;
  return (
    <span className="status-summary" data-testid="status-summary">
      {counts.map(({ status, count }) => {
        const label = statusLabel(runStatusName(status));
        return (
          <span key={status} className={`badge badge-${label}`} data-status={label} data-count={count}>
            {formatCount(count)} {label}
          </span>
        );
      })}
    </span>
  );
}
