import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './cli-error';
import type { OptionValues } from './command.types';

/** A string option's value (undefined when absent). */
export const stringOption = (options: OptionValues, name: string): string | undefined => options[name] as string | undefined;

/** An integer option in [min, max], or `fallback` when absent; anything else is a usage error. */
export function intOption(options: OptionValues, name: string, { min = 0, max = Number.MAX_SAFE_INTEGER, fallback }: { min?: number; max?: number; fallback?: number } = {}): number | undefined {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${String(raw)}'`);
  }
  return value;
}

/** A comma-separated list option, e.g. `--metrics neg_elbo,iwae`. */
export const listOption = (options: OptionValues, name: string): string[] =>
  ((options[name] as string | undefined) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * A JSON object given inline (`--config '{"maxSteps":40}'`) or from a file (`--config @run.json`).
 * Returned re-serialised, compact; a malformed document is a usage error naming the problem.
 */
export function jsonObjectOption(options: OptionValues, name: string, cwd: string): string | undefined {
  const raw = options[name] as string | undefined;
  if (raw === undefined) return undefined;
  let text = raw;
  let source = `--${name}`;
  if (raw.startsWith('@')) {
    const path = resolve(cwd, raw.slice(1));
    source = raw.slice(1);
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`--${name}: cannot read '${raw.slice(1)}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${source} must be a JSON object`);
  return JSON.stringify(value);
}
