import type { Server, ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { service as healthServiceDefinition } from 'grpc-health-check';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

interface HealthRequest {
  service: string;
}
interface HealthResponse {
  status: ServingStatus | 'SERVICE_UNKNOWN';
}

/**
 * The standard grpc.health.v1 service (Check, Watch, List), like grpc-health-check's, plus
 * `endWatches`: a Watch stream never ends by itself, so when the server closed, its watchers
 * (a load balancer, a dashboard) saw the connection drop (UNAVAILABLE) rather than an answer.
 * On shutdown they are told NOT_SERVING at once, and their streams end with OK just before
 * the server closes.
 */
export class HealthStatus {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watches = new Set<{ service: string; call: ServerWritableStream<HealthRequest, HealthResponse> }>();

  constructor(services: readonly string[], initial: ServingStatus) {
    for (const service of services) this.statuses.set(service, initial);
  }

  set(service: string, next: ServingStatus): void {
    this.statuses.set(service, next);
    for (const watch of this.watches) if (watch.service === service) watch.call.write({ status: next });
  }

  /** End every open Watch stream with OK (each has already been sent the latest status). */
  endWatches(): void {
    for (const { call } of this.watches) call.end();
    this.watches.clear();
  }

  addToServer(server: Pick<Server, 'addService'>): void {
    server.addService(healthServiceDefinition, {
      check: (call: ServerUnaryCall<HealthRequest, HealthResponse>, callback: sendUnaryData<HealthResponse>) => {
        const current = this.statuses.get(call.request.service);
        if (current) callback(null, { status: current });
        else callback({ code: status.NOT_FOUND, details: `health status unknown for service '${call.request.service}'` });
      },
      watch: (call: ServerWritableStream<HealthRequest, HealthResponse>) => {
        const watch = { service: call.request.service, call };
        this.watches.add(watch);
        call.on('cancelled', () => this.watches.delete(watch));
        call.write({ status: this.statuses.get(watch.service) ?? 'SERVICE_UNKNOWN' });
      },
      list: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<{ statuses: Record<string, HealthResponse> }>) => {
        callback(null, { statuses: Object.fromEntries([...this.statuses].map(([service, current]) => [service, { status: current }])) });
      },
    });
  }
}
