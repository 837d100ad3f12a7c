import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ExportDecoderButton } from '@/components/export-decoder-button';
import { LatentExplorer } from '@/components/latent-explorer';
import { shortId } from '@/lib/format';
import { exportedDecoder, latestCheckpoint } from '@/lib/server/decoder-queries';
import { getRun, listCheckpoints } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export async function generateMetadata({ params }: PageProps<'/runs/[id]/explore'>): Promise<Metadata> {
  const { id } = await params;
  return { title: `Latent explorer · run ${shortId(id)}` };
}

/**
 * The decoder of the run's latest checkpoint, in the browser: exported once through
 * GenerationService.ExportDecoder (a TensorFlow.js layers model stored as two artifacts),
 * then loaded from /api/artifacts and run on every move of the point.
 */
export default async function LatentExplorerPage({ params }: PageProps<'/runs/[id]/explore'>) {
  const { id } = await params;
  return renderOrExplain(async () => {
    const run = await getRun(id);
    if (!run) notFound();
    const checkpoint = latestCheckpoint(await listCheckpoints(id));
    const decoder = checkpoint && (await exportedDecoder(id, checkpoint.id));
    const runPath = `/runs/${encodeURIComponent(run.id)}`;

    return (
      <>
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href={runPath}>
            Run <code>{shortId(run.id)}</code>
          </Link>
        </nav>
        <header className="page-header">
          <h1>Latent explorer</h1>
          <span className="muted">
            {run.family}
            {checkpoint ? ` · checkpoint at step ${checkpoint.step}` : ''}
          </span>
        </header>

        {!checkpoint ? (
          <p className="muted" data-testid="explorer-empty">
            This run has no checkpoint yet. The explorer decodes with the latest checkpoint: come back once training has saved one.
          </p>
        ) : decoder ? (
          <LatentExplorer
            modelUrl={`/api/artifacts/${encodeURIComponent(decoder.modelJsonArtifactId)}`}
            latentDim={decoder.meta.latentDim}
            dataShape={decoder.meta.dataShape}
          />
        ) : (
          <section>
            <p>
              The decoder of this checkpoint has not been exported yet. Exporting stores it as a TensorFlow.js model that your browser then runs
              on its own. Only unconditional VAEs (MLP or conv) have a decoder to export; for other runs the service says why not.
            </p>
            <ExportDecoderButton runId={run.id} />
          </section>
        )}
      </>
    );
  });
}
