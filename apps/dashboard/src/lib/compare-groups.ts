/**
 * Grouping the compared runs' curves: runs with the same value of one param (the seed, and
 * whatever else is not that param, being what varies inside a group) become one curve, the
 * mean over the group's runs at each step with a ±1 sample-std band.
 */

/** A config value the way groups and axes compare it; objects and arrays are not params to group by. */
export type ParamValue = string | number | boolean | undefined;

/** What a run contributes to grouping: its config (params), seed and identity. */
export interface GroupableRun {
  id: string;
  family: string;
  datasetId: string;
  seed: number;
  config: Readonly<Record<string, unknown>>;
}

/** `seed`: runs whose family, dataset and config are equal apart from the seed. */
export const SEED_GROUPING = 'seed';

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function paramValue(config: Readonly<Record<string, unknown>>, name: string): ParamValue {
  const value = config[name];
  return isScalar(value) ? value : undefined;
}

/** How a value reads in legends and on axes; a run without the param shows a dash. */
export const formatParamValue = (value: ParamValue): string => (value === undefined ? '—' : String(value));

/**
 * The scalar params whose value is not the same in every run (a param some runs lack
 * counts as varying), sorted by name. `seed` in a config is left out: the run's seed is
 * grouped by {@link SEED_GROUPING}.
 */
export function varyingParams(configs: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] {
  const names = new Set(configs.flatMap((c) => Object.keys(c).filter((name) => isScalar(c[name]))));
  names.delete('seed');
  return [...names]
    .filter((name) => new Set(configs.map((c) => JSON.stringify(paramValue(c, name) ?? null))).size > 1)
    .sort((a, b) => a.localeCompare(b));
}

/** Numbers in numeric order before strings, booleans false before true, the missing value last. */
export function compareParamValues(a: ParamValue, b: ParamValue): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const rank = (v: string | number | boolean) => (typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

export interface RunGroup {
  /** Stable key of the group (used in URLs of nothing, only React keys and test ids). */
  key: string;
  /** What the runs share: "beta = 2", or for seed grouping the varying params' values. */
  label: string;
  runIds: string[];
  seeds: number[];
}

function withoutSeed(config: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(config)
    .filter(([name]) => name !== 'seed')
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

/**
 * Runs grouped by the value of `by` (a config param), or with {@link SEED_GROUPING} by
 * everything but the seed. Groups come in the order of their values (for a param) or of
 * their first run (for seeds); runs keep their input order inside a group.
 */
export function groupRuns(runs: readonly GroupableRun[], by: string): RunGroup[] {
  const groups = new Map<string, { value: ParamValue; first: GroupableRun; runs: GroupableRun[] }>();
  for (const run of runs) {
    const value = by === SEED_GROUPING ? undefined : paramValue(run.config, by);
    const key = by === SEED_GROUPING ? `${run.family}|${run.datasetId}|${withoutSeed(run.config)}` : JSON.stringify(value ?? null);
    const group = groups.get(key);
    if (group) group.runs.push(run);
    else groups.set(key, { value, first: run, runs: [run] });
  }
  const varying = by === SEED_GROUPING ? varyingParams(runs.map((r) => r.config)) : [];
  const families = new Set(runs.map((r) => r.family)).size > 1;
  const seedLabel = (run: GroupableRun) => {
    const parts = varying.map((name) => `${name} = ${formatParamValue(paramValue(run.config, name))}`);
    if (families || parts.length === 0) parts.unshift(run.family);
    return parts.join(', ');
  };
  const list = [...groups].map(([key, g]) => ({
    key,
    value: g.value,
    label: by === SEED_GROUPING ? seedLabel(g.first) : `${by} = ${formatParamValue(g.value)}`,
    runIds: g.runs.map((r) => r.id),
    seeds: g.runs.map((r) => r.seed),
  }));
  if (by !== SEED_GROUPING) list.sort((a, b) => compareParamValues(a.value, b.value));
  return list.map(({ key, label, runIds, seeds }) => ({ key, label, runIds, seeds }));
}

/** One step of a group's curve: the mean over `runs` runs, and their sample std when there are two or more. */
export interface GroupPoint {
  step: number;
  mean: number;
  std?: number;
  runs: number;
}

/**
 * The mean curve of a group of runs with its ±1 std band. Curves are aligned on their
 * logged steps, and only the steps every curve has are kept: a mean over a changing subset
 * of runs would jump where one run stops or logs less often. The std is the sample std
 * (n − 1); a group of one run is that run's curve without a band. Non-finite values are
 * ignored (a run whose loss became NaN at a step does not have that step).
 */
export function aggregateCurves(curves: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): GroupPoint[] {
  if (curves.length === 0) return [];
  const byRun = curves.map((points) => {
    const values = new Map<number, number>();
    for (const [step, value] of points) if (Number.isFinite(step) && Number.isFinite(value)) values.set(step, value);
    return values;
  });
  const [first, ...rest] = byRun as [Map<number, number>, ...Map<number, number>[]];
  const shared = [...first.keys()].filter((step) => rest.every((values) => values.has(step))).sort((a, b) => a - b);
  return shared.map((step) => {
    const values = byRun.map((v) => v.get(step) as number);
    const n = values.length;
    const mean = values.reduce((sum, v) => sum + v, 0) / n;
    if (n < 2) return { step, mean, runs: n };
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
    return { step, mean, std: Math.sqrt(variance), runs: n };
  });
}
