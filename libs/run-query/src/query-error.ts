/**
 * A query that cannot be read or cannot mean anything: where (0-based `position` into the
 * query, `length` characters), and a message that says what was expected there.
 */
export class QueryError extends Error {
  override name = 'QueryError';

  constructor(
    message: string,
    readonly position: number,
    readonly length = 1,
  ) {
    super(message);
  }

  /** 1-based column, as people count. */
  get column(): number {
    return this.position + 1;
  }
}
