import { invalidArgument } from '@genlab/errors';
import { z } from 'zod';

/** Parses repository input, turning schema violations into INVALID_ARGUMENT. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidArgument(`invalid ${what}: ${z.prettifyError(result.error)}`, { what });
  return result.data;
}

export const idSchema = z.string().min(1).max(100);
export const nameSchema = z.string().trim().min(1).max(200);
export const countSchema = z.int().nonnegative();
export const jsonObjectSchema = z.record(z.string(), z.json());

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1_000;

export interface PageOptions {
  /** At most this many items (default 100, max 1000). */
  readonly limit?: number;
  /** Skip this many items first (default 0). */
  readonly offset?: number;
}

const pageSchema = z.object({
  limit: z.int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  offset: z.int().nonnegative().default(0),
});

/** Prisma's `take`/`skip` for a page. */
export function toPage(options: PageOptions = {}): { take: number; skip: number } {
  const { limit, offset } = parseInput(pageSchema, options, 'page');
  return { take: limit, skip: offset };
}
