import { describe, expect, it } from 'vitest';
import { configFields, describeRule, fieldErrorsFrom, readConfig, readField } from './config-form';

// The shapes zod's toJSONSchema gives the families' configs (see TrainingService.ListFamilies).
const schema = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    architecture: { default: 'mlp', description: 'Denoiser.', type: 'string', enum: ['mlp', 'unet'] },
    latentDim: { default: 20, description: 'Dimension of z.', type: 'integer', minimum: 1, maximum: 4096 },
    hiddenDims: { default: [400], type: 'array', minItems: 1, maxItems: 8, items: { type: 'integer', minimum: 1, maximum: 16384 } },
    conditional: { default: false, type: 'boolean' },
    levels: { default: 2, anyOf: [{ type: 'number', const: 1 }, { type: 'number', const: 2 }] },
    learningRate: { default: 0.001, type: 'number', exclusiveMinimum: 0, maximum: 1 },
    maxSteps: { description: 'Stop after this many steps, if earlier.', type: 'integer', minimum: 1, maximum: 9007199254740991 },
  },
  additionalProperties: false,
});

describe('configFields', () => {
  it('makes a field per property with its kind, default, bounds and group', () => {
    const fields = configFields(schema);
    expect(fields.map((f) => [f.name, f.kind, f.defaultText, f.group])).toEqual([
      ['architecture', 'choice', 'mlp', 'model'],
      ['latentDim', 'integer', '20', 'model'],
      ['hiddenDims', 'integer-list', '400', 'model'],
      ['conditional', 'boolean', 'false', 'model'],
      ['levels', 'choice', '2', 'model'],
      ['learningRate', 'number', '0.001', 'training'],
      ['maxSteps', 'integer', '', 'training'],
    ]);
    const hidden = fields[2]!;
    expect([hidden.minimum, hidden.maximum, hidden.minItems, hidden.maxItems]).toEqual([1, 16384, 1, 8]);
    expect(fields[4]).toMatchObject({ options: ['1', '2'], numericChoice: true });
  });

  it('states each rule in words', () => {
    const [, latent, , , , rate, steps] = configFields(schema);
    expect(describeRule(latent!)).toBe('an integer from 1 to 4096');
    expect(describeRule(rate!)).toBe('a number above 0 and at most 1');
    expect(describeRule(steps!)).toBe('an integer at least 1');
  });
});

describe('readConfig', () => {
  const fields = configFields(schema);

  it('reads typed values and leaves blank fields to their defaults', () => {
    const { config, errors } = readConfig(fields, { architecture: 'unet', latentDim: '8', hiddenDims: '64, 64', conditional: 'on', levels: '1', learningRate: '', maxSteps: '20' });
    expect(errors).toEqual({});
    expect(config).toEqual({ architecture: 'unet', latentDim: 8, hiddenDims: [64, 64], conditional: true, levels: 1, maxSteps: 20 });
  });

  it('says what is wrong with each field, in the schema’s terms', () => {
    const { errors } = readConfig(fields, { architecture: 'cnn', latentDim: '2.5', hiddenDims: '64, -1', learningRate: '0', maxSteps: 'ten' });
    expect(errors).toEqual({
      architecture: 'must be one of mlp, unet',
      latentDim: 'must be an integer from 1 to 4096',
      hiddenDims: '-1: must be an integer from 1 to 16384 (write a list such as 64, 64)',
      learningRate: 'must be a number above 0 and at most 1',
      maxSteps: "'ten' is not a number: enter an integer at least 1",
    });
  });

  it('checks list lengths', () => {
    expect(readField(fields[2]!, Array.from({ length: 9 }, () => '8').join(','))).toEqual({ error: 'takes at most 8 values' });
  });
});

describe('fieldErrorsFrom', () => {
  const names = ['latentDim', 'hiddenDims', 'beta', 'batchSize'];

  it("maps the service's config errors onto fields, list items included", () => {
    const message = 'invalid vae config: config.latentDim: must be a positive integer; config.hiddenDims[1]: must be a positive integer; config.foo: is not a known field';
    expect(fieldErrorsFrom(message, names)).toEqual({
      fields: { latentDim: 'must be a positive integer', hiddenDims: 'item 2: must be a positive integer' },
      other: ['foo: is not a known field'],
    });
  });

  it('keeps a refusal about the whole run for the form, and beside the one field it names', () => {
    const message = 'the training split has 3000 examples, fewer than one batch (batchSize 5000): set batchSize to at most 3000, or use a larger training split';
    expect(fieldErrorsFrom(message, names)).toEqual({ fields: { batchSize: message }, other: [message] });
    expect(fieldErrorsFrom('dataset not found', names)).toEqual({ fields: {}, other: ['dataset not found'] });
  });
});
