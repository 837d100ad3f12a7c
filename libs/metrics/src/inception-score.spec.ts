import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { featureMatrix } from './features/feature-matrix';
import { inceptionScore } from './inception-score';

const rows = (list: readonly (readonly number[])[]) => featureMatrix(Float64Array.from(list.flat()), list.length, list[0].length);

describe('inceptionScore', () => {
  it('is 1 when every sample has the same (uniform) class distribution', () => {
    const uniform = featureMatrix(new Float32Array(50 * 8).fill(1 / 8), 50, 8);
    const score = inceptionScore(uniform, { splits: 5 });
    expect(score.mean).toBeCloseTo(1, 6);
    expect(score.std).toBeCloseTo(0, 6);
  });

  it('is C for confident predictions spread evenly over C classes', () => {
    const classes = 10;
    const oneHot = Array.from({ length: 10 * classes }, (_, i) => Array.from({ length: classes }, (_, c) => (c === i % classes ? 1 : 0)));
    expect(inceptionScore(rows(oneHot))).toEqual({ mean: expect.closeTo(classes, 12), std: expect.closeTo(0, 12), splits: 10 });
    // All in one class: p(y|x) = p(y), no information.
    expect(inceptionScore(rows(oneHot.map(() => oneHot[0])), { splits: 2 }).mean).toBeCloseTo(1, 12);
  });

  it('matches a hand computation with unequal splits', () => {
    // split 0: rows a, b → p(y) = (0.5, 0.5); KL = 0.9 ln 1.8 + 0.1 ln 0.2 for both
    // split 1: rows a, a, c → p(y) = (0.7, 0.3); KL(a) = 0.9 ln(9/7) + 0.1 ln(1/3), KL(c) = 0.3 ln(3/7) + 0.7 ln(7/3)
    const [a, b, c] = [[0.9, 0.1], [0.1, 0.9], [0.3, 0.7]];
    const first = Math.exp(0.9 * Math.log(1.8) + 0.1 * Math.log(0.2));
    const klA = 0.9 * Math.log(0.9 / 0.7) + 0.1 * Math.log(0.1 / 0.3);
    const klC = 0.3 * Math.log(0.3 / 0.7) + 0.7 * Math.log(0.7 / 0.3);
    const second = Math.exp((2 * klA + klC) / 3);
    const score = inceptionScore(rows([a, b, a, a, c]), { splits: 2 }); // boundaries ⌊5/2⌋ = 2
    expect(score.mean).toBeCloseTo((first + second) / 2, 12);
    expect(score.std).toBeCloseTo(Math.abs(first - second) / 2, 12);
  });

  it('refuses rows that are not distributions and more splits than rows', () => {
    expect(() => inceptionScore(rows([[0.5, 0.6]]), { splits: 1 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: 'probabilities: row 0 sums to 1.1, not 1' }));
    expect(() => inceptionScore(rows([[1.5, -0.5]]), { splits: 1 })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    expect(() => inceptionScore(rows([[1, 0], [0, 1]]))).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: 'splits: 10 splits need at least 10 rows, got 2' }));
  });
});
