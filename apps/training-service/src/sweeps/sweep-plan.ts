import { SeededRng } from '@genlab/compute';
import { MAX_SWEEP_RUNS, type SweepMethod } from '@genlab/db';
import { invalidArgument } from '@genlab/errors';

export interface SweepParameterSpec {
  readonly field: string;
  /** Values to try (already parsed from JSON). */
  readonly values: readonly unknown[];
  /** Random search: a range instead of values. */
  readonly range?: { readonly min: number; readonly max: number; readonly logScale: boolean; readonly integer: boolean };
}

export interface SweepSpec {
  readonly method: SweepMethod;
  readonly baseConfig: Readonly<Record<string, unknown>>;
  readonly parameters: readonly SweepParameterSpec[];
  /** Random search: configurations to draw. */
  readonly numConfigurations: number;
  readonly sweepSeed: number;
  readonly seeds: readonly number[];
}

/** One configuration of a sweep: the swept fields' values and the config they make with the base. */
export interface PlannedConfiguration {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * The configurations a sweep declares, in a stable order: a grid's every combination (the
 * last parameter varying fastest), or a random search's `numConfigurations` draws from
 * `sweepSeed` (identical draws kept once, so a small choice set may give fewer). Throws
 * INVALID_ARGUMENT naming the parameter for a malformed declaration, or when the sweep
 * would queue more than MAX_SWEEP_RUNS runs. The configs are not validated here: the family
 * schema does that for each one.
 */
export function planSweep(spec: SweepSpec): PlannedConfiguration[] {
  checkDeclaration(spec);
  const points = spec.method === 'grid' ? gridPoints(spec.parameters) : randomPoints(spec);
  const unique = new Map<string, Record<string, unknown>>();
  for (const point of points) unique.set(canonicalJson(point), point);
  return [...unique.values()].map((parameters) => ({ parameters, config: { ...spec.baseConfig, ...parameters } }));
}

function checkDeclaration(spec: SweepSpec): void {
  if (spec.parameters.length === 0 && spec.method === 'random') throw invalidArgument('parameters: a random search needs at least one parameter');
  const fields = new Set<string>();
  spec.parameters.forEach((p, i) => {
    const where = `parameters[${i}] (${p.field || 'no field'})`;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(p.field)) throw invalidArgument(`${where}: field must name a top-level config field, e.g. learningRate`);
    if (fields.has(p.field)) throw invalidArgument(`${where}: ${p.field} is swept twice`);
    fields.add(p.field);
    if (spec.method === 'grid' && (p.range || p.values.length === 0)) throw invalidArgument(`${where}: a grid needs values_json (min/max are for random search)`);
    if (p.range && p.values.length > 0) throw invalidArgument(`${where}: give values_json or a min/max range, not both`);
    if (!p.range && p.values.length === 0) throw invalidArgument(`${where}: give values_json or a min/max range`);
    if (p.range) {
      const { min, max, logScale } = p.range;
      if (!(min <= max)) throw invalidArgument(`${where}: min must not exceed max`);
      if (logScale && !(min > 0)) throw invalidArgument(`${where}: log_scale needs min > 0`);
    }
  });
  if (spec.seeds.length === 0) throw invalidArgument('seeds: list at least one seed');
  if (new Set(spec.seeds).size !== spec.seeds.length) throw invalidArgument('seeds: each seed at most once');
  if (spec.method === 'random' && spec.numConfigurations < 1) throw invalidArgument('num_configurations: a random search draws at least 1');
  if (spec.method === 'grid' && spec.numConfigurations !== 0) throw invalidArgument('num_configurations: only for random search (a grid has every combination)');
  const configurations = spec.method === 'grid' ? spec.parameters.reduce((n, p) => n * p.values.length, 1) : spec.numConfigurations;
  if (configurations * spec.seeds.length > MAX_SWEEP_RUNS) {
    throw invalidArgument(`the sweep has ${configurations} configurations × ${spec.seeds.length} seeds, more than ${MAX_SWEEP_RUNS} runs`);
  }
}

function gridPoints(parameters: readonly SweepParameterSpec[]): Record<string, unknown>[] {
  return parameters.reduce<Record<string, unknown>[]>(
    (points, p) => points.flatMap((point) => p.values.map((value) => ({ ...point, [p.field]: value }))),
    [{}],
  );
}

function randomPoints(spec: SweepSpec): Record<string, unknown>[] {
  const rng = new SeededRng(spec.sweepSeed);
  return Array.from({ length: spec.numConfigurations }, () =>
    Object.fromEntries(spec.parameters.map((p) => [p.field, p.range ? drawFromRange(rng, p.range) : p.values[Math.floor(rng.nextFloat() * p.values.length)]])),
  );
}

function drawFromRange(rng: SeededRng, { min, max, logScale, integer }: NonNullable<SweepParameterSpec['range']>): number {
  const u = rng.nextFloat();
  const value = logScale ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
  return integer ? Math.min(max, Math.max(min, Math.round(value))) : value;
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
