import type { Metadata } from 'next';
import Link from 'next/link';
import { fromTimestamp } from '@genlab/contracts';
import { Pager, pageFromSearch } from '@/components/pager';
import { Time } from '@/components/time';
import { formatCount, formatShape } from '@/lib/format';
import { PAGE_SIZE } from '@/lib/server/queries';
import { datasetKindName, listDatasets } from '@/lib/server/dataset-queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';

export const metadata: Metadata = { title: 'Datasets' };

export default async function DatasetsPage({ searchParams }: PageProps<'/datasets'>) {
  const page = pageFromSearch((await searchParams).page);
  return renderOrExplain(async () => {
    const { items, total } = await listDatasets(page);
    return (
      <>
        <h1>Datasets</h1>
        {total === 0 ? (
          <div className="empty" data-testid="datasets-empty">
            <p>No datasets yet.</p>
            <p>
              <code>npm start</code> seeds the synthetic ring8 dataset on first start. Import your own with{' '}
              <code>npm run genlab -- datasets import-idx</code> (IDX files, like MNIST) or through{' '}
              <code>DatasetService.ImportImageArchive</code> (a zip or tar of PNGs in class folders), or create a synthetic one with{' '}
              <code>DatasetService.CreateSynthetic</code> (ring8, grid25).
            </p>
          </div>
        ) : (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th>Preview</th>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Example shape</th>
                  <th className="num">Train</th>
                  <th className="num">Test</th>
                  <th className="num">Classes</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((dataset) => {
                  const href = `/datasets/${encodeURIComponent(dataset.id)}`;
                  return (
                    <tr key={dataset.id} data-testid="dataset-row">
                      <td className="thumb-cell">
                        <Link href={href} tabIndex={-1}>
                          <img src={`/api/datasets/${encodeURIComponent(dataset.id)}/preview?count=${dataset.shape.length === 1 ? 256 : 9}`} alt="" className={dataset.shape.length === 1 ? 'thumb thumb-plot' : 'thumb'} loading="lazy" />
                        </Link>
                      </td>
                      <td>
                        <Link href={href}>{dataset.name || dataset.id}</Link>
                      </td>
                      <td>{datasetKindName(dataset.kind)}</td>
                      <td>{formatShape(dataset.shape)}</td>
                      <td className="num">{formatCount(dataset.trainCount)}</td>
                      <td className="num">{formatCount(dataset.testCount)}</td>
                      <td className="num">{dataset.hasLabels ? formatCount(dataset.numClasses) : <span className="muted">unlabelled</span>}</td>
                      <td>
                        <Time date={fromTimestamp(dataset.createTime)} />
                      </td>
                      <td>
                        <Link href={`${href}/leaderboard`}>leaderboard</Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <Pager basePath="/datasets" page={page} pageSize={PAGE_SIZE} total={total} shown={items.length} />
          </>
        )}
      </>
    );
  });
}
