import type { Run } from '@genlab/db';
import { canonicalJson } from './sweep-plan';

/** A completed run's final values: the last point of each metric key, and its checkpoints' validation losses. */
export interface RunResult {
  readonly run: Run;
  readonly finals: Readonly<Record<string, number>>;
}

export interface MetricAggregate {
  readonly key: string;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  readonly std: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

export interface ConfigurationSummary {
  readonly family: string;
  readonly datasetId: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Set when every run of the configuration came from the same sweep. */
  readonly sweepId: string | null;
  readonly runs: readonly Run[];
  readonly runsCompleted: number;
  readonly metrics: readonly MetricAggregate[];
}

/**
 * Groups an experiment's runs by configuration (family, dataset and validated config, seed
 * aside) in the order each configuration first appears, and aggregates each final metric
 * over the configuration's completed runs. Runs that failed, were cancelled or are still
 * going are listed but contribute no values.
 */
export function summarizeConfigurations(runs: readonly Run[], results: readonly RunResult[]): ConfigurationSummary[] {
  const finals = new Map(results.map((r) => [r.run.id, r.finals]));
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const key = `${run.family}\u0000${run.datasetId}\u0000${canonicalJson(run.config)}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((members) => {
    const first = members[0] as Run;
    const values = new Map<string, number[]>();
    for (const run of members) {
      if (run.status !== 'completed') continue;
      for (const [key, value] of Object.entries(finals.get(run.id) ?? {})) values.set(key, [...(values.get(key) ?? []), value]);
    }
    const sweeps = new Set(members.map((r) => r.sweepId));
    return {
      family: first.family,
      datasetId: first.datasetId,
      config: first.config,
      sweepId: sweeps.size === 1 ? first.sweepId : null,
      runs: members,
      runsCompleted: members.filter((r) => r.status === 'completed').length,
      metrics: [...values.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => aggregate(key, v)),
    };
  });
}

export function aggregate(key: string, values: readonly number[]): MetricAggregate {
  const count = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / count;
  const variance = count > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (count - 1) : 0;
  return { key, mean, std: Math.sqrt(variance), count, min: Math.min(...values), max: Math.max(...values) };
}
