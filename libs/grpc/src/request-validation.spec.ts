import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from '@genlab/errors';
import { id, pageSize, parseRequest } from './request-validation';

describe('parseRequest', () => {
  const schema = z.object({
    runId: id('run_id'),
    pageSize,
    limit: z.number().int().max(10, 'limit: at most 10'),
  });

  it('returns the parsed request with defaults applied', () => {
    expect(parseRequest(schema, { runId: 'r', pageSize: 0, limit: 3 })).toEqual({ runId: 'r', pageSize: 50, limit: 3 });
  });

  it('names every bad field once, by its proto name', () => {
    const attempt = () => parseRequest(schema, { runId: '', pageSize: 9000, limit: 11 });
    expect(attempt).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
    let message = '';
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('run_id is required');
    expect(message).toMatch(/page_size: /);
    expect(message).toContain('limit: at most 10');
    expect(message).not.toContain('limit: limit:');
    expect(message).not.toContain('pageSize');
  });
});
