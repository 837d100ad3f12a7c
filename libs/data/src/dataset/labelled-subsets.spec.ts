import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { dataEfficiencySubsets, takeLabelledSubset } from './labelled-subsets';

/** 10 classes of unequal size: class c has 500 + 60c examples (7,700 in all), interleaved. */
function unbalancedLabels(): Int32Array {
  const labels: number[] = [];
  for (let c = 0; c < 10; c += 1) for (let i = 0; i < 500 + 60 * c; i += 1) labels.push(c);
  // A fixed interleaving, so indices of one class are not contiguous.
  return Int32Array.from(labels.map((label, i) => ({ label, key: (i * 7919) % labels.length })).sort((a, b) => a.key - b.key).map((e) => e.label));
}

describe('dataEfficiencySubsets', () => {
  const labels = unbalancedLabels();

  it('picks nested, class-balanced subsets for the sizes that fit', () => {
    const subsets = dataEfficiencySubsets(labels, [1000, 100, 300, 3000, 8000], 5);
    expect(subsets.map((s) => s.size)).toEqual([100, 300, 1000, 3000]); // 8,000 > 7,700 examples
    for (const subset of subsets) {
      expect(subset.indices).toHaveLength(subset.size);
      expect(new Set(subset.indices).size).toBe(subset.size);
      for (let i = 1; i < subset.size; i += 1) expect(subset.indices[i]!).toBeGreaterThan(subset.indices[i - 1]!);
      const counts = new Array<number>(10).fill(0);
      for (const index of subset.indices) counts[labels[index]!]! += 1;
      expect(Array.from(subset.classCounts)).toEqual(counts);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    for (let s = 1; s < subsets.length; s += 1) {
      const larger = new Set(subsets[s]!.indices);
      for (const index of subsets[s - 1]!.indices) expect(larger.has(index)).toBe(true);
    }
  });

  it('is fixed by the seed, and another seed picks other examples', () => {
    const [a] = dataEfficiencySubsets(labels, [100], 1);
    const [again] = dataEfficiencySubsets(labels, [100], 1);
    const [other] = dataEfficiencySubsets(labels, [100], 2);
    expect(again!.indices).toEqual(a!.indices);
    const shared = other!.indices.filter((index) => a!.indices.includes(index)).length;
    expect(shared).toBeLessThan(20); // two random 100-subsets of 7,700 share ~1.3 examples
  });

  it('takes all of a class that runs out and balances the rest', () => {
    const rare = Int32Array.from([...new Array<number>(200).fill(0), ...new Array<number>(200).fill(1), 2, 2, 2]);
    const [subset] = dataEfficiencySubsets(rare, [51], 0);
    expect(Array.from(subset!.classCounts)).toEqual([24, 24, 3]);
    expect(dataEfficiencySubsets(rare, [1000])).toEqual([]);
  });

  it('refuses bad sizes and labels', () => {
    const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
    expect(() => dataEfficiencySubsets(labels, [0])).toThrow(invalid);
    expect(() => dataEfficiencySubsets(labels, [10.5])).toThrow(invalid);
    expect(() => dataEfficiencySubsets([0, -1], [1])).toThrow(invalid);
    expect(() => dataEfficiencySubsets(labels, [10], -1)).toThrow(invalid);
  });
});

describe('takeLabelledSubset', () => {
  const labels = Int32Array.from({ length: 60 }, (_, i) => i % 3);
  const data = { shape: [2], count: 60, x: Float32Array.from({ length: 120 }, (_, i) => i), labels, numClasses: 3 };

  it('copies out the examples and labels of the seeded subset', () => {
    const subset = takeLabelledSubset(data, 12, 4);
    const [chosen] = dataEfficiencySubsets(labels, [12], 4);
    expect(subset.count).toBe(12);
    expect(subset.numClasses).toBe(3);
    expect(Array.from(subset.labels!)).toEqual(Array.from(chosen!.indices, (i) => labels[i]));
    expect(Array.from(subset.x)).toEqual(Array.from(chosen!.indices).flatMap((i) => [2 * i, 2 * i + 1]));
    expect(Array.from(chosen!.classCounts)).toEqual([4, 4, 4]);
  });

  it('refuses unlabelled data and sizes beyond the split', () => {
    const invalid = expect.objectContaining({ code: ErrorCode.InvalidArgument });
    expect(() => takeLabelledSubset({ ...data, labels: undefined }, 10, 0)).toThrow(invalid);
    expect(() => takeLabelledSubset(data, 61, 0)).toThrow(invalid);
    expect(() => takeLabelledSubset(data, 0, 0)).toThrow(invalid);
  });
});
