import { grid25, ring8, type SyntheticMixtureDataset } from '@genlab/data';
import type { Dataset } from '@genlab/db';

const KNOWN: Record<string, SyntheticMixtureDataset> = { ring8, grid25 };

/** The true density of a synthetic dataset genlab generated (ring8, grid25), if it is one. */
export function knownDensityOf(dataset: Dataset): SyntheticMixtureDataset | undefined {
  if (dataset.kind !== 'synthetic') return undefined;
  const generator = (dataset.stats as { generator?: unknown }).generator;
  return typeof generator === 'string' ? KNOWN[generator] : undefined;
}
