import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataEfficiencyForm } from '@/components/data-efficiency-form';
import { formatCount, formatShape } from '@/lib/format';
import { CONDITIONAL_FAMILIES } from '@/lib/number-list';
import { allDatasets } from '@/lib/server/dataset-queries';
import { getExperiment } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export const metadata: Metadata = { title: 'Generative vs discriminative' };

/** The label counts of the template (MNIST-10k's) that a training split of `trainCount` holds. */
const defaultSizes = (trainCount: number) => [100, 300, 1000, 3000, 8000].filter((n) => n <= trainCount).join(', ');

export default async function DataEfficiencyPage({ params }: PageProps<'/experiments/[id]/data-efficiency'>) {
  const { id } = await params;
  return renderOrExplain(async () => {
    const experiment = await getExperiment(id);
    if (!experiment) notFound();
    const labelled = (await allDatasets()).filter((d) => d.hasLabels && d.numClasses >= 2);
    const experimentPath = `/experiments/${encodeURIComponent(id)}`;
    return (
      <>
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/">Experiments</Link> / <Link href={experimentPath}>{experiment.name || experiment.id}</Link>
        </nav>
        <h1>Generative vs discriminative as labels grow</h1>
        <p className="lead muted">
          Trains a class-conditional generative model on class-balanced labelled subsets of growing size, each with several seeds. As each
          run completes, the evaluation service classifies the test set with it (argmax<sub>y</sub> log p(x|y) + log p(y)) and with a
          discriminative classifier trained on exactly the same labels. The experiment page then charts accuracy against the number of
          labels for both.
        </p>
        {labelled.length === 0 ? (
          <div className="empty" data-testid="no-labelled-datasets">
            <p>There is no labelled dataset to compare on.</p>
            <p>
              Import one with its labels first (see <Link href="/datasets">Datasets</Link>).
            </p>
          </div>
        ) : (
          <DataEfficiencyForm
            experimentId={id}
            families={CONDITIONAL_FAMILIES}
            datasets={labelled.map((d) => ({
              id: d.id,
              name: d.name || d.id,
              summary: `${formatShape(d.shape)}, ${formatCount(d.trainCount)} train, ${d.numClasses} classes`,
              defaultSizes: defaultSizes(d.trainCount) || String(Math.max(1, Math.floor(d.trainCount / 2))),
            }))}
          />
        )}
      </>
    );
  });
}
