import type { Field } from './query-fields';
import type { ComparisonOperator } from './query-lexer';

export type Value = number | string | boolean;

export type QueryNode =
  | { readonly type: 'and' | 'or'; readonly operands: readonly QueryNode[] }
  | { readonly type: 'not'; readonly operand: QueryNode }
  | { readonly type: 'compare'; readonly field: Field; readonly operator: ComparisonOperator; readonly value: Value }
  /** low ≤ field ≤ high, each end inclusive or not: `field in [low, high)`, `low < field <= high`. */
  | {
      readonly type: 'range';
      readonly field: Field;
      readonly low: number;
      readonly high: number;
      readonly lowInclusive: boolean;
      readonly highInclusive: boolean;
    };

/** Every field a query names, once each (by its text), in order of appearance. */
export function referencedFields(node: QueryNode | undefined): Field[] {
  const seen = new Map<string, Field>();
  const visit = (n: QueryNode): void => {
    switch (n.type) {
      case 'and':
      case 'or':
        n.operands.forEach(visit);
        return;
      case 'not':
        visit(n.operand);
        return;
      case 'compare':
      case 'range':
        if (!seen.has(n.field.text)) seen.set(n.field.text, n.field);
        return;
    }
  };
  if (node) visit(node);
  return [...seen.values()];
}
