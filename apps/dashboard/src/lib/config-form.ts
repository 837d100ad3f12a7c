/**
 * A form from a family's config JSON Schema (TrainingService.ListFamilies): one field per
 * property, values read back from strings with the schema's own bounds, so the browser can
 * say what is wrong before the service does. The service validates again and has the last
 * word (its INVALID_ARGUMENT messages map back onto the fields with `fieldErrorsFrom`).
 */

export type FieldKind = 'choice' | 'integer' | 'number' | 'boolean' | 'integer-list' | 'number-list' | 'text';

export interface ConfigField {
  name: string;
  kind: FieldKind;
  description: string;
  /** The default as the form shows it ('' when there is none: the field is optional). */
  defaultText: string;
  /** choice: the allowed values, as written in the form. */
  options: string[];
  /** choice: whether the values are numbers (anyOf of numeric consts). */
  numericChoice: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  /** Where the field goes: the model's architecture, or its training schedule. */
  group: 'model' | 'training';
}

const TRAINING_FIELDS = new Set(['learningRate', 'batchSize', 'epochs', 'maxSteps', 'beta1', 'beta2']);

type JsonSchema = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function kindOf(property: JsonSchema): { kind: FieldKind; options: string[]; numericChoice: boolean } {
  const anyOf = Array.isArray(property.anyOf) ? (property.anyOf as JsonSchema[]) : undefined;
  if (anyOf && anyOf.every((option) => 'const' in option)) {
    return { kind: 'choice', options: anyOf.map((o) => String(o.const)), numericChoice: anyOf.every((o) => typeof o.const === 'number') };
  }
  if (Array.isArray(property.enum)) return { kind: 'choice', options: property.enum.map(String), numericChoice: property.enum.every((v) => typeof v === 'number') };
  switch (property.type) {
    case 'integer':
      return { kind: 'integer', options: [], numericChoice: false };
    case 'number':
      return { kind: 'number', options: [], numericChoice: false };
    case 'boolean':
      return { kind: 'boolean', options: [], numericChoice: false };
    case 'array': {
      const items = (property.items ?? {}) as JsonSchema;
      return { kind: items.type === 'integer' ? 'integer-list' : items.type === 'number' ? 'number-list' : 'text', options: [], numericChoice: false };
    }
    default:
      return { kind: 'text', options: [], numericChoice: false };
  }
}

function defaultText(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** The form's fields, in the schema's order. Throws on a schema that is not an object schema. */
export function configFields(schemaJson: string): ConfigField[] {
  const schema = JSON.parse(schemaJson) as JsonSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, property]) => {
    const items = (property.items ?? {}) as JsonSchema;
    const { kind, options, numericChoice } = kindOf(property);
    const list = kind === 'integer-list' || kind === 'number-list';
    return {
      name,
      kind,
      options,
      numericChoice,
      description: typeof property.description === 'string' ? property.description : '',
      defaultText: defaultText(property.default),
      minimum: num(list ? items.minimum : property.minimum),
      maximum: num(list ? items.maximum : property.maximum),
      exclusiveMinimum: num(list ? items.exclusiveMinimum : property.exclusiveMinimum),
      exclusiveMaximum: num(list ? items.exclusiveMaximum : property.exclusiveMaximum),
      minItems: num(property.minItems),
      maxItems: num(property.maxItems),
      group: TRAINING_FIELDS.has(name) ? 'training' : 'model',
    };
  });
}

