import { QueryError } from './query-error';

export type TokenKind = 'word' | 'number' | 'string' | 'operator' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (for strings: without quotes, escapes resolved). */
  readonly text: string;
  /** 0-based offset of its first character in the query. */
  readonly position: number;
  /** Characters it spans in the query (quotes included). */
  readonly length: number;
}

export const COMPARISON_OPERATORS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

// Words: field names and keywords. Metric keys hold '/' and '-' (train/loss), paths hold '.'.
const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_./-]/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/;
const SINGLE: Partial<Record<string, TokenKind>> = { '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket', ',': 'comma' };

/** Split a query into tokens, ending with an `end` token at the query's length. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const single = SINGLE[c];
    if (single) {
      tokens.push({ kind: single, text: c, position: i, length: 1 });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const token = readString(query, i);
      tokens.push(token);
      i += token.length;
      continue;
    }
    if (c === '=' || c === '<' || c === '>' || c === '!') {
      const two = query.slice(i, i + 2);
      const text = two === '!=' || two === '<=' || two === '>=' || two === '==' ? two : c;
      if (text === '!') throw new QueryError(`unexpected '!' at column ${i + 1}: write != for "not equal", or not (…) to negate`, i);
      tokens.push({ kind: 'operator', text: text === '==' ? '=' : text, position: i, length: text.length });
      i += text.length;
      continue;
    }
    const number = NUMBER.exec(query.slice(i));
    if (number && (/[\d.]/.test(c) || /[\d.]/.test(query[i + 1] ?? ''))) {
      const end = i + number[0].length;
      if (WORD_START.test(query[end] ?? '')) {
        throw new QueryError(`'${query.slice(i, end + 1)}' at column ${i + 1} is not a number: names start with a letter`, i, end + 1 - i);
      }
      tokens.push({ kind: 'number', text: number[0], position: i, length: number[0].length });
      i = end;
      continue;
    }
    if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < query.length && WORD_PART.test(query[end] as string)) end++;
      tokens.push({ kind: 'word', text: query.slice(i, end), position: i, length: end - i });
      i = end;
      continue;
    }
    throw new QueryError(`unexpected '${c}' at column ${i + 1}: expected a field, a value, an operator or a parenthesis`, i);
  }
  tokens.push({ kind: 'end', text: '', position: query.length, length: 0 });
  return tokens;
}

function readString(query: string, start: number): Token {
  const quote = query[start] as string;
  let text = '';
  let i = start + 1;
  while (i < query.length) {
    const c = query[i] as string;
    if (c === '\\' && i + 1 < query.length) {
      text += query[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) return { kind: 'string', text, position: start, length: i + 1 - start };
    text += c;
    i++;
  }
  throw new QueryError(`the string starting at column ${start + 1} is not closed: add a closing ${quote}`, start, query.length - start);
}
