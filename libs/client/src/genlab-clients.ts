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
/**
 * The largest message either side sends or accepts, the same on every client and server
 * (libs/grpc applies it to the servers). 16 MiB holds the largest unary answers (a 256-example
 * preview, a sample grid) with room to spare; anything bigger travels as a stream of chunks
 * (UploadIdx, GetArtifactContent). An oversize message fails with RESOURCE_EXHAUSTED: on the
 * sender's side before it leaves, or on the receiver's if the sender does not check.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface Keepalive {
  /** A client pings after this long without activity on the connection. */
  readonly timeMs: number;
  /** and drops the connection when the ping is not answered within this. */
  readonly timeoutMs: number;
}

/**
 * Clients ping every 30 s, with or without calls, so that a long idle event stream (a run's
 * events between slow steps, an evaluation's progress) notices a dead peer or a NAT that
 * dropped the connection; servers accept pings at up to twice that rate (libs/grpc).
 */
export const KEEPALIVE: Keepalive = { timeMs: 30_000, timeoutMs: 10_000 };

/** grpc-js channel options of every genlab client: the message cap both ways and keepalive. */
export function clientChannelOptions(keepalive: Keepalive = KEEPALIVE) {
  return {
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': keepalive.timeMs,
    'grpc.keepalive_timeout_ms': keepalive.timeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    // HTTP/2 flow control: the default 64 KiB window makes a sample stream wait for a window
    // update every 64 KiB; a 4 MiB window lets the server send several 1 MiB chunks ahead.
    'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
  };
}

/** The receive window a client advertises, per stream and per connection. */
export const FLOW_CONTROL_WINDOW_BYTES = 4 * 1024 * 1024;

export const CLIENT_CHANNEL_OPTIONS = clientChannelOptions();

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
  /**
   * Asked for the token at the start of every call (e.g. a signed-in user's, from the request
   * being served); `undefined` sends none. Used instead of `token` when given.
   */
  tokenProvider?: () => Promise<string | undefined> | string | undefined;
  /** Keepalive pings (default `KEEPALIVE`); the servers must permit at least this rate. */
  keepalive?: Keepalive;
}

/** Typed clients for the four services. */
export function createGenlabClients(addresses: GenlabAddresses, options: GenlabClientOptions = {}): GenlabClients {
  const creds = options.credentials ?? credentials.createInsecure();
  const auth = options.tokenProvider ? [bearerTokenFrom(options.tokenProvider)] : options.token ? [bearerToken(options.token)] : [];
  const clientOptions = { ...clientChannelOptions(options.keepalive), interceptors: auth };
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
) => { cancel(): void };

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

/** Like `bearerToken`, with the token looked up as each call starts (the call waits for it). */
export function bearerTokenFrom(provider: () => Promise<string | undefined> | string | undefined): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        Promise.resolve()
          .then(provider)
          .then(
            (token) => {
              if (token) metadata.set('authorization', `Bearer ${token}`);
              next(metadata, listener);
            },
            () => next(metadata, listener),
          );
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
  /** Cancels the call (the server stops the work it started); rejects with CANCELLED. */
  signal?: AbortSignal;
}

/** Promise form of a unary call with a deadline, optionally retried (see `UnaryOptions`). */
export async function unary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  target: object,
  request: Req,
  options: number | UnaryOptions = {},
): Promise<Res> {
  const { deadlineMs = 30_000, retry, signal } = typeof options === 'number' ? { deadlineMs: options } : options;
  const attempts = Math.max(1, retry?.attempts ?? 1);
  let backoff = retry?.initialBackoffMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<Res>((resolve, reject) => {
        const call = method.call(target, request, new Metadata(), { deadline: new Date(Date.now() + deadlineMs) }, (error, response) => {
          signal?.removeEventListener('abort', cancel);
          if (error) reject(error);
          else resolve(response);
        });
        const cancel = () => call.cancel();
        if (signal?.aborted) cancel();
        else signal?.addEventListener('abort', cancel, { once: true });
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
