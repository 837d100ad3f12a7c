import { QueryError } from './query-error';

/** A run's own properties that a query can name without a prefix. */
export const ATTRIBUTES = {
  family: { type: 'text', description: 'model family, e.g. "vae"' },
  dataset: { type: 'text', description: 'dataset name (or id)' },
  status: { type: 'text', description: 'queued, running, completed, failed or cancelled', values: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
  experiment: { type: 'text', description: 'experiment name (or id)' },
  id: { type: 'text', description: 'run id' },
  seed: { type: 'number', description: 'the run seed' },
  steps: { type: 'number', description: 'steps done' },
} as const satisfies Record<string, { type: 'text' | 'number'; description: string; values?: readonly string[] }>;

export type AttributeName = keyof typeof ATTRIBUTES;

/**
 * What a query compares: an attribute (`family`), a config parameter (`params.beta`,
 * `params.hiddenDims.0`), a metric (`metrics.test_nll`, `metrics.train/loss`) or a tag
 * (`tags.team`, `tags.stage.v2`: everything after `tags.` is the key).
 */
export type Field =
  | { readonly scope: 'attribute'; readonly name: AttributeName; readonly text: string }
  | { readonly scope: 'params'; readonly path: readonly string[]; readonly text: string }
  | { readonly scope: 'metrics'; readonly key: string; readonly text: string }
  /** A run tag (`tags.team`): text, compared with = and !=. */
  | { readonly scope: 'tags'; readonly key: string; readonly text: string };

const isAttribute = (name: string): name is AttributeName => Object.hasOwn(ATTRIBUTES, name);

/** Read a field name as written in a query or a sort parameter; `position` locates errors. */
export function parseField(text: string, position = 0): Field {
  const dot = text.indexOf('.');
  if (dot < 0) {
    const name = text.toLowerCase();
    if (isAttribute(name)) return { scope: 'attribute', name, text: name };
    throw new QueryError(`unknown field '${text}' at column ${position + 1}${suggest(name)}: use one of ${Object.keys(ATTRIBUTES).join(', ')}, or params.<name>, metrics.<name> or tags.<key>`, position, text.length);
  }
  const scope = text.slice(0, dot).toLowerCase();
  const rest = text.slice(dot + 1);
  if (scope !== 'params' && scope !== 'metrics' && scope !== 'tags') {
    throw new QueryError(`unknown prefix '${text.slice(0, dot)}.' at column ${position + 1}${suggestScope(scope)}: fields with a dot start with params., metrics. or tags.`, position, dot + 1);
  }
  const path = rest.split('.');
  if (rest === '' || path.some((part) => part === '')) {
    throw new QueryError(`'${text}' at column ${position + 1} needs a name after each dot, e.g. ${scope}.${EXAMPLE_NAME[scope]}`, position, text.length);
  }
  if (scope === 'params') return { scope, path, text: `params.${rest}` };
  return { scope, key: rest, text: `${scope}.${rest}` };
}

const EXAMPLE_NAME = { params: 'beta', metrics: 'test_nll', tags: 'team' } as const;

function suggest(name: string): string {
  const close = Object.keys(ATTRIBUTES).find((known) => editDistance(known, name) <= 2);
  return close ? ` (did you mean ${close}?)` : '';
}

function suggestScope(scope: string): string {
  const close = ['params', 'metrics', 'tags'].find((known) => editDistance(known, scope) <= 2 || (['param', 'metric', 'tag'].includes(scope) ? known.startsWith(scope) : false));
  return close ? ` (did you mean ${close}.?)` : '';
}

/** Levenshtein distance, for "did you mean" hints on short names. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
