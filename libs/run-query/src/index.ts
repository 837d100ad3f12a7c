export * from './query-ast';
export * from './query-error';
export * from './query-evaluator';
export * from './query-fields';
export { tokenize, COMPARISON_OPERATORS, type ComparisonOperator, type Token, type TokenKind } from './query-lexer';
export { parseQuery } from './query-parser';
export { formatQuery } from './query-format';
