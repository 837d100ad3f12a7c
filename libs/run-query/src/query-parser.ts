import type { QueryNode, Value } from './query-ast';
import { QueryError } from './query-error';
import { ATTRIBUTES, parseField, type Field } from './query-fields';
import { tokenize, type ComparisonOperator, type Token } from './query-lexer';

/*
 * The runs table's filter language:
 *
 *   query      := or-expr
 *   or-expr    := and-expr ( OR and-expr )*
 *   and-expr   := unary ( AND unary )*
 *   unary      := NOT unary | '(' or-expr ')' | predicate
 *   predicate  := field op value                       family = "vae", metrics.test_nll < 100
 *               | value op field                       100 > metrics.test_nll
 *               | field IN ('['|'(') n ',' n (']'|')')  params.beta in [1, 4)
 *               | n ('<'|'<=') field ('<'|'<=') n       1 <= params.beta < 4 (or with > and >=)
 *   op         := = | != | < | <= | > | >=
 *
 * Keywords are case-insensitive; strings take double or single quotes.
 */

const OPERATORS = '=, !=, <, <=, >, >=';
const VALUE_HINT = 'a number, a "quoted string", true or false';

/** Parse a filter; undefined for a blank one (every run matches). Throws QueryError. */
export function parseQuery(query: string): QueryNode | undefined {
  const parser = new Parser(tokenize(query));
  if (parser.peek().kind === 'end') return undefined;
  const node = parser.orExpr();
  parser.expectEnd();
  return node;
}

const keyword = (token: Token, word: 'and' | 'or' | 'not' | 'in'): boolean => token.kind === 'word' && token.text.toLowerCase() === word;
const isLiteralWord = (token: Token): boolean => token.kind === 'word' && ['true', 'false'].includes(token.text.toLowerCase());

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the query';
    case 'string':
      return `the string "${token.text}"`;
    default:
      return `'${token.text}'`;
  }
}

const at = (token: Token) => `at column ${token.position + 1}`;

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private fail(token: Token, expected: string): never {
    throw new QueryError(`expected ${expected} ${at(token)}, found ${describeToken(token)}`, token.position, Math.max(1, token.length));
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (token.kind === 'rparen') throw new QueryError(`unmatched ')' ${at(token)}: remove it or add a '(' before it`, token.position);
    this.fail(token, 'and, or, or the end of the query');
  }

  orExpr(): QueryNode {
    const operands = [this.andExpr()];
    while (keyword(this.peek(), 'or')) {
      this.next();
      operands.push(this.andExpr());
    }
    return operands.length === 1 ? (operands[0] as QueryNode) : { type: 'or', operands };
  }

  private andExpr(): QueryNode {
    const operands = [this.unary()];
    while (keyword(this.peek(), 'and')) {
      this.next();
      operands.push(this.unary());
    }
    return operands.length === 1 ? (operands[0] as QueryNode) : { type: 'and', operands };
  }

  private unary(): QueryNode {
    const token = this.peek();
    if (keyword(token, 'not')) {
      this.next();
      return { type: 'not', operand: this.unary() };
    }
    if (token.kind === 'lparen') {
      this.next();
      if (this.peek().kind === 'rparen') this.fail(this.peek(), 'a condition inside the parentheses');
      const inner = this.orExpr();
      const close = this.peek();
      if (close.kind !== 'rparen') {
        if (close.kind === 'end') {
          throw new QueryError(`the '(' at column ${token.position + 1} is not closed: add a ')'`, token.position);
        }
        this.fail(close, "and, or, or ')'");
      }
      this.next();
      return inner;
    }
    return this.predicate();
  }

  private predicate(): QueryNode {
    const first = this.peek();
    if (first.kind === 'word' && !isLiteralWord(first) && !['and', 'or', 'in'].includes(first.text.toLowerCase())) {
      return this.fieldFirst();
    }
    if (first.kind === 'number' || first.kind === 'string' || isLiteralWord(first)) return this.valueFirst();
    return this.fail(first, 'a condition such as family = "vae" or metrics.test_nll < 100');
  }

  private field(): Field {
    const token = this.next();
    return parseField(token.text, token.position);
  }

  private operator(after: string): { operator: ComparisonOperator; token: Token } {
    const token = this.peek();
    if (token.kind !== 'operator') this.fail(token, `a comparison (${OPERATORS}) or in [low, high] after ${after}`);
    this.next();
    return { operator: token.text as ComparisonOperator, token };
  }

  private value(after: Token): { value: Value; token: Token } {
    const token = this.peek();
    if (token.kind === 'number') {
      this.next();
      return { value: Number(token.text), token };
    }
    if (token.kind === 'string') {
      this.next();
      return { value: token.text, token };
    }
    if (isLiteralWord(token)) {
      this.next();
      return { value: token.text.toLowerCase() === 'true', token };
    }
    if (token.kind === 'word') {
      throw new QueryError(
        `expected ${VALUE_HINT} after '${after.text}' ${at(token)}, found '${token.text}': quote text, as in "${token.text}"`,
        token.position,
        token.length,
      );
    }
    return this.fail(token, `${VALUE_HINT} after '${after.text}'`);
  }

  private number(what: string): { value: number; token: Token } {
    const token = this.peek();
    if (token.kind !== 'number') this.fail(token, what);
    this.next();
    return { value: Number(token.text), token };
  }

  private fieldFirst(): QueryNode {
    const fieldToken = this.peek();
    const field = this.field();
    if (keyword(this.peek(), 'in')) {
      this.next();
      return this.inRange(field, fieldToken);
    }
    const { operator, token } = this.operator(field.text);
    const { value, token: valueToken } = this.value(token);
    checkComparison(field, operator, value, fieldToken, valueToken);
    return { type: 'compare', field, operator, value };
  }

  private inRange(field: Field, fieldToken: Token): QueryNode {
    const open = this.peek();
    if (open.kind !== 'lbracket' && open.kind !== 'lparen') this.fail(open, "'[' or '(' to start a range, as in params.beta in [1, 4]");
    this.next();
    const low = this.number('the low end of the range (a number)');
    const comma = this.peek();
    if (comma.kind !== 'comma') this.fail(comma, "',' between the ends of the range");
    this.next();
    const high = this.number('the high end of the range (a number)');
    const close = this.peek();
    if (close.kind !== 'rbracket' && close.kind !== 'rparen') this.fail(close, "']' (high end included) or ')' (excluded) to close the range");
    this.next();
    return this.range(field, fieldToken, low.value, open.kind === 'lbracket', high.value, close.kind === 'rbracket', low.token);
  }

  private valueFirst(): QueryNode {
    const { value, token: valueToken } = this.value(this.peek());
    const op = this.peek();
    if (op.kind !== 'operator') this.fail(op, `a comparison (${OPERATORS}) after the value`);
    this.next();
    const fieldToken = this.peek();
    if (fieldToken.kind !== 'word' || isLiteralWord(fieldToken)) this.fail(fieldToken, `a field after '${op.text}', such as params.beta`);
    const field = this.field();
    const second = this.peek();
    const chained = second.kind === 'operator' && second.text !== '=' && second.text !== '!=';
    if (!chained) {
      const operator = flip(op.text as ComparisonOperator);
      checkComparison(field, operator, value, fieldToken, valueToken);
      return { type: 'compare', field, operator, value };
    }
    // low < field < high, or high > field > low
    this.next();
    const upward = op.text === '<' || op.text === '<=';
    const same = upward ? second.text === '<' || second.text === '<=' : second.text === '>' || second.text === '>=';
    if (!same) {
      throw new QueryError(`a range needs both comparisons the same way ${at(second)}: write 1 <= params.beta < 4 or 4 > params.beta >= 1`, second.position, second.length);
    }
    if (typeof value !== 'number') throw new QueryError(`a range needs numbers ${at(valueToken)}, found ${describeToken(valueToken)}`, valueToken.position, valueToken.length);
    const end = this.number(`a number after '${second.text}'`);
    const [low, lowInclusive, high, highInclusive] = upward
      ? [value, op.text === '<=', end.value, second.text === '<=']
      : [end.value, second.text === '>=', value, op.text === '>='];
    return this.range(field, fieldToken, low, lowInclusive, high, highInclusive, valueToken);
  }

  private range(field: Field, fieldToken: Token, low: number, lowInclusive: boolean, high: number, highInclusive: boolean, lowToken: Token): QueryNode {
    if (field.scope === 'tags' || (field.scope === 'attribute' && ATTRIBUTES[field.name].type === 'text')) {
      throw new QueryError(`${field.text} is text ${at(fieldToken)}: it takes = or != and a "quoted string", not a range`, fieldToken.position, fieldToken.length);
    }
    if (low > high || (low === high && !(lowInclusive && highInclusive))) {
      throw new QueryError(`the range ${at(lowToken)} is empty: its low end (${low}) must be below its high end (${high})`, lowToken.position, lowToken.length);
    }
    return { type: 'range', field, low, high, lowInclusive, highInclusive };
  }
}

