/** Ids are long; the first 8 characters are enough to tell runs apart on a page. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-24 16:49:03" in the server's time zone (the page says which). */
export function formatDateTime(date: Date | undefined): string {
  if (!date) return '—';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "3 min ago", "2 h ago", "5 d ago" relative to now. */
export function formatAgo(date: Date | undefined, now = Date.now()): string {
  if (!date) return '—';
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function formatDuration(start: Date | undefined, end: Date | undefined): string {
  if (!start || !end) return '—';
  let seconds = Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000));
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Decimals for an estimate with a standard error: the error's leading digit (two digits
 * when it starts with 1), and the value to the same place, e.g. 98.1 ± 0.4, 3.142 ± 0.012.
 */
export function decimalsFor(stdError: number | undefined, value: number): number {
  if (stdError !== undefined && Number.isFinite(stdError) && stdError > 0) {
    const magnitude = Math.floor(Math.log10(stdError));
    const leading = Math.floor(stdError / 10 ** magnitude);
    return Math.min(6, Math.max(0, -magnitude + (leading === 1 ? 1 : 0)));
  }
  const abs = Math.abs(value);
  if (abs >= 100) return 1;
  if (abs >= 10) return 2;
  return 3;
}

/** Parse and indent a JSON string; the raw text when it is not JSON. */
export function prettyJson(json: string): string {
  if (!json) return '{}';
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** An example's shape for people: "28 × 28 × 1", "2-D points". */
export function formatShape(shape: readonly number[]): string {
  if (shape.length === 1 && shape[0] === 2) return '2-D points';
  if (shape.length === 1) return `vectors of ${shape[0]}`;
  return shape.join(' × ');
}
