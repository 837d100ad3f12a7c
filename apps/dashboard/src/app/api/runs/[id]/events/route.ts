import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { unary } from '@genlab/client';
import type { trainingV1 } from '@genlab/contracts';
import { genlab, reconnectLater } from '@/lib/server/genlab-clients';
import { responseForError } from '@/lib/server/http';
import { runEventToJson } from '@/lib/server/run-event-json';
import { unanswered } from '@/lib/grpc-failure';
import { callService } from '@/lib/server/service-errors';
import type { StreamProblem } from '@/lib/run-events';

const KEEP_ALIVE_MS = 15_000;

/**
 * Server-Sent Events for one run, proxied from TrainingService.StreamRunEvents with its
 * history: each RunEvent as a JSON `data:` message, `event: end` when the run's stream
 * completes, `event: problem` if it fails. Closing the page cancels the gRPC call.
 * Replayed history makes reconnecting safe: the page keys points by (metric, step).
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const { training } = genlab();

  // Answer unknown runs and an unreachable service with a plain HTTP status, not a stream.
  try {
    await callService('training', () => unary(training.getRun, training, { id }, 10_000));
  } catch (error) {
    return responseForError(error, `run ${id}`);
  }

  const call = training.streamRunEvents({ runId: id, includeHistory: true });
  const encoder = new TextEncoder();
  let finished = false;
  let keepAlive: ReturnType<typeof setInterval> | undefined;

  const stop = () => {
    if (finished) return;
    finished = true;
    clearInterval(keepAlive);
    request.signal.removeEventListener('abort', stop);
    call.cancel();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (!finished) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (finished) return;
        stop();
        controller.close();
      };

      send('retry: 3000\n\n');
      keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);

      call.on('data', (event: trainingV1.RunEvent) => {
        const json = runEventToJson(event);
        if (json) send(`data: ${JSON.stringify(json)}\n\n`);
      });
      call.on('end', () => {
        send('event: end\ndata: {}\n\n');
        close();
      });
      call.on('error', (error: ServiceError) => {
        const reason = unanswered(error);
        if (reason) {
          // The service went away (or stalled) mid-stream: end without `problem`, so the
          // browser reconnects (after `retry`) and finds the service back, or gets a 503.
          if (reason === 'unreachable') reconnectLater();
        } else if (error.code !== grpcStatus.CANCELLED) {
          const problem: StreamProblem = { message: `training service: ${error.details || error.message}` };
          send(`event: problem\ndata: ${JSON.stringify(problem)}\n\n`);
        }
        close();
      });
      request.signal.addEventListener('abort', stop);
    },
    cancel: stop,
  });

  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform also keeps `next start`'s compression from buffering the stream.
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
