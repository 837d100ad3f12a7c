import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { cancelled, deadlineExceeded, DomainError, ErrorCode, invalidArgument, notFound } from '@genlab/errors';
import { toGrpcError, toGrpcStatus } from './status-mapping';

describe('toGrpcStatus', () => {
  it('maps every domain error code to the gRPC status of the same name', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(status[toGrpcStatus(code)]).toBe(code);
    }
  });

  it('keeps a passed deadline apart from a client’s cancel', () => {
    expect(toGrpcStatus(ErrorCode.DeadlineExceeded)).toBe(status.DEADLINE_EXCEEDED);
    expect(toGrpcStatus(ErrorCode.Cancelled)).toBe(status.CANCELLED);
    expect(toGrpcError(deadlineExceeded("sampling stopped: the call's deadline passed after 150 ms"), () => undefined)).toMatchObject({
      code: status.DEADLINE_EXCEEDED,
      details: "sampling stopped: the call's deadline passed after 150 ms",
    });
    expect(toGrpcError(cancelled('sampling stopped: the client cancelled the call'), () => undefined).code).toBe(status.CANCELLED);
  });
});

describe('toGrpcError', () => {
  it('keeps a domain error’s code and message', () => {
    const reported: string[] = [];
    expect(toGrpcError(notFound('run', 'r1'), (ref) => reported.push(ref))).toMatchObject({
      code: status.NOT_FOUND,
      details: "run 'r1' was not found",
    });
    expect(toGrpcError(invalidArgument('config.beta: must be ≥ 0'), () => undefined).code).toBe(status.INVALID_ARGUMENT);
    expect(reported).toEqual([]);
  });

  it('turns anything else into INTERNAL with a reference, never the message, stack or paths', () => {
    const reported: { ref: string; error: unknown }[] = [];
    const error = new Error("ENOENT: no such file or directory, open '/srv/genlab/.data/artifacts/ab/cd'");
    const payload = toGrpcError(error, (ref, e) => reported.push({ ref, error: e }));
    expect(payload.code).toBe(status.INTERNAL);
    expect(payload.details).toMatch(/^internal error \(reference [a-z0-9]+\)$/);
    expect(payload.details).not.toContain('/srv');
    expect(reported).toHaveLength(1);
    expect(payload.details).toContain(reported[0]!.ref);
    expect(reported[0]!.error).toBe(error);
  });

  it('passes an already-formed gRPC error through', () => {
    const formed = { code: status.UNAVAILABLE, details: 'down', message: 'down' };
    expect(toGrpcError(formed, () => undefined)).toBe(formed);
    expect(toGrpcError(new DomainError(ErrorCode.ResourceExhausted, 'too big'), () => undefined).code).toBe(status.RESOURCE_EXHAUSTED);
  });
});
