import { describe, expect, it } from 'vitest';
import { formatQuery } from './query-format';
import { parseQuery } from './query-parser';

describe('formatQuery', () => {
  it.each([
    'family = "vae" and (metrics.test_nll < 100 or params.beta >= 2)',
    "family = 'made' or family = 'vae' and seed = 1",
    'not (status = "failed" or status = "cancelled") and tags.team = "a \\"quoted\\" \\\\ name"',
    '1 <= params.beta < 4 and metrics.fid in (0.5, 1e3] and params.hiddenDims.0 = 400',
    '100 > metrics.train/loss and params.conditional = true and tags.stage.v2 != "x"',
    'params.lr = -1.5e-4',
  ])('writes %s back as text that parses to the same tree', (query) => {
    const tree = parseQuery(query);
    expect(parseQuery(formatQuery(tree))).toEqual(tree);
  });

  it('writes nothing for no query', () => {
    expect(formatQuery(undefined)).toBe('');
  });
});
