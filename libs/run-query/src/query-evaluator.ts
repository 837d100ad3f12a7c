import type { QueryNode, Value } from './query-ast';
import type { AttributeName, Field } from './query-fields';
import type { ComparisonOperator } from './query-lexer';

/** What a query sees of one run. */
export interface RunRecord {
  readonly attributes: Partial<Record<AttributeName, string | number>>;
  /** The run's config (JSON); `params.a.b` walks objects, `params.dims.0` indexes arrays. */
  readonly params: unknown;
  /** Latest value of each metric by key ('train/loss', 'test_nll', ...). */
  readonly metrics: Readonly<Record<string, number>>;
  /** The run's tags; absent reads as none. */
  readonly tags?: Readonly<Record<string, string>>;
}

export type FieldValue = string | number | boolean | undefined;

/** A field's value in a record; undefined when the run does not have it. Arrays and objects are undefined. */
export function fieldValue(record: RunRecord, field: Field): FieldValue {
  switch (field.scope) {
    case 'attribute':
      return record.attributes[field.name];
    case 'metrics': {
      const value = Object.hasOwn(record.metrics, field.key) ? record.metrics[field.key] : undefined;
      return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
    }
    case 'tags':
      return record.tags && Object.hasOwn(record.tags, field.key) ? record.tags[field.key] : undefined;
    case 'params': {
      let current: unknown = record.params;
      for (const part of field.path) {
        if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
        current = (current as Record<string, unknown>)[part];
      }
      return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? current : undefined;
    }
  }
}

/**
 * Does the run match? A comparison with a field the run does not have is false, whatever
 * the operator (`params.beta != 2` does not match runs without a beta); text compares
 * without regard to case.
 */
export function matches(node: QueryNode | undefined, record: RunRecord): boolean {
  if (!node) return true;
  switch (node.type) {
    case 'and':
      return node.operands.every((operand) => matches(operand, record));
    case 'or':
      return node.operands.some((operand) => matches(operand, record));
    case 'not':
      return !matches(node.operand, record);
    case 'compare':
      return compare(fieldValue(record, node.field), node.operator, node.value);
    case 'range': {
      const value = fieldValue(record, node.field);
      if (typeof value !== 'number') return false;
      const aboveLow = node.lowInclusive ? value >= node.low : value > node.low;
      const belowHigh = node.highInclusive ? value <= node.high : value < node.high;
      return aboveLow && belowHigh;
    }
  }
}

function compare(actual: FieldValue, operator: ComparisonOperator, expected: Value): boolean {
  if (actual === undefined) return false;
  if (typeof expected === 'string') {
    if (typeof actual !== 'string') return false;
    const same = actual.localeCompare(expected, undefined, { sensitivity: 'accent' }) === 0;
    return operator === '=' ? same : operator === '!=' ? !same : false;
  }
  if (typeof expected === 'boolean') {
    if (typeof actual !== 'boolean') return false;
    return operator === '=' ? actual === expected : operator === '!=' ? actual !== expected : false;
  }
  if (typeof actual !== 'number') return false;
  switch (operator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

export type SortDirection = 'asc' | 'desc';

/**
 * Order records by a field: numbers numerically, text alphabetically (numbers before text),
 * runs without the field last in both directions; ties keep their input order.
 */
export function sortRecords<T extends RunRecord>(records: readonly T[], field: Field, direction: SortDirection): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  const keyed = records.map((record, index) => ({ record, index, value: fieldValue(record, field) }));
  keyed.sort((a, b) => {
    if (a.value === undefined || b.value === undefined) {
      return a.value === b.value ? a.index - b.index : a.value === undefined ? 1 : -1;
    }
    return sign * compareValues(a.value, b.value) || a.index - b.index;
  });
  return keyed.map(({ record }) => record);
}

function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}
