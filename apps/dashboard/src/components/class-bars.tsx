import { formatCount } from '@/lib/format';
import { colorAt } from '@/lib/palette';

/** Examples per class as horizontal bars, with counts and shares: imbalance shows at a glance. */
export function ClassBars({ counts }: { counts: readonly number[] }) {
  const total = counts.reduce((a, b) => a + b, 0);
  const most = Math.max(1, ...counts);
  return (
    <ul className="class-bars" data-testid="class-counts">
      {counts.map((count, label) => (
        <li key={label}>
          <span className="class-label">{label}</span>
          <span className="class-bar">
            <span style={{ width: `${(100 * count) / most}%`, background: colorAt(label) }} />
          </span>
          <span className="class-count">
            {formatCount(count)} <span className="muted">({total ? ((100 * count) / total).toFixed(1) : '0'} %)</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