function flip(operator: ComparisonOperator): ComparisonOperator {
  const flipped: Record<ComparisonOperator, ComparisonOperator> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
  return flipped[operator];
}

/** Refuse comparisons that can never be true because of the field's type. */
function checkComparison(field: Field, operator: ComparisonOperator, value: Value, fieldToken: Token, valueToken: Token): void {
  const ordering = operator !== '=' && operator !== '!=';
  const wrong = (message: string, token = valueToken) => {
    throw new QueryError(`${message} (${at(token)})`, token.position, Math.max(1, token.length));
  };
  if (field.scope === 'metrics' && typeof value !== 'number') wrong(`${field.text} is a number: compare it with a number, not ${describeToken(valueToken)}`);
  if (field.scope === 'tags') {
    if (ordering) wrong(`${field.text} is a tag, and tags are text: use = or != with it, not ${operator}`, fieldToken);
    if (typeof value !== 'string') wrong(`${field.text} is a tag, and tags are text: write the value in quotes, as in ${field.text} = "${value}"`);
  }
  if (field.scope === 'attribute') {
    const spec = ATTRIBUTES[field.name];
    if (spec.type === 'number' && typeof value !== 'number') wrong(`${field.text} is a number: compare it with a number, not ${describeToken(valueToken)}`);
    if (spec.type === 'text') {
      if (ordering) wrong(`${field.text} is text: use = or != with it, not ${operator}`, fieldToken);
      if (typeof value !== 'string') wrong(`${field.text} is text: write the value in quotes, as in ${field.text} = "${value}"`);
      const allowed: readonly string[] | undefined = 'values' in spec ? spec.values : undefined;
      if (allowed && !allowed.includes(String(value).toLowerCase())) wrong(`${field.text} is one of ${allowed.join(', ')}; "${value}" is not`);
    }
  }
  if (ordering && typeof value !== 'number') wrong(`${operator} compares numbers, and ${describeToken(valueToken)} is not one: use = or !=`);
}
