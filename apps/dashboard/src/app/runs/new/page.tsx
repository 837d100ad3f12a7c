import type { Metadata } from 'next';
import Link from 'next/link';
import { NewRunForm, type FamilyOption } from '@/components/new-run-form';
import { configFields } from '@/lib/config-form';
import { formatCount, formatShape } from '@/lib/format';
import { firstParam } from '@/lib/search-params';
import { allDatasets } from '@/lib/server/dataset-queries';
import { listExperiments, listFamilies } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export const metadata: Metadata = { title: 'New run' };

export default async function NewRunPage({ searchParams }: PageProps<'/runs/new'>) {
  const search = await searchParams;
  return renderOrExplain(async () => {
    const [families, datasets, experiments] = await Promise.all([listFamilies(), allDatasets(), listExperiments(1, 500)]);
    const familyOptions: FamilyOption[] = families.map((f) => ({
      name: f.name,
      density: f.density,
      description: f.description,
      fields: configFields(f.configSchemaJson),
    }));
    return (
      <>
        <h1>New run</h1>
        <p className="lead muted">
          Pick a family and a dataset; the config form comes from the family&apos;s schema, with its defaults filled in. For a quick
          trial set <code>maxSteps</code> to a few dozen steps.
        </p>
        {datasets.length === 0 ? (
          <div className="empty" data-testid="no-datasets">
            <p>There is no dataset to train on yet.</p>
            <p>
              Import one first (see <Link href="/datasets">Datasets</Link> for how), then come back here.
            </p>
          </div>
        ) : (
          <NewRunForm
            families={familyOptions}
            datasets={datasets.map((d) => ({
              id: d.id,
              name: d.name || d.id,
              summary: `${formatShape(d.shape)}, ${formatCount(d.trainCount)} train${d.hasLabels ? `, ${d.numClasses} classes` : ''}`,
            }))}
            experiments={experiments.items.map((x) => ({ id: x.id, name: x.name || x.id }))}
            initial={{ family: firstParam(search.family), dataset: firstParam(search.dataset), experiment: firstParam(search.experiment) }}
          />
        )}
      </>
    );
  });
}