/** "an integer from 1 to 4096", "a number above 0 and at most 1": the field's rule in words. */
export function describeRule(field: ConfigField): string {
  const what = field.kind === 'integer' || field.kind === 'integer-list' ? 'integer' : 'number';
  const bounds: string[] = [];
  if (field.minimum !== undefined && field.maximum !== undefined && field.maximum < Number.MAX_SAFE_INTEGER) {
    bounds.push(`from ${field.minimum} to ${field.maximum}`);
  } else {
    if (field.minimum !== undefined) bounds.push(`at least ${field.minimum}`);
    if (field.maximum !== undefined && field.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`at most ${field.maximum}`);
  }
  if (field.exclusiveMinimum !== undefined) bounds.unshift(`above ${field.exclusiveMinimum}`);
  if (field.exclusiveMaximum !== undefined) bounds.push(`below ${field.exclusiveMaximum}`);
  return `${what === 'integer' ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
}

function checkNumber(field: ConfigField, text: string): { value?: number; error?: string } {
  const value = Number(text);
  const rule = describeRule(field);
  if (text.trim() === '' || !Number.isFinite(value)) return { error: `'${text}' is not a number: enter ${rule}` };
  const integer = field.kind === 'integer' || field.kind === 'integer-list';
  const outside =
    (integer && !Number.isInteger(value)) ||
    (field.minimum !== undefined && value < field.minimum) ||
    (field.maximum !== undefined && value > field.maximum) ||
    (field.exclusiveMinimum !== undefined && value <= field.exclusiveMinimum) ||
    (field.exclusiveMaximum !== undefined && value >= field.exclusiveMaximum);
  return outside ? { error: `must be ${rule}` } : { value };
}

/** A field's value from its text; `value` undefined with no error means "leave it out" (the default). */
export function readField(field: ConfigField, text: string | undefined): { value?: unknown; error?: string } {
  if (field.kind === 'boolean') return { value: text === 'true' || text === 'on' };
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return {};
  switch (field.kind) {
    case 'choice':
      if (!field.options.includes(trimmed)) return { error: `must be one of ${field.options.join(', ')}` };
      return { value: field.numericChoice ? Number(trimmed) : trimmed };
    case 'integer':
    case 'number':
      return checkNumber(field, trimmed);
    case 'integer-list':
    case 'number-list': {
      const parts = trimmed.split(/[\s,]+/).filter(Boolean);
      const values: number[] = [];
      for (const part of parts) {
        const { value, error } = checkNumber(field, part);
        if (error) return { error: `${part}: ${error.replace(/^'[^']*' is not a number: enter /, 'must be ')} (write a list such as 64, 64)` };
        values.push(value as number);
      }
      if (field.minItems !== undefined && values.length < field.minItems) return { error: `needs at least ${field.minItems} value${field.minItems === 1 ? '' : 's'}` };
      if (field.maxItems !== undefined && values.length > field.maxItems) return { error: `takes at most ${field.maxItems} values` };
      return { value: values };
    }
    default:
      return { value: trimmed };
  }
}

/** The config object from the form's texts by field name, and an error per field that is wrong. */
export function readConfig(fields: readonly ConfigField[], texts: Readonly<Record<string, string | undefined>>): {
  config: Record<string, unknown>;
  errors: Record<string, string>;
} {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const { value, error } = readField(field, texts[field.name]);
    if (error) errors[field.name] = error;
    else if (value !== undefined) config[field.name] = value;
  }
  return { config, errors };
}

/**
 * Split the training service's INVALID_ARGUMENT for a config ("invalid vae config:
 * config.latentDim: must be a positive integer; config.hiddenDims[1]: ...") into messages
 * per field; whatever names no field stays in `other`.
 */
export function fieldErrorsFrom(message: string, fieldNames: readonly string[]): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  const prefix = /^invalid \S+ config:\s*/.exec(message);
  if (!prefix) {
    // A refusal about the run as a whole (e.g. the batch is larger than the training split):
    // shown for the form, and beside the one field it names, if it names exactly one.
    const named = fieldNames.filter((name) => new RegExp(`\\b${name}\\b`).test(message));
    if (named.length === 1) fields[named[0] as string] = message;
    return { fields, other: [message] };
  }
  for (const part of message.slice(prefix[0].length).split(/;\s+/)) {
    const match = /^config\.([A-Za-z0-9_]+)((?:\[\d+\])*):\s*(.*)$/s.exec(part.trim());
    if (match && fieldNames.includes(match[1] as string)) {
      const [, name, index, text] = match as unknown as [string, string, string, string];
      const entry = index ? `${index.replace(/\[(\d+)\]/g, (_, i: string) => `item ${Number(i) + 1}`)}: ${text}` : text;
      fields[name] = fields[name] ? `${fields[name]}; ${entry}` : entry;
    } else if (part.trim()) {
      other.push(match ? `${match[1]}: ${match[3]}` : part.trim());
    }
  }
  return { fields, other };
}
