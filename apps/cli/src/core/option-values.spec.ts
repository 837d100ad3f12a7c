import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './cli-error';
import { intOption, jsonObjectOption, listOption } from './option-values';

const dir = mkdtempSync(join(tmpdir(), 'genlab-cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('option values', () => {
  it('parses integers within bounds, with a fallback when absent', () => {
    expect(intOption({ count: '16' }, 'count', { min: 1 })).toBe(16);
    expect(intOption({}, 'count', { fallback: 0 })).toBe(0);
    for (const bad of ['0', '1.5', 'ten', '1e3', '']) expect(() => intOption({ count: bad }, 'count', { min: 1 })).toThrow(UsageError);
    expect(() => intOption({ seed: String(2 ** 32) }, 'seed', { max: 2 ** 32 - 1 })).toThrow(/--seed must be an integer in \[0, 4294967295\]/);
  });

  it('splits comma lists', () => {
    expect(listOption({ metrics: 'neg_elbo, iwae,,' }, 'metrics')).toEqual(['neg_elbo', 'iwae']);
    expect(listOption({}, 'metrics')).toEqual([]);
  });

  it('reads a JSON object inline or from @file, and names what is wrong otherwise', () => {
    expect(jsonObjectOption({ config: '{ "maxSteps": 40 }' }, 'config', dir)).toBe('{"maxSteps":40}');
    writeFileSync(join(dir, 'run.json'), '{"latentDim": 2}\n');
    expect(jsonObjectOption({ config: '@run.json' }, 'config', dir)).toBe('{"latentDim":2}');
    expect(jsonObjectOption({}, 'config', dir)).toBeUndefined();
    expect(() => jsonObjectOption({ config: '{nope' }, 'config', dir)).toThrow(/--config is not valid JSON/);
    expect(() => jsonObjectOption({ config: '[1]' }, 'config', dir)).toThrow(/must be a JSON object/);
    expect(() => jsonObjectOption({ config: '@missing.json' }, 'config', dir)).toThrow(/cannot read 'missing.json': ENOENT/);
  });
});
