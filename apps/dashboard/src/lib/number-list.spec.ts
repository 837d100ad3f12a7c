import { describe, expect, it } from 'vitest';
import { parseIntegerList } from './number-list';

describe('parseIntegerList', () => {
  const sizes = { min: 1, max: 100_000, what: 'label count' };

  it('reads comma- or space-separated integers in the order given', () => {
    expect(parseIntegerList('100, 300 1000,3000', sizes)).toEqual({ values: [100, 300, 1000, 3000] });
    expect(parseIntegerList(' 0 ,1', { min: 0, max: 10, what: 'seed' })).toEqual({ values: [0, 1] });
  });

  it('says what is wrong: empty, out of range, not an integer, repeated', () => {
    expect(parseIntegerList(' , ', sizes)).toEqual({ error: 'list at least one label count' });
    expect(parseIntegerList('100, 0', sizes)).toEqual({ error: "'0' is not a label count (an integer from 1 to 100000)" });
    expect(parseIntegerList('1.5', sizes)).toEqual({ error: "'1.5' is not a label count (an integer from 1 to 100000)" });
    expect(parseIntegerList('-3', sizes)).toEqual({ error: "'-3' is not a label count (an integer from 1 to 100000)" });
    expect(parseIntegerList('100 100', sizes)).toEqual({ error: '100 is listed twice' });
  });
});
