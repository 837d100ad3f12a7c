import {
  ChannelCredentials,
  ClientReadableStream,
  InterceptingCall,
  Interceptor,
  Metadata,
  ServiceError,
  credentials,
  status,
} from '@grpc/grpc-js';
import { datasetsV1, evaluationV1, generationV1, trainingV1 } from '@genlab/contracts';
/** Must match the servers' limit (libs/grpc): larger payloads are streamed in chunks. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export const CLIENT_CHANNEL_OPTIONS = {
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
};

export interface GenlabClients {
  datasets: datasetsV1.DatasetServiceClient;
  training: trainingV1.TrainingServiceClient;
  evaluation: evaluationV1.EvaluationServiceClient;
  generation: generationV1.GenerationServiceClient;
  close(): void;
}

export interface GenlabAddresses {
  datasets: string;
  training: string;
  evaluation: string;
  generation: string;
}

export interface GenlabClientOptions {
  /** Channel credentials (default: insecure, for loopback). */
  credentials?: ChannelCredentials;
  /** Sent as `authorization: Bearer <token>` metadata on every call. */
  token?: string;
}

/** Typed clients for the four services. */
export function createGenlabClients(addresses: GenlabAddresses, options: GenlabClientOptions = {}): GenlabClients {
  const creds = options.credentials ?? credentials.createInsecure();
  const clientOptions = { ...CLIENT_CHANNEL_OPTIONS, interceptors: options.token ? [bearerToken(options.token)] : [] };
  const datasets = new datasetsV1.DatasetServiceClient(addresses.datasets, creds, clientOptions);
  const training = new trainingV1.TrainingServiceClient(addresses.training, creds, clientOptions);
  const evaluation = new evaluationV1.EvaluationServiceClient(addresses.evaluation, creds, clientOptions);
  const generation = new generationV1.GenerationServiceClient(addresses.generation, creds, clientOptions);
  return {
    datasets,
    training,
    evaluation,
    generation,
    close() {
      for (const client of [datasets, training, evaluation, generation]) client.close();
    },
  };
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline?: Date },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** An interceptor that adds `authorization: Bearer <token>` to every call's metadata. */
export function bearerToken(token: string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

export interface UnaryOptions {
  /** Deadline for each attempt, in ms (default 30 s). */
  deadlineMs?: number;
  /**
   * Retry on UNAVAILABLE (server unreachable or restarting) with exponential backoff.
   * Only for idempotent calls (Get, List, …): a retried write might be applied twice.
   */
  retry?: { attempts: number; initialBackoffMs?: number };
}

/** Promise form of a unary call with a deadline, optionally retried (see `UnaryOptions`). */
export async function unary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  target: object,
  request: Req,
  options: number | UnaryOptions = {},
): Promise<Res> {
  const { deadlineMs = 30_000, retry } = typeof options === 'number' ? { deadlineMs: options } : options;
  const attempts = Math.max(1, retry?.attempts ?? 1);
  let backoff = retry?.initialBackoffMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<Res>((resolve, reject) => {
        method.call(target, request, new Metadata(), { deadline: new Date(Date.now() + deadlineMs) }, (error, response) =>
          error ? reject(error) : resolve(response),
        );
      });
    } catch (error) {
      if (attempt >= attempts || (error as ServiceError).code !== status.UNAVAILABLE) throw error;
      await new Promise((r) => setTimeout(r, backoff));
      backoff *= 2;
    }
  }
}

/**
 * Read a server stream to the end. (Streams are also async iterables:
 * `for await (const event of client.training.streamRunEvents(req))` follows one live.)
 */
export function collect<T>(stream: ClientReadableStream<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on('data', (item: T) => items.push(item));
    stream.on('error', reject);
    stream.on('end', () => resolve(items));
  });
}
