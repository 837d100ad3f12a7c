import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unanswered } from './grpc-failure';

// Real grpc-js calls on loopback, each failing one way, and how each failure is read.
const SERVICE: grpc.ServiceDefinition = {
  echo: {
    path: '/genlab.test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};
const Client = grpc.makeGenericClientConstructor(SERVICE, 'Echo');

/** One call with a 400 ms deadline: its error, or its answer. */
function call(address: string, text = 'ping'): Promise<unknown> {
  const client = new Client(address, grpc.credentials.createInsecure());
  return new Promise<unknown>((resolve) => {
    client.makeUnaryRequest(SERVICE.echo!.path, (v: Buffer) => v, (b: Buffer) => b, Buffer.from(text), { deadline: new Date(Date.now() + 400) }, (error, value) => {
      client.close();
      resolve(error ?? value);
    });
  });
}

describe('unanswered', () => {
  let server: grpc.Server;
  let silent: NetServer;
  let port = 0;
  const hanging: grpc.ServerUnaryCall<Buffer, Buffer>[] = [];

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(SERVICE, {
      echo: (callIn: grpc.ServerUnaryCall<Buffer, Buffer>, answer: grpc.sendUnaryData<Buffer>) => {
        const text = callIn.request.toString();
        if (text === 'hang') hanging.push(callIn); // never answered: a service too busy to reply
        else if (text === 'refuse') answer({ code: grpc.status.FAILED_PRECONDITION, details: 'no checkpoint yet' });
        else answer(null, callIn.request);
      },
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    // Accepts TCP connections and never speaks HTTP/2: a connection that never becomes ready.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    server.forceShutdown();
    silent.close();
  });

  it('reads no listener as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port: free } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await call(`127.0.0.1:${free}`);
    expect(error).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(unanswered(error)).toBe('unreachable');
  });

  it('reads a deadline passed before any connection was ready as unreachable', async () => {
    const error = await call(`127.0.0.1:${(silent.address() as AddressInfo).port}`);
    expect(error).toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED, details: expect.stringMatching(/Waiting for LB pick/) });
    expect(unanswered(error)).toBe('unreachable');
  });

  it('reads a request the service received and did not answer in time as slow', async () => {
    const error = await call(`127.0.0.1:${port}`, 'hang');
    expect(hanging).toHaveLength(1);
    expect(error).toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED, details: expect.stringMatching(/remote_addr=/) });
    expect(unanswered(error)).toBe('slow');
    expect(unanswered(Object.assign(new Error('deadline'), { code: grpc.status.DEADLINE_EXCEEDED, details: 'the deadline passed while sampling' }))).toBe('slow');
  });

  it('reads answers, refusals included, as answered', async () => {
    expect(await call(`127.0.0.1:${port}`)).toEqual(Buffer.from('ping'));
    const refused = await call(`127.0.0.1:${port}`, 'refuse');
    expect(refused).toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    expect(unanswered(refused)).toBeUndefined();
    expect(unanswered('not an error')).toBeUndefined();
  });
});
