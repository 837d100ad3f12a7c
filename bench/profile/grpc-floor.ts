/**
 * The floor grpc-js itself sets under issue #6's throughput goal: a bare grpc-js server (no
 * NestJS, no model, no database, messages built once) in a child process on loopback, answering
 * the generation service's shapes of call: one 200,704-byte message (a 64-sample chunk of
 * 784 float32 values, what a 64-sample Sample call returns), one 16-byte message (the call
 * alone), and 16 messages of 802,816 bytes (a 4,096-sample bulk call). Whatever the service
 * does, a call cannot cost less than this; set beside the in-process draw of the same samples
 * (bench/generation-throughput.ts), it bounds the ratio any grpc-js server can reach. Beside
 * the wall time of a call: the server process's CPU per message (user + system), which bounds
 * what a server can pass on while it also draws, with any number of clients.
 *
 *   node libs/models/scripts/run-ts.mjs bench/profile/grpc-floor.ts [--calls 300]
 *
 * A diagnostic for PERFORMANCE.md, not a workload figure. Prints one JSON line (`kind: 'grpc-floor'`).
 */
import { fork } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { arg } from '../lib/bench-args';

const CALLS = Number(arg('calls', '300'));
const SAMPLE_BYTES = 64 * 784 * 4;
const BULK_BYTES = 256 * 784 * 4;

const same = (b: Buffer) => b;
const METHOD = {
  path: '/genlab.bench.Floor/Stream',
  requestStream: false,
  responseStream: true,
  requestSerialize: same,
  requestDeserialize: same,
  responseSerialize: same,
  responseDeserialize: same,
} as const;

/** The server, run in a child process: answers [count, size] with `count` messages of `size` bytes, built once. */
function serve(): void {
  const payloads = new Map<number, Buffer>();
  const server = new grpc.Server();
  server.addService({ stream: METHOD } as grpc.ServiceDefinition, {
    stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const [count, size] = [call.request.readUInt32LE(0), call.request.readUInt32LE(4)];
      const payload = payloads.get(size) ?? Buffer.alloc(size, 7);
      payloads.set(size, payload);
      for (let i = 0; i < count; i += 1) call.write(payload);
      call.end();
    },
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    process.send?.(port);
  });
  // Asked for its CPU time (ms, user + system) between timed blocks.
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.((user + system) / 1000);
  });
}

async function measure(): Promise<void> {
  const self = process.argv[1] as string; // this file, as run-ts.mjs runs it
  const child = fork(resolve(dirname(self), '../../libs/models/scripts/run-ts.mjs'), [self, '--serve']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const Client = grpc.makeGenericClientConstructor({ stream: METHOD } as grpc.ServiceDefinition, 'Floor');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    stream(request: Buffer): grpc.ClientReadableStream<Buffer>;
  };
  const call = (count: number, size: number) =>
    new Promise<number>((resolve, reject) => {
      const request = Buffer.alloc(8);
      request.writeUInt32LE(count, 0);
      request.writeUInt32LE(size, 4);
      let received = 0;
      const stream = client.stream(request);
      stream.on('data', (d: Buffer) => (received += d.length));
      stream.on('end', () => (received === count * size ? resolve(received) : reject(new Error(`short answer: ${received} bytes`))));
      stream.on('error', reject);
    });
  const serverCpuMs = () =>
    new Promise<number>((resolve) => {
      child.once('message', (ms) => resolve(ms as number));
      child.send('cpu');
    });
  /** p50 wall ms of a call, and the server's CPU ms per message over the timed calls. */
  const measureCalls = async (count: number, size: number, calls: number) => {
    for (let i = 0; i < 20; i += 1) await call(count, size);
    const times: number[] = [];
    const cpuBefore = await serverCpuMs();
    for (let i = 0; i < calls; i += 1) {
      const started = performance.now();
      await call(count, size);
      times.push(performance.now() - started);
    }
    const cpuPerMessage = ((await serverCpuMs()) - cpuBefore) / (calls * count);
    return { p50: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number, cpuPerMessage };
  };
  try {
    const sample = await measureCalls(1, SAMPLE_BYTES, CALLS);
    const empty = await measureCalls(1, 16, CALLS);
    const bulk = await measureCalls(16, BULK_BYTES, Math.max(5, Math.round(CALLS / 30)));
    const result = {
      kind: 'grpc-floor',
      p50MsOne64SampleMessage: Number(sample.p50.toFixed(3)),
      serverCpuMsPer64SampleCall: Number(sample.cpuPerMessage.toFixed(3)),
      p50MsOneTinyMessage: Number(empty.p50.toFixed(3)),
      serverCpuMsPerTinyCall: Number(empty.cpuPerMessage.toFixed(3)),
      p50MsBulk4096Samples: Number(bulk.p50.toFixed(2)),
      bulkSamplesPerSecond: Math.round((4096 * 1000) / bulk.p50),
      serverCpuMsPer256SampleMessage: Number(bulk.cpuPerMessage.toFixed(3)),
    };
    console.log(JSON.stringify(result));
  } finally {
    client.close();
    child.kill();
  }
}

if (process.argv.includes('--serve')) serve();
else
  void measure().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
