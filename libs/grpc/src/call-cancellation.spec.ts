import { EventEmitter } from 'node:events';
import { connect } from 'node:http2';
import {
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abortedError, DomainError, ErrorCode } from '@genlab/errors';
import { callCancellation, NEVER_CANCELLED } from './call-cancellation';
import { toGrpcError } from './status-mapping';

class FakeCall extends EventEmitter {
  cancelled = false;
  constructor(private readonly deadline: Date | number = Infinity) {
    super();
  }
  getDeadline() {
    return this.deadline;
  }
}

function thrown(run: () => void): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('callCancellation', () => {
  it('aborts when the call emits cancelled, and then throws CANCELLED naming the work', () => {
    const call = new FakeCall();
    const cancellation = callCancellation(call);
    expect(cancellation.isCancelled()).toBe(false);
    expect(() => cancellation.throwIfCancelled('sampling')).not.toThrow();
    call.emit('cancelled');
    expect(cancellation.signal.aborted).toBe(true);
    const error = thrown(() => cancellation.throwIfCancelled('sampling'));
    expect(error.code).toBe(ErrorCode.Cancelled);
    expect(error.message).toBe('sampling stopped: the client cancelled the call');
  });

  it('sees a passed deadline synchronously, without the event loop turning, as DEADLINE_EXCEEDED', () => {
    const cancellation = callCancellation(new FakeCall(new Date(Date.now() + 40)));
    expect(cancellation.isCancelled()).toBe(false);
    const start = Date.now();
    while (Date.now() - start < 60) {
      // busy, as synchronous tensor work is
    }
    expect(cancellation.isCancelled()).toBe(true);
    // The signal says so too, for work that stops on it.
    expect(cancellation.signal.reason).toMatchObject({ name: 'TimeoutError' });
    const error = thrown(() => cancellation.throwIfCancelled());
    expect(error.code).toBe(ErrorCode.DeadlineExceeded);
    expect(error.message).toMatch(/^the call stopped: the call's deadline passed after \d+ ms$/);
  });

  it('takes the call ending once its deadline has passed as the deadline, not a cancel', () => {
    const call = new FakeCall(Date.now() - 1);
    const cancellation = callCancellation(call);
    call.emit('cancelled'); // what grpc-js's deadline timer does
    expect(cancellation.signal.reason).toMatchObject({ name: 'TimeoutError' });
    expect(abortedError(cancellation.signal, 'sampling stopped').code).toBe(ErrorCode.DeadlineExceeded);
  });

  it('is cancelled from the start for a call already cancelled', () => {
    const call = new FakeCall();
    call.cancelled = true;
    const cancellation = callCancellation(call);
    expect(cancellation.isCancelled()).toBe(true);
    expect(thrown(() => cancellation.throwIfCancelled()).code).toBe(ErrorCode.Cancelled);
  });

  it('never cancels without a call or a deadline', () => {
    expect(callCancellation(undefined)).toBe(NEVER_CANCELLED);
    expect(callCancellation(new FakeCall()).deadline).toBe(Infinity);
    expect(NEVER_CANCELLED.isCancelled()).toBe(false);
  });
});

describe('callCancellation when the client cancelled before the handler ran', () => {
  it('sees the transport call’s cancelled flag although no event comes', () => {
    const transport = { nextCall: { cancelled: false } };
    const call = Object.assign(new FakeCall(), { call: transport });
    const cancellation = callCancellation(call);
    expect(cancellation.isCancelled()).toBe(false);
    transport.nextCall.cancelled = true;
    expect(cancellation.isCancelled()).toBe(true);
    expect(cancellation.signal.aborted).toBe(true);
  });
});

// A real grpc-js server on loopback: what a handler's cancellation says when the deadline the
// client set passes, and when the client cancels.

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const method = (name: string) => ({
  path: `/genlab.test.Slow/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes.serialize,
  requestDeserialize: bytes.deserialize,
  responseSerialize: bytes.serialize,
  responseDeserialize: bytes.deserialize,
});
const SLOW: ServiceDefinition = { wait: method('Wait'), busy: method('Busy') };
const SlowClient = makeGenericClientConstructor(SLOW, 'Slow');
type Unary = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void;

describe('callCancellation on a grpc-js server', () => {
  const server = new Server();
  let port = 0;
  let client: InstanceType<typeof SlowClient>;
  /** Each test's Wait call: when it reached its handler, and what the handler's work stopped with. */
  let arrived: Promise<void>;
  let arrive: () => void;
  let stopped: Promise<DomainError>;
  let stop: (error: DomainError) => void;

  beforeEach(() => {
    arrived = new Promise((resolve) => (arrive = resolve));
    stopped = new Promise((resolve) => (stop = resolve));
  });

  beforeAll(async () => {
    const wait: Unary = (call) => {
      const cancellation = callCancellation(call);
      cancellation.signal.addEventListener('abort', () => stop(abortedError(cancellation.signal, 'waiting stopped')));
      arrive();
    };
    // Synchronous work that checks the clock, as a sampler's timesteps do: grpc-js's own
    // deadline timer cannot fire meanwhile, so the status sent is the handler's.
    const busy: Unary = (call, callback) => {
      const cancellation = callCancellation(call);
      try {
        while (!cancellation.isCancelled()) {
          // busy
        }
        cancellation.throwIfCancelled('the busy work');
      } catch (error) {
        callback(toGrpcError(error, () => undefined));
      }
    };
    server.addService(SLOW, { wait, busy });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    );
    client = new SlowClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    server.forceShutdown();
  });

  /** A Wait call's status code; with `cancel`, the client cancels once the handler runs. */
  const callWait = (deadlineMs: number, cancel = false) =>
    new Promise<status>((resolve) => {
      const call = client.makeUnaryRequest('/genlab.test.Slow/Wait', bytes.serialize, bytes.deserialize, Buffer.alloc(0), { deadline: Date.now() + deadlineMs }, (error) =>
        resolve((error as ServiceError).code),
      );
      if (cancel) void arrived.then(() => call.cancel());
    });

  it('stops with DEADLINE_EXCEEDED when the call’s deadline passes', async () => {
    expect(await callWait(200)).toBe(status.DEADLINE_EXCEEDED);
    const error = await stopped;
    expect(error.code).toBe(ErrorCode.DeadlineExceeded);
    expect(error.message).toMatch(/^waiting stopped: the call's deadline passed after \d+ ms$/);
  });

  it('stops with CANCELLED when the client cancels before the deadline', async () => {
    expect(await callWait(30_000, true)).toBe(status.CANCELLED);
    const error = await stopped;
    expect(error.code).toBe(ErrorCode.Cancelled);
    expect(error.message).toBe('waiting stopped: the client cancelled the call');
  });

  it('answers DEADLINE_EXCEEDED, not CANCELLED, when busy work sees the deadline pass first', async () => {
    // A bare HTTP/2 client: it sends the deadline (grpc-timeout) but keeps no timer of its own,
    // so the status read is the server's (a grpc-js client in this process would time out
    // locally as soon as the busy loop let it).
    const session = connect(`http://127.0.0.1:${port}`);
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/genlab.test.Slow/Busy', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '100m' });
      stream.end(Buffer.alloc(5)); // one empty, uncompressed message
      stream.resume();
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        stream.on('response', (h) => h['grpc-status'] !== undefined && resolve(h));
        stream.on('trailers', resolve);
        stream.on('error', reject);
      });
      expect(Number(headers['grpc-status'])).toBe(status.DEADLINE_EXCEEDED);
      expect(decodeURIComponent(String(headers['grpc-message']))).toMatch(/^the busy work stopped: the call's deadline passed after \d+ ms$/);
    } finally {
      session.close();
    }
  });
});
