import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A process's resident set size now (`VmRSS`) or its peak (`VmHWM`), in MiB, from Linux's /proc; undefined elsewhere. */
export function rssMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start a fresh peak: Linux resets a process's `VmHWM` to its current RSS when "5" is written to
 * /proc/<pid>/clear_refs. Returns the RSS at the reset (MiB), or undefined where that is not possible.
 */
export function resetPeakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return rssMiB(pid, 'VmHWM');
  } catch {
    return undefined;
  }
}

export const formatMiB = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(1)} MiB`);

/** Every file under `dir` (recursively), as paths relative to it; [] when it does not exist. */
export function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

/** A fixed-width table for the figures a suite prints. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}
