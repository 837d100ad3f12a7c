import type { INestMicroservice, LoggerService, LogLevel, Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { MAX_MESSAGE_BYTES } from '@genlab/client';
import { GENLAB_SERVICES, GenlabServiceName, protoPath, protoRoot } from '@genlab/contracts';
import { GrpcExceptionFilter } from './grpc-exception.filter';

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
 * Keepalive: servers accept client pings every 10 s even without calls, so long idle
 * event streams survive without `too_many_pings`; clients ping every 30 s.
 */
export const SERVER_CHANNEL_OPTIONS = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  'grpc.max_concurrent_streams': 1000,
};

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
}

export function logLevelsFrom(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose'): LogLevel[] {
  const order: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

/** Start one genlab NestJS microservice on the gRPC transport with health and reflection. */
export async function startGrpcService(module: Type<unknown>, options: StartGrpcServiceOptions): Promise<GrpcServiceHandle> {
  const spec = GENLAB_SERVICES[options.name];
  const fullName = `${spec.package}.${spec.service}`;
  const health = new HealthImplementation({ '': 'NOT_SERVING', [fullName]: 'NOT_SERVING' });
  const grpcOptions: GrpcOptions = {
    transport: Transport.GRPC,
    options: {
      package: spec.package,
      protoPath: protoPath(options.name),
      url: options.url,
      loader: { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] },
      maxSendMessageLength: MAX_MESSAGE_BYTES,
      maxReceiveMessageLength: MAX_MESSAGE_BYTES,
      channelOptions: { ...SERVER_CHANNEL_OPTIONS },
      gracefulShutdown: true,
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Pick<Server, 'addService'>) => {
        health.addToServer(server as Server);
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
  health.setStatus('', 'SERVING');
  health.setStatus(fullName, 'SERVING');
  const logger = new Logger(spec.service);
  logger.log(`${fullName} listening on ${options.url}`);

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(fullName, 'NOT_SERVING');
      await options.beforeClose?.(app);
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
