import type { ServiceError } from '@grpc/grpc-js';
import type { trainingV1 } from '@genlab/contracts';
import { genlab } from '@/lib/server/genlab-clients';
import { problemResponse, responseForError } from '@/lib/server/http';
import { ServiceUnavailableError, explainUnreachable } from '@/lib/server/service-errors';

const FIRST_CHUNK_TIMEOUT_MS = 15_000;

type ChunkStream = ReturnType<trainingV1.TrainingServiceClient['getArtifactContent']>;

/** The first chunk (it carries the artifact's metadata), or the stream's error. */
function firstChunk(call: ChunkStream): Promise<trainingV1.ArtifactChunk | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      call.cancel();
      reject(new ServiceUnavailableError('training', 'no artifact data within 15 s', 'slow'));
    }, FIRST_CHUNK_TIMEOUT_MS);
    const settle = () => {
      clearTimeout(timer);
      call.pause();
      call.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: trainingV1.ArtifactChunk) => {
      settle();
      resolve(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(undefined);
    };
    const onError = (error: ServiceError) => {
      settle();
      reject(explainUnreachable('training', error));
    };
    call.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function contentDisposition(artifact: trainingV1.Artifact): string {
  if (artifact.mediaType.startsWith('image/')) return 'inline';
  const extension = artifact.mediaType === 'application/json' ? '.json' : '';
  return `attachment; filename="${artifact.kind || 'artifact'}-${artifact.id}${extension}"`;
}

/** An artifact's bytes, streamed from TrainingService.GetArtifactContent. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const call = genlab().training.getArtifactContent({ artifactId: id });

  let first: trainingV1.ArtifactChunk | undefined;
  try {
    first = await firstChunk(call);
  } catch (error) {
    return responseForError(error, `artifact ${id}`);
  }
  if (!first) return problemResponse(404, `artifact ${id} not found`);
  const { artifact, data: firstData } = first;
  if (!artifact) {
    call.cancel();
    return problemResponse(502, `training service sent artifact ${id} without its metadata`);
  }

  const cancel = () => call.cancel();
  request.signal.addEventListener('abort', cancel, { once: true });

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (firstData.length > 0) controller.enqueue(firstData);
      call.on('data', (chunk: trainingV1.ArtifactChunk) => {
        controller.enqueue(chunk.data);
        if ((controller.desiredSize ?? 1) <= 0) call.pause();
      });
      call.on('end', () => {
        request.signal.removeEventListener('abort', cancel);
        controller.close();
      });
      call.on('error', (error: ServiceError) => {
        request.signal.removeEventListener('abort', cancel);
        try {
          controller.error(error);
        } catch {
          // already cancelled by the browser
        }
      });
    },
    pull() {
      call.resume();
    },
    cancel,
  });

  const headers = new Headers({
    'Content-Type': artifact.mediaType || 'application/octet-stream',
    'Content-Disposition': contentDisposition(artifact),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    // An artifact id always names the same bytes.
    'Cache-Control': 'private, max-age=86400, immutable',
  });
  if (artifact.sha256) headers.set('ETag', `"${artifact.sha256}"`);
  return new Response(body, { headers });
}
