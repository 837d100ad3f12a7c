import { Metadata, status, type ClientReadableStream, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import { createGenlabClients, type GenlabAddresses, type GenlabClients } from '@genlab/client';
import { Interrupted } from './cli-error';

export type ServiceName = keyof GenlabAddresses;

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline?: Date },
  callback: (error: ServiceError | null, response: Res) => void,
) => { cancel(): void };

type ClientStreamMethod<Req, Res> = (
  metadata: Metadata,
  options: { deadline?: Date },
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientWritableStream<Req>;

/** A failed gRPC call, with the service and address it went to. */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: number,
    readonly details: string,
    readonly service: ServiceName,
    readonly address: string,
  ) {
    super(details);
  }

  /** The status name, e.g. NOT_FOUND. */
  get statusName(): string {
    return status[this.code] ?? `STATUS_${this.code}`;
  }
}

const isServiceError = (error: unknown): error is ServiceError =>
  typeof error === 'object' && error !== null && typeof (error as ServiceError).code === 'number' && 'details' in error;

export interface RpcOptions {
  addresses: GenlabAddresses;
  /** Sent as `authorization: Bearer <token>` on every call. */
  token?: string;
  /** Deadline of each unary call; undefined: 30 s, or 10 min for calls marked long. */
  timeoutMs?: number;
  /** Aborting it (Ctrl-C) cancels the calls in flight, which then fail with Interrupted. */
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const LONG_TIMEOUT_MS = 10 * 60_000;

/** The four service clients, opened on first use, with auth metadata, deadlines and error context. */
export class Rpc {
  private clients?: GenlabClients;

  constructor(readonly options: RpcOptions) {}

  metadata(): Metadata {
    const metadata = new Metadata();
    if (this.options.token) metadata.set('authorization', `Bearer ${this.options.token}`);
    return metadata;
  }

  client<S extends ServiceName>(service: S): GenlabClients[S] {
    this.clients ??= createGenlabClients(this.options.addresses);
    return this.clients[service];
  }

  /** One unary call; `long` calls (evaluation, rendering) get 10 min unless --timeout was given. */
  unary<S extends ServiceName, Req, Res>(
    service: S,
    pick: (client: GenlabClients[S]) => UnaryMethod<Req, Res>,
    request: Req,
    options: { long?: boolean } = {},
  ): Promise<Res> {
    const client = this.client(service);
    const timeout = this.options.timeoutMs ?? (options.long ? LONG_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      const call = pick(client).call(client, request, this.metadata(), { deadline: new Date(Date.now() + timeout) }, (error, response) => {
        this.options.signal?.removeEventListener('abort', onAbort);
        return error ? reject(this.wrap(service, error)) : resolve(response);
      });
      const onAbort = () => call.cancel();
      this.options.signal?.addEventListener('abort', onAbort, { once: true });
      if (this.options.signal?.aborted) call.cancel();
    });
  }

  /** A client-streaming call: `send` writes the messages (respecting back-pressure); no deadline. */
  async clientStream<S extends ServiceName, Req, Res>(
    service: S,
    pick: (client: GenlabClients[S]) => ClientStreamMethod<Req, Res>,
    send: (write: (message: Req) => Promise<void>) => Promise<void>,
  ): Promise<Res> {
    const client = this.client(service);
    let call!: ClientWritableStream<Req>;
    const response = new Promise<Res>((resolve, reject) => {
      call = pick(client).call(client, this.metadata(), {}, (error, res) => (error ? reject(this.wrap(service, error)) : resolve(res)));
    });
    const onAbort = () => call.cancel();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    response.catch(() => undefined); // observed by the writes and the final await
    const write = async (message: Req): Promise<void> => {
      if (call.write(message)) return;
      // Back-pressure: wait for the buffer to drain, or for the call to end early.
      await Promise.race([new Promise<void>((resolve) => call.once('drain', () => resolve())), response.then(() => undefined)]);
    };
    try {
      await send(write);
      call.end();
      return await response;
    } catch (error) {
      call.cancel();
      throw this.options.signal?.aborted ? new Interrupted() : error;
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A server stream, read item by item; errors carry the service's name and address; no deadline. */
  async *stream<S extends ServiceName, T>(
    service: S,
    open: (client: GenlabClients[S], metadata: Metadata) => ClientReadableStream<T>,
  ): AsyncGenerator<T> {
    const signal = this.options.signal;
    const call = open(this.client(service), this.metadata());
    const onAbort = () => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const item of call as AsyncIterable<T>) yield item;
      if (signal?.aborted) throw new Interrupted();
    } catch (error) {
      if (signal?.aborted) throw new Interrupted();
      throw this.wrap(service, error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  close(): void {
    this.clients?.close();
    this.clients = undefined;
  }

  private wrap(service: ServiceName, error: unknown): unknown {
    if (this.options.signal?.aborted) return new Interrupted();
    return isServiceError(error) ? new RpcError(error.code, error.details || error.message, service, this.options.addresses[service]) : error;
  }
}
