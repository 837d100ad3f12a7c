import type { Field, RunRecord } from '@genlab/run-query';
import { metricRank } from './measurement';

/**
 * Which params and metrics the runs table shows: those the query or sort names, then the
 * params that differ between the listed runs (the ones a sweep varies) and the metrics
 * they report, up to a few of each so the table stays readable.
 */

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function paramColumns(records: readonly RunRecord[], referenced: readonly Field[], max = 4): string[] {
  const chosen = [...new Set(referenced.filter((f) => f.scope === 'params').map((f) => f.text))];
  const seen = new Map<string, Set<string>>();
  for (const record of records) {
    if (!record.params || typeof record.params !== 'object') continue;
    for (const [name, value] of Object.entries(record.params as Record<string, unknown>)) {
      if (!isScalar(value)) continue;
      let values = seen.get(name);
      if (!values) seen.set(name, (values = new Set()));
      values.add(String(value));
    }
  }
  const varying = [...seen].filter(([, values]) => values.size > 1).map(([name]) => `params.${name}`);
  for (const name of varying) {
    if (chosen.length >= Math.max(max, referenced.length)) break;
    if (!chosen.includes(name)) chosen.push(name);
  }
  return chosen;
}

export function metricColumns(records: readonly RunRecord[], referenced: readonly Field[], max = 6): string[] {
  const chosen = [...new Set(referenced.filter((f) => f.scope === 'metrics').map((f) => f.text))];
  const counts = new Map<string, number>();
  for (const record of records) for (const key of Object.keys(record.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
  const rank = (key: string) => (key.startsWith('train/') ? -1 : metricRank(key.replace(/_bpd$/, '')) + (key.endsWith('_bpd') ? 0.5 : 0));
  const present = [...counts.keys()]
    .filter((key) => !key.endsWith('_bpd')) // the nats twin is enough in the table; queries can still use _bpd
    .sort((a, b) => rank(a) - rank(b) || (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a.localeCompare(b))
    .map((key) => `metrics.${key}`);
  for (const name of present) {
    if (chosen.length >= Math.max(max, referenced.length)) break;
    if (!chosen.includes(name)) chosen.push(name);
  }
  return chosen;
}
