import { describe, expect, it } from 'vitest';
import { referencedFields } from './query-ast';
import { QueryError } from './query-error';
import { parseQuery } from './query-parser';

/** The QueryError a query throws (fails the test if it parses). */
function errorOf(query: string): QueryError {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error(`expected '${query}' to be refused`);
}

describe('parseQuery', () => {
  it('reads the example from the issue with AND binding tighter than OR inside parentheses', () => {
    const node = parseQuery('family = "vae" and (metrics.test_nll < 100 or params.beta >= 2)');
    expect(node).toEqual({
      type: 'and',
      operands: [
        { type: 'compare', field: { scope: 'attribute', name: 'family', text: 'family' }, operator: '=', value: 'vae' },
        {
          type: 'or',
          operands: [
            { type: 'compare', field: { scope: 'metrics', key: 'test_nll', text: 'metrics.test_nll' }, operator: '<', value: 100 },
            { type: 'compare', field: { scope: 'params', path: ['beta'], text: 'params.beta' }, operator: '>=', value: 2 },
          ],
        },
      ],
    });
  });

  it('gives AND precedence over OR without parentheses', () => {
    const node = parseQuery("family = 'made' or family = 'vae' and seed = 1");
    expect(node?.type).toBe('or');
    expect(node?.type === 'or' && node.operands[1]?.type).toBe('and');
  });

  it('treats keywords case-insensitively and accepts not', () => {
    const node = parseQuery('NOT (status = "failed" OR status = "cancelled")');
    expect(node?.type).toBe('not');
  });

  it('reads ranges with brackets and as chained comparisons, in either direction', () => {
    const expected = { type: 'range', field: { scope: 'params', path: ['beta'], text: 'params.beta' }, low: 1, high: 4, lowInclusive: true, highInclusive: false };
    expect(parseQuery('params.beta in [1, 4)')).toEqual(expected);
    expect(parseQuery('1 <= params.beta < 4')).toEqual(expected);
    expect(parseQuery('4 > params.beta >= 1')).toEqual(expected);
    expect(parseQuery('metrics.fid in (0, 2.5e1]')).toMatchObject({ low: 0, high: 25, lowInclusive: false, highInclusive: true });
  });

  it('flips a single comparison written value first', () => {
    expect(parseQuery('100 > metrics.test_nll')).toMatchObject({ type: 'compare', operator: '<', value: 100 });
  });

  it('reads metric keys with slashes, nested params, negative numbers, escapes and booleans', () => {
    expect(parseQuery('metrics.train/loss <= -1.5')).toMatchObject({ field: { key: 'train/loss' }, value: -1.5 });
    expect(parseQuery('params.hiddenDims.0 = 400')).toMatchObject({ field: { path: ['hiddenDims', '0'] } });
    expect(parseQuery('params.name = "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
    expect(parseQuery('params.conditional = TRUE')).toMatchObject({ value: true });
    expect(parseQuery('params.beta == 2')).toMatchObject({ operator: '=' });
  });

  it('answers undefined for a blank query', () => {
    expect(parseQuery('   ')).toBeUndefined();
  });

  it('lists the fields a query names, once each', () => {
    const fields = referencedFields(parseQuery('metrics.fid < 3 or (metrics.fid > 9 and params.beta = 1)'));
    expect(fields.map((f) => f.text)).toEqual(['metrics.fid', 'params.beta']);
  });
});

describe('parseQuery errors say where and what was expected', () => {
  it('names the missing operator and the end of the query', () => {
    const error = errorOf('family = "vae" and params.beta');
    expect(error.message).toBe("expected a comparison (=, !=, <, <=, >, >=) or in [low, high] after params.beta at column 31, found the end of the query");
    expect(error.position).toBe(30);
  });

  it('suggests quotes for a bare word value', () => {
    const error = errorOf('family = vae');
    expect(error.message).toMatch(/after '=' at column 10, found 'vae': quote text, as in "vae"/);
    expect(error.column).toBe(10);
  });

  it('points at an unclosed parenthesis and at an unmatched one', () => {
    expect(errorOf('(family = "vae" or seed = 1').message).toMatch(/the '\(' at column 1 is not closed/);
    expect(errorOf('family = "vae")').message).toMatch(/unmatched '\)' at column 15/);
  });

  it('names unknown fields with a suggestion', () => {
    const error = errorOf('famly = "vae"');
    expect(error.message).toMatch(/unknown field 'famly' at column 1 \(did you mean family\?\)/);
    expect(errorOf('metric.fid < 2').message).toMatch(/unknown prefix 'metric\.'.*did you mean metrics\./);
    expect(errorOf('params. = 2').message).toMatch(/needs a name after each dot/);
  });

  it('refuses comparisons that cannot be true for the field type', () => {
    expect(errorOf('family < "vae"').message).toMatch(/family is text: use = or != with it, not </);
    expect(errorOf('metrics.fid = "low"').message).toMatch(/metrics.fid is a number/);
    expect(errorOf('status = "done"').message).toMatch(/status is one of queued, running, completed, failed, cancelled; "done" is not/);
    expect(errorOf('seed = "one"').message).toMatch(/seed is a number/);
    expect(errorOf('params.beta > "x"').message).toMatch(/> compares numbers/);
    expect(errorOf('family in [1, 2]').message).toMatch(/family is text/);
  });

  it('explains malformed ranges', () => {
    expect(errorOf('params.beta in [4, 1]').message).toMatch(/range at column 17 is empty/);
    expect(errorOf('params.beta in [1 4]').message).toMatch(/expected ',' between the ends of the range at column 19, found '4'/);
    expect(errorOf('1 < params.beta > 4').message).toMatch(/both comparisons the same way/);
  });

  it('rejects stray characters, unclosed strings and implicit conjunctions', () => {
    expect(errorOf('family = "vae" & seed = 1').message).toMatch(/unexpected '&' at column 16/);
    expect(errorOf('family = "vae').message).toMatch(/string starting at column 10 is not closed/);
    expect(errorOf('family = "vae" seed = 1').message).toMatch(/expected and, or, or the end of the query at column 16, found 'seed'/);
    expect(errorOf('seed = 1 and').message).toMatch(/expected a condition .* at column 13, found the end of the query/);
    expect(errorOf('!(seed = 1)').message).toMatch(/write != for "not equal", or not/);
    expect(errorOf('seed = 3x').message).toMatch(/'3x' at column 8 is not a number/);
  });

  describe('tags', () => {
    it('reads tags.<key> with dots and dashes in the key as one tag field', () => {
      expect(parseQuery('tags.stage.v2-b = "baseline" or tags.team != "x"')).toEqual({
        type: 'or',
        operands: [
          { type: 'compare', field: { scope: 'tags', key: 'stage.v2-b', text: 'tags.stage.v2-b' }, operator: '=', value: 'baseline' },
          { type: 'compare', field: { scope: 'tags', key: 'team', text: 'tags.team' }, operator: '!=', value: 'x' },
        ],
      });
    });

    it('refuses ordering, unquoted values and ranges on tags, saying tags are text', () => {
      expect(errorOf('tags.team < "b"').message).toMatch(/tags\.team is a tag, and tags are text: use = or != with it, not </);
      expect(errorOf('tags.priority = 1').message).toMatch(/write the value in quotes, as in tags\.priority = "1"/);
      expect(errorOf('tags.priority in [1, 2]').message).toMatch(/tags\.priority is text/);
      expect(errorOf('tags. = "x"').message).toMatch(/needs a name after each dot, e\.g\. tags\.team/);
    });

    it('suggests tags. for a misspelt prefix', () => {
      expect(errorOf('tag.team = "x"').message).toMatch(/did you mean tags\.\?/);
    });
  });
});
