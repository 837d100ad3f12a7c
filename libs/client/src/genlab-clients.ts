import { ChannelCredentials, ClientReadableStream, Metadata, ServiceError, credentials } from '@grpc/grpc-js';
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

/** Typed clients for the four services (insecure channel credentials on loopback). */
export function createGenlabClients(addresses: GenlabAddresses, creds: ChannelCredentials = credentials.createInsecure()): GenlabClients {
  const datasets = new datasetsV1.DatasetServiceClient(addresses.datasets, creds, CLIENT_CHANNEL_OPTIONS);
  const training = new trainingV1.TrainingServiceClient(addresses.training, creds, CLIENT_CHANNEL_OPTIONS);
  const evaluation = new evaluationV1.EvaluationServiceClient(addresses.evaluation, creds, CLIENT_CHANNEL_OPTIONS);
  const generation = new generationV1.GenerationServiceClient(addresses.generation, creds, CLIENT_CHANNEL_OPTIONS);
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

/** Promise form of a unary call with a deadline (default 30 s). */
export function unary<Req, Res>(method: UnaryMethod<Req, Res>, target: object, request: Req, deadlineMs = 30_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(target, request, new Metadata(), { deadline: new Date(Date.now() + deadlineMs) }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

/** Read a server stream to the end. */
export function collect<T>(stream: ClientReadableStream<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on('data', (item: T) => items.push(item));
    stream.on('error', reject);
    stream.on('end', () => resolve(items));
  });
}
