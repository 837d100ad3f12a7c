import { credentials, loadPackageDefinition, status, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Assert that a call fails with the given gRPC status and a message matching `pattern`. */
export async function expectStatus(promise: Promise<unknown>, code: status, pattern?: RegExp): Promise<ServiceError> {
  const error = (await promise.then(
    () => {
      throw new Error(`expected status ${status[code]}, but the call succeeded`);
    },
    (e: ServiceError) => e,
  )) as ServiceError;
  expect(status[error.code], error.details).toBe(status[code]);
  if (pattern) expect(error.details).toMatch(pattern);
  expect(error.details).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack traces leak to clients
  return error;
}

type AnyClient = Record<string, (...args: unknown[]) => unknown> & { close(): void };

/** grpc.health.v1.Health/Check, as any generic client would call it. */
export function checkHealth(address: string, service: string): Promise<string> {
  const def = loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true });
  const Health = (loadPackageDefinition(def) as any).grpc.health.v1.Health;
  const client: AnyClient = new Health(address, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.Check({ service }, (error: ServiceError | null, res: { status: string }) => {
      client.close();
      return error ? reject(error) : resolve(res.status);
    }),
  );
}

/** The service names a server lists through grpc.reflection.v1 (what grpcurl does first). */
export function listServicesByReflection(address: string): Promise<string[]> {
  const file = join(require.resolve('@grpc/reflection/package.json'), '..', 'build/proto/grpc/reflection/v1/reflection.proto');
  const def = loadSync(file, { keepCase: true, defaults: true, oneofs: true });
  const Reflection = (loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection;
  const client: AnyClient = new Reflection(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo() as any;
    stream.on('data', (res: { list_services_response?: { service: { name: string }[] } }) => {
      resolve(res.list_services_response?.service.map((s) => s.name) ?? []);
      stream.end();
      client.close();
    });
    stream.on('error', reject);
    stream.write({ list_services: '' });
  });
}
