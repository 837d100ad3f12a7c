import { formatAgo, formatDateTime } from '@/lib/format';

/** A timestamp as local date-time, with the exact UTC instant on hover. */
export function Time({ date, relative = false }: { date: Date | undefined; relative?: boolean }) {
  if (!date) return <span className="muted">—</span>;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {relative ? formatAgo(date) : formatDateTime(date)}
    </time>
  );
}
