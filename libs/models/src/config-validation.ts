import type { z } from 'zod';
import { invalidArgument } from '@genlab/errors';

export interface ConfigIssue {
  /** e.g. `config.hiddenDims[1]` */
  readonly field: string;
  readonly message: string;
}

const fieldPath = (root: string, path: readonly PropertyKey[]) =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), root);

export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'config'): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldPath(root, [...issue.path, key]), message: 'is not a known field' }));
    }
    if (issue.code === 'invalid_type' && issue.path.length === 0) return [{ field: root, message: 'must be a JSON object' }];
    return [{ field: fieldPath(root, issue.path), message: issue.message }];
  });
}

/**
 * Validates `input` against a family's schema, filling in defaults. Throws INVALID_ARGUMENT
 * naming every offending field, e.g. "invalid vae config: config.latentDim: must be a
 * positive integer"; the issues are also in `details.issues`.
 */
export function parseWithSchema<S extends z.ZodType>(schema: S, input: unknown, family: string): z.output<S> {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw invalidArgument(`invalid ${family} config: config: is not valid JSON`, { family });
    }
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues);
  throw invalidArgument(`invalid ${family} config: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { family, issues });
}
