import { createServer } from 'node:net';
import { Controller, Module } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { credentials, loadPackageDefinition, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientChannelOptions, createGenlabClients, MAX_MESSAGE_BYTES, unary, type GenlabClients, type Keepalive } from '@genlab/client';
import { datasetsV1 } from '@genlab/contracts';
import { startGrpcService, type GrpcServiceHandle } from './grpc-server';
import { startFrameCounter } from './testing/http2-frame-counter';

// The server factory every genlab service starts through, with a stand-in DatasetService:
// the message cap on both ends, keepalive pings on an idle stream, and health on shutdown.

const MiB = 1024 * 1024;

@Controller()
class StandInController {
  @GrpcMethod('DatasetService', 'GetDataset')
  getDataset(request: datasetsV1.GetDatasetRequest): datasetsV1.Dataset {
    return datasetsV1.Dataset.fromPartial({ id: `${request.id.length} bytes` });
  }

  /** `count` MiB of values: a response as large as the caller asks. */
  @GrpcMethod('DatasetService', 'GetPreview')
  getPreview(request: datasetsV1.GetPreviewRequest): datasetsV1.Preview {
    return datasetsV1.Preview.fromPartial({ values: Buffer.alloc(request.count * MiB) });
  }
}

@Module({ controllers: [StandInController] })
class StandInModule {}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function start(keepalive?: Keepalive): Promise<{ handle: GrpcServiceHandle; port: number }> {
  const port = await freePort();
  const handle = await startGrpcService(StandInModule, { name: 'datasets', url: `127.0.0.1:${port}`, handleSignals: false, logLevels: ['error'], keepalive });
  return { handle, port };
}

type HealthClient = { watch(request: { service: string }): ClientReadableStream<{ status: string }>; close(): void };
const Health = (loadPackageDefinition(loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true })) as never as { grpc: { health: { v1: { Health: new (address: string, creds: unknown, options: object) => HealthClient } } } }).grpc.health.v1.Health;

describe('message size limits', () => {
  let server: { handle: GrpcServiceHandle; port: number };
  let clients: GenlabClients;
  let unlimited: datasetsV1.DatasetServiceClient;

  beforeAll(async () => {
    server = await start();
    const address = `127.0.0.1:${server.port}`;
    clients = createGenlabClients({ datasets: address, training: address, evaluation: address, generation: address });
    // A client that does not check its own sends, to reach the server's limit.
    unlimited = new datasetsV1.DatasetServiceClient(address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  });

  afterAll(async () => {
    clients?.close();
    unlimited?.close();
    await server?.handle.shutdown();
  });

  const getDataset = (client: datasetsV1.DatasetServiceClient, bytes: number) => unary(client.getDataset, client, { id: 'x'.repeat(bytes) });
  const failure = (call: Promise<unknown>) => call.then(() => undefined, (error: ServiceError) => ({ code: status[error.code], details: error.details }));

  it('accepts requests and answers up to 16 MiB (above the 4 MiB grpc-js default)', async () => {
    expect(MAX_MESSAGE_BYTES).toBe(16 * MiB);
    expect((await getDataset(clients.datasets, 15 * MiB)).id).toBe(`${15 * MiB} bytes`);
    expect((await unary(clients.datasets.getPreview, clients.datasets, { datasetId: 'd', count: 15, split: 0, includePng: false })).values.length).toBe(15 * MiB);
  });

  it('refuses an oversize request with RESOURCE_EXHAUSTED: the genlab client before sending, the server on receipt', async () => {
    expect(await failure(getDataset(clients.datasets, 17 * MiB))).toEqual({ code: 'RESOURCE_EXHAUSTED', details: 'Attempted to send message with a size larger than 16777216' });
    expect(await failure(getDataset(unlimited, 17 * MiB))).toEqual({ code: 'RESOURCE_EXHAUSTED', details: expect.stringMatching(/^Received message larger than max \(\d+ vs 16777216\)$/) });
    expect((await getDataset(clients.datasets, 10)).id).toBe('10 bytes'); // and the server carries on
  });

  it('refuses to send an oversize answer with RESOURCE_EXHAUSTED, whatever the client accepts', async () => {
    const preview = (client: datasetsV1.DatasetServiceClient) => unary(client.getPreview, client, { datasetId: 'd', count: 17, split: 0, includePng: false });
    expect(await failure(preview(unlimited))).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await failure(preview(clients.datasets))).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
  });
});

describe('keepalive on an idle stream, and health on shutdown', () => {
  it('keeps an idle Watch stream open across many keepalive pings, without GOAWAY, then ends it promptly on shutdown', async () => {
    // Short test values, in the production proportions (pings every interval, answered within a timeout).
    const keepalive = { timeMs: 200, timeoutMs: 1_000 };
    const { handle, port } = await start(keepalive);
    const relay = await startFrameCounter({ host: '127.0.0.1', port });
    const client = new Health(relay.address, credentials.createInsecure(), clientChannelOptions(keepalive));
    const statuses: string[] = [];
    const watch = client.watch({ service: 'genlab.datasets.v1.DatasetService' });
    const ended = new Promise<string>((resolve) => {
      watch.on('data', (update: { status: string }) => statuses.push(update.status));
      watch.on('error', (error: ServiceError) => resolve(`error ${status[error.code]}: ${error.details}`));
      watch.on('end', () => resolve('end'));
    });
    try {
      const idleMs = 12 * keepalive.timeMs;
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      console.log(
        `idle Watch stream for ${idleMs} ms at a ${keepalive.timeMs} ms keepalive: ${relay.counts.clientPings} client pings, ` +
          `${relay.counts.serverPings} server pings, ${relay.counts.goaways.length} GOAWAY, ${relay.counts.connections} connection(s)`,
      );
      expect(statuses).toEqual(['SERVING']);
      expect(relay.counts.clientPings).toBeGreaterThanOrEqual(5);
      expect(relay.counts.goaways).toEqual([]);
      expect(relay.counts.connections).toBe(1);

      const started = performance.now();
      await handle.shutdown();
      const shutdownMs = performance.now() - started;
      expect(await ended).toBe('end');
      expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
      // Without endWatches the close dropped the stream (UNAVAILABLE "Connection dropped"); nor may it hang on it.
      expect(shutdownMs).toBeLessThan(2_000);
      expect(relay.counts.goaways.filter((g) => g.debug.includes('too_many_pings'))).toEqual([]);
    } finally {
      client.close();
      await relay.close();
      await handle.shutdown();
    }
  });
});
