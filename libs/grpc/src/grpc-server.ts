import type { INestMicroservice, LoggerService, LogLevel, Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { KEEPALIVE, MAX_MESSAGE_BYTES, type Keepalive } from '@genlab/client';
import { GENLAB_SERVICES, GenlabServiceName, protoPath, protoRoot } from '@genlab/contracts';
import { GrpcExceptionFilter } from './grpc-exception.filter';
import { HealthStatus } from './health-status';
import { installSampleChunkSerializer } from './sample-chunk-serializer';

/** proto-loader options matching the shapes ts-proto generates (camelCase, numbers, defaults). */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  oneofs: true,
  includeDirs: [] as string[],
};

/** How long in-flight calls get to finish once a service stops accepting new ones. */
export const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Server channel options for clients that ping at `keepalive` (the genlab clients' rate).
 * Servers ping their clients at the same interval to notice dead ones. They permit a client's
 * pings at up to twice its rate, with or without calls, so that a long idle event stream is
 * never closed with `too_many_pings`. (grpc-js 1.14 servers enforce no ping policy at all;
 * the permit options state the policy for servers and proxies that do, as C-core's.)
 */
export function serverChannelOptions(keepalive: Keepalive = KEEPALIVE) {
  return {
    'grpc.keepalive_time_ms': keepalive.timeMs,
    'grpc.keepalive_timeout_ms': keepalive.timeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': Math.floor(keepalive.timeMs / 2),
    'grpc.http2.max_ping_strikes': 2,
    'grpc.max_concurrent_streams': 1000,
  };
}

export const SERVER_CHANNEL_OPTIONS = serverChannelOptions();

export interface GrpcServiceHandle {
  app: INestMicroservice;
  name: GenlabServiceName;
  url: string;
  /** Report NOT_SERVING, let in-flight calls finish, then stop. */
  shutdown(): Promise<void>;
}

export interface StartGrpcServiceOptions {
  name: GenlabServiceName;
  url: string;
  logLevels?: LogLevel[];
  logger?: LoggerService;
  /** Install SIGINT/SIGTERM handlers that shut the service down gracefully (default true). */
  handleSignals?: boolean;
  /** Finish long-lived work (runs, open streams) after NOT_SERVING and before the server closes. */
  beforeClose?: (app: INestMicroservice) => Promise<void>;
  /** The clients' keepalive the server must permit (default the genlab clients'); tests use short ones. */
  keepalive?: Keepalive;
}

export function logLevelsFrom(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'): LogLevel[] {
  const order: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

/** Start one genlab NestJS microservice on the gRPC transport with health and reflection. */
export async function startGrpcService(module: Type<unknown>, options: StartGrpcServiceOptions): Promise<GrpcServiceHandle> {
  const spec = GENLAB_SERVICES[options.name];
  const fullName = `${spec.package}.${spec.service}`;
  const health = new HealthStatus(['', fullName], 'NOT_SERVING');
  const grpcOptions: GrpcOptions = {
    transport: Transport.GRPC,
    options: {
      package: spec.package,
      protoPath: protoPath(options.name),
      url: options.url,
      loader: { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] },
      maxSendMessageLength: MAX_MESSAGE_BYTES,
      maxReceiveMessageLength: MAX_MESSAGE_BYTES,
      channelOptions: serverChannelOptions(options.keepalive),
      gracefulShutdown: true,
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Pick<Server, 'addService'>) => {
        installSampleChunkSerializer(pkg); // before the package is loaded, so its handlers use it
        health.addToServer(server);
        // Reflection describes the service and the health service, as grpcurl and other generic clients expect.
        new ReflectionService({ ...loadSync(healthProtoPath, PROTO_LOADER_OPTIONS), ...pkg }).addToServer(server);
      },
    },
  };
  const app = await NestFactory.createMicroservice<GrpcOptions>(module, {
    ...grpcOptions,
    logger: options.logger ?? options.logLevels ?? ['error', 'warn', 'log'],
  });
  app.useGlobalFilters(new GrpcExceptionFilter());
  await app.listen();
  health.set('', 'SERVING');
  health.set(fullName, 'SERVING');
  const logger = new Logger(spec.service);
  logger.log(`${fullName} listening on ${options.url}`);

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      health.set('', 'NOT_SERVING');
      health.set(fullName, 'NOT_SERVING');
      await options.beforeClose?.(app);
      health.endWatches();
      // The server waits for in-flight calls; past the drain timeout, stop regardless.
      const closed = app.close().then(() => 'closed' as const);
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS).unref());
      if ((await Promise.race([closed, timer])) === 'timeout') logger.warn(`in-flight calls still open after ${CLOSE_TIMEOUT_MS} ms; stopping anyway`);
    })());

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.log(`${signal} received: draining and stopping`);
      shutdown().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { app, name: options.name, url: options.url, shutdown };
}
