import { Server, ServerCredentials, status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingV1 } from '@genlab/contracts';
import { createGenlabClients, unary, type GenlabClients } from './genlab-clients';

// A real grpc-js server on loopback speaking the training contract, with a GetRun that is
// unavailable for its first calls, to exercise the client library's retry and metadata.

describe('genlab clients', () => {
  const server = new Server();
  let clients: GenlabClients;
  let failuresLeft = 0;
  let calls = 0;
  const authorizations: (string | undefined)[] = [];

  beforeAll(async () => {
    const getRun = (call: ServerUnaryCall<trainingV1.GetRunRequest, trainingV1.Run>, callback: sendUnaryData<trainingV1.Run>) => {
      calls++;
      authorizations.push(call.metadata.get('authorization')[0]?.toString());
      if (failuresLeft > 0) {
        failuresLeft--;
        callback({ code: status.UNAVAILABLE, details: 'restarting' });
        return;
      }
      callback(null, trainingV1.Run.fromPartial({ id: call.request.id, family: 'vae' }));
    };
    server.addService(trainingV1.TrainingServiceService, { getRun } as never);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    );
    const address = `127.0.0.1:${port}`;
    clients = createGenlabClients({ datasets: address, training: address, evaluation: address, generation: address }, { token: 's3cret' });
  });

  afterAll(() => {
    clients?.close();
    server.forceShutdown();
  });

  it('sends the bearer token as metadata on every call', async () => {
    const run = await unary(clients.training.getRun, clients.training, { id: 'r1' });
    expect(run).toMatchObject({ id: 'r1', family: 'vae' });
    expect(authorizations.at(-1)).toBe('Bearer s3cret');
  });

  it('asks a token provider as each call starts, and sends none when it has none', async () => {
    const address = clients.training.getChannel().getTarget().replace(/^dns:/, '');
    let current: string | undefined = 'first';
    const dynamic = createGenlabClients({ datasets: address, training: address, evaluation: address, generation: address }, { tokenProvider: async () => current });
    const seen = () => authorizations.at(-1);
    await unary(dynamic.training.getRun, dynamic.training, { id: 'r1' });
    expect(seen()).toBe('Bearer first');
    current = 'second';
    await unary(dynamic.training.getRun, dynamic.training, { id: 'r1' });
    expect(seen()).toBe('Bearer second');
    current = undefined;
    await unary(dynamic.training.getRun, dynamic.training, { id: 'r1' });
    expect(seen()).toBeUndefined();
    dynamic.close();
  });

  it('retries UNAVAILABLE with backoff when asked, and only then', async () => {
    failuresLeft = 2;
    calls = 0;
    const run = await unary(clients.training.getRun, clients.training, { id: 'r2' }, { retry: { attempts: 3, initialBackoffMs: 10 } });
    expect(run.id).toBe('r2');
    expect(calls).toBe(3);

    failuresLeft = 1;
    calls = 0;
    await expect(unary(clients.training.getRun, clients.training, { id: 'r3' })).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(calls).toBe(1);
  });

  it('does not retry other errors', async () => {
    calls = 0;
    await expect(
      unary(clients.training.stopRun, clients.training, { id: 'x' }, { retry: { attempts: 5, initialBackoffMs: 1 } }),
    ).rejects.toMatchObject({ code: status.UNIMPLEMENTED });
    expect(calls).toBe(0);
  });
});
