import type { QueryNode, Value } from './query-ast';

/**
 * A parsed query as query text that parses back to the same tree: for handing a query on
 * (to the training service's SearchRuns) when only its tree is at hand.
 */
export function formatQuery(node: QueryNode | undefined): string {
  if (!node) return '';
  switch (node.type) {
    case 'or':
      return node.operands.map(formatQuery).join(' or ');
    case 'and':
      return node.operands.map((operand) => (operand.type === 'or' ? `(${formatQuery(operand)})` : formatQuery(operand))).join(' and ');
    case 'not':
      return `not ${node.operand.type === 'and' || node.operand.type === 'or' ? `(${formatQuery(node.operand)})` : formatQuery(node.operand)}`;
    case 'compare':
      return `${node.field.text} ${node.operator} ${formatValue(node.value)}`;
    case 'range':
      return `${node.field.text} in ${node.lowInclusive ? '[' : '('}${formatValue(node.low)}, ${formatValue(node.high)}${node.highInclusive ? ']' : ')'}`;
  }
}

function formatValue(value: Value): string {
  if (typeof value === 'string') return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return String(value);
}
