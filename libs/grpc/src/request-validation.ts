import { z } from 'zod';
import { invalidArgument } from '@genlab/errors';

/** Validate a request at the edge; the error names every offending field. */
export function parseRequest<T extends z.ZodType>(schema: T, request: unknown): z.infer<T> {
  const parsed = schema.safeParse(request);
  if (parsed.success) return parsed.data;
  throw invalidArgument(describeIssues(parsed.error.issues));
}

/** Issues as the caller knows the fields: proto (snake_case) names, each named once. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map((part) => toSnakeCase(String(part)))].filter(Boolean).join('.');
      if (!path || issue.message.startsWith(`${path}:`) || issue.message.startsWith(`${path} `)) return issue.message;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

const toSnakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Schema pieces shared by requests. */
export const id = (what: string) => z.string().trim().min(1, `${what} is required`);
export const pageSize = z.number().int().min(0).max(500).transform((n) => n || 50);
export const offset = z.number().int().min(0);
