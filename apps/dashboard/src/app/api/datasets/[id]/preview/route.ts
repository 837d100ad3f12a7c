import { problemResponse, responseForError } from '@/lib/server/http';
import { getPreview } from '@/lib/server/dataset-queries';

/**
 * The first examples of a split as the datasets service renders them (a PNG grid of
 * images, or a scatter plot of 2-D points): `?split=train|test&count=1..256`.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const search = new URL(request.url).searchParams;
  const split = search.get('split') === 'test' ? 'test' : 'train';
  const count = Number(search.get('count') ?? 64);
  if (!Number.isInteger(count) || count < 1 || count > 256) return problemResponse(400, 'count must be an integer from 1 to 256');
  try {
    const preview = await getPreview(id, split, count, true);
    if (preview.png.length === 0) return problemResponse(404, `dataset ${id} has no ${split} examples to preview`);
    return new Response(new Uint8Array(preview.png), {
      headers: {
        'Content-Type': 'image/png',
        'X-Content-Type-Options': 'nosniff',
        // A dataset never changes once imported.
        'Cache-Control': 'private, max-age=3600',
      },
    });
  } catch (error) {
    return responseForError(error, `dataset ${id}`);
  }
}
