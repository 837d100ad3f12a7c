const NUMBER_CELL = /^(± )?-?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|-?Infinity)$/;

/** Left-aligned columns separated by two spaces; numeric columns right-aligned. Header in capitals. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((row) => typeof row[c] === 'number' || NUMBER_CELL.test(String(row[c]))));
  const widths = headers.map((header, c) => Math.max(header.length, ...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number)))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** `key: value` lines with the keys aligned; undefined and empty values are left out. */
export function formatDetails(entries: readonly (readonly [string, string | number | undefined])[]): string {
  const shown = entries.filter(([, value]) => value !== undefined && value !== '');
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${value}`).join('\n') + '\n';
}

/** A number with up to `digits` significant digits, without exponent for everyday magnitudes. */
export function formatNumber(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e9 || Math.abs(value) < 1e-4)) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** `2026-11-24 17:46:16Z`, or '' for a missing time. */
export const formatTime = (iso: string | undefined): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : '');
