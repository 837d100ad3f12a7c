import type { Metadata } from 'next';
import Link from 'next/link';
import type { RunRecord } from '@genlab/run-query';
import { CompareSamples } from '@/components/compare-samples';
import { CompareSelect } from '@/components/compare-select';
import { GroupedCurvesChart, type GroupSeries } from '@/components/grouped-curves-chart';
import { LossChart, type ChartSeries } from '@/components/loss-chart';
import { ParallelCoordinatesChart } from '@/components/parallel-coordinates-chart';
import { StatusBadge } from '@/components/status-badge';
import { aggregateCurves, groupRuns, SEED_GROUPING, varyingParams } from '@/lib/compare-groups';
import { finalValues, metricChoices, type FinalValue, type MetricChoice } from '@/lib/compare-metrics';
import { formatCount, shortId } from '@/lib/format';
import { betterDirection, formatMeasurement } from '@/lib/measurement';
import { layoutParallelCoordinates } from '@/lib/parallel-coordinates';
import { colorAt } from '@/lib/palette';
import { paramColumns } from '@/lib/runs-columns';
import { allParams, firstParam, hrefWith } from '@/lib/search-params';
import { loadComparison } from '@/lib/server/compare-queries';
import { datasetNames } from '@/lib/server/queries';
import { renderOrExplain } from '@/lib/server/render-or-explain';
import { runStatusName } from '@/lib/server/run-event-json';

export const metadata: Metadata = { title: 'Compare runs' };

const MAX_RUNS = 12;

export default async function ComparePage({ searchParams }: PageProps<'/compare'>) {
  const search = await searchParams;
  const ids = allParams(search.run).slice(0, MAX_RUNS);
  const chosenMetric = firstParam(search.metric);
  const log = firstParam(search.log) === '1';
  const stepText = firstParam(search.step);
  const groupText = firstParam(search.group);
  const pcText = firstParam(search.pc);
  const initialStep = stepText === undefined ? undefined : Number(stepText);

  if (ids.length === 0) {
    return (
      <>
        <h1>Compare runs</h1>
        <div className="empty" data-testid="compare-empty">
          <p>No runs selected.</p>
          <p>
            Tick the runs to compare in the <Link href="/runs">runs table</Link> and press <strong>Compare selected</strong>, or link here
            with <code>/compare?run=ID&amp;run=ID</code>.
          </p>
        </div>
      </>
    );
  }

  return renderOrExplain(async () => {
    const { runs, missing, evaluationsDown } = await loadComparison(ids);
    const names = await datasetNames(runs.map((r) => r.run.datasetId));
    const colored = runs.map((r, i) => ({ ...r, color: colorAt(i), label: `${shortId(r.run.id)} · ${r.run.family}` }));
    const keys = [...new Set(runs.flatMap((r) => r.points.map((p) => p.key)))].sort();
    const metric = chosenMetric && keys.includes(chosenMetric) ? chosenMetric : keys.includes('train/loss') ? 'train/loss' : keys[0];
    const series: ChartSeries[] = colored.map((r) => ({
      key: r.label,
      color: r.color,
      points: r.points
        .filter((p) => p.key === metric && Number.isFinite(p.value))
        .map((p) => [p.step, p.value] as const)
        .sort((a, b) => a[0] - b[0]),
    }));
    const records: RunRecord[] = runs.map((r) => ({ attributes: {}, params: JSON.parse(r.run.configJson || '{}') as unknown, metrics: {} }));
    const differing = paramColumns(records, [], 6).map((f) => f.slice(7));
    const configs = runs.map((r) => JSON.parse(r.run.configJson || '{}') as Record<string, unknown>);
    const varying = varyingParams(configs);
    const groupable = runs.map((r, i) => ({ id: r.run.id, family: r.run.family, datasetId: r.run.datasetId, seed: r.run.seed, config: configs[i] as Record<string, unknown> }));
    // Without a choice in the address, runs that differ only by their seed are grouped (mean ± std over seeds); `group=none` turns that off.
    const seedsRepeat = groupRuns(groupable, SEED_GROUPING).some((g) => g.runIds.length > 1);
    const chosenGroup = groupText === SEED_GROUPING || groupText === 'none' || (groupText && varying.includes(groupText)) ? groupText : undefined;
    const automatic = chosenGroup === undefined && seedsRepeat;
    const groupBy = chosenGroup === 'none' ? undefined : (chosenGroup ?? (automatic ? SEED_GROUPING : undefined));
    const finals = runs.map((r) => finalValues(r.points, r.evaluations));
    const choices = metricChoices(finals);
    const pcChoice = choices.find((c) => c.key === pcText) ?? choices[0];
    const keep = { run: ids, step: stepText, group: chosenGroup, pc: pcChoice?.key === pcText ? pcText : undefined };
    const state = { ...keep, metric: chosenMetric && chosenMetric === metric ? metric : undefined, log: log ? '1' : undefined };
    const groupOptions = [
      { value: 'none', label: 'none (a curve per run)', param: seedsRepeat ? 'none' : undefined },
      { value: SEED_GROUPING, label: `seed (runs equal but for the seed${automatic ? '; automatic' : ''})`, param: SEED_GROUPING },
      ...varying.map((name) => ({ value: name, label: name, param: name })),
    ].map(({ param, ...o }) => ({ ...o, href: hrefWith('/compare', { ...state, group: param }) }));
    const groups = groupBy
      ? groupRuns(groupable, groupBy).map((group, i) => {
          const curves = series.filter((_, r) => group.runIds.includes(runs[r]?.run.id ?? '')).filter((s) => s.points.length > 0);
          return { ...group, color: colorAt(i), runs: curves.length, points: aggregateCurves(curves.map((s) => s.points)) };
        })
      : [];
    const groupSeries: GroupSeries[] = groups.map((g) => ({ key: g.key, label: g.label, color: g.color, runs: g.runs, points: g.points }));
    const last = (r: (typeof colored)[number]) => r.points.filter((p) => p.key === metric).at(-1);

    return (
      <>
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/runs">Runs</Link>
        </nav>
        <h1>Compare {runs.length} runs</h1>
        {missing.length > 0 && (
          <p className="notice notice-info" role="status">
            Not found, left out: {missing.map((id) => <code key={id}>{shortId(id)} </code>)}(deleted, or a mistyped id in the address).
          </p>
        )}

        <table className="table" data-testid="compare-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Family</th>
              <th>Dataset</th>
              <th>Status</th>
              <th className="num">Seed</th>
              {differing.map((name) => (
                <th key={name} className="num">
                  <code>{name}</code>
                </th>
              ))}
              {metric && <th className="num">last {metric}</th>}
            </tr>
          </thead>
          <tbody>
            {colored.map((r) => {
              const config = JSON.parse(r.run.configJson || '{}') as Record<string, unknown>;
              const point = last(r);
              return (
                <tr key={r.run.id}>
                  <td>
                    <span className="swatch" style={{ background: r.color }} />
                    <Link href={`/runs/${encodeURIComponent(r.run.id)}`}>
                      <code>{shortId(r.run.id)}</code>
                    </Link>
                  </td>
                  <td>{r.run.family}</td>
                  <td>{names.get(r.run.datasetId) ?? shortId(r.run.datasetId)}</td>
                  <td>
                    <StatusBadge status={runStatusName(r.run.status)} />
                  </td>
                  <td className="num">{r.run.seed}</td>
                  {differing.map((name) => (
                    <td key={name} className="num">
                      {config[name] === undefined ? '—' : String(config[name])}
                    </td>
                  ))}
                  {metric && <td className="num">{point ? `${Number(point.value.toPrecision(5))} @ ${formatCount(point.step)}` : '—'}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>

        <section>
          <h2>Metric curves</h2>
          {keys.length === 0 ? (
            <p className="empty">These runs have logged no metrics yet.</p>
          ) : (
            <div className="chart-panel">
              <div className="chart-toolbar">
                <nav className="segmented" aria-label="Metric">
                  {keys.map((key) => (
                    <Link key={key} href={hrefWith('/compare', { ...keep, metric: key, log: log ? '1' : undefined })} aria-current={key === metric ? 'true' : undefined} replace scroll={false}>
                      {key}
                    </Link>
                  ))}
                </nav>
                <CompareSelect label="Group by" value={groupBy ?? 'none'} options={groupOptions} testId="group-by" />
                <Link className="chart-log" href={hrefWith('/compare', { ...keep, metric, log: log ? undefined : '1' })} replace scroll={false}>
                  {log ? 'linear scale' : 'log scale'}
                </Link>
              </div>
              {groupBy ? (
                <>
                  <GroupedCurvesChart series={groupSeries} log={log} emptyMessage={`No ${metric} points at steps shared within a group`} />
                  <ul className="legend" data-testid="group-legend">
                    {groups.map((g) => (
                      <li key={g.key} data-runs={g.runs} title={`runs ${g.runIds.map(shortId).join(', ')}`}>
                        <span className="swatch swatch-band" style={{ background: g.color }} />
                        <span>
                          <code>{g.label}</code>
                          {` · ${g.runs} ${g.runs === 1 ? 'run' : 'runs'}`}
                          {g.runs > 1 && <span className="muted">{` (seeds ${[...new Set(g.seeds)].join(', ')})`}</span>}
                        </span>
                      </li>
                    ))}
                  </ul>
                  <p className="muted small">
                    Each line is the mean over a group&apos;s runs at the steps all of them logged; the band is ±1 sample standard deviation. A group of one run has no
                    band.
                  </p>
                </>
              ) : (
                <>
                  <LossChart series={series} log={log} emptyMessage={`No ${metric} points`} />
                  <ul className="legend">
                    {colored.map((r) => (
                      <li key={r.run.id}>
                        <span className="swatch" style={{ background: r.color }} />
                        <code>{r.label}</code>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
        </section>

        <section>
          <h2>Params against a metric</h2>
          {evaluationsDown && (
            <p className="notice notice-info" role="status">
              The evaluation service is not answering: only training metrics are offered. Reload once it is back.
            </p>
          )}
          <ParallelSection runs={colored} configs={configs} varying={varying} finals={finals} choices={choices} chosen={pcChoice} state={state} />
        </section>

        <section>
          <h2>Samples at the same step</h2>
          <CompareSamples
            runs={colored.map((r) => ({ runId: r.run.id, label: r.label, color: r.color, grids: r.grids }))}
            initialStep={initialStep}
          />
        </section>
      </>
    );
  });
}

function ParallelSection({ runs, configs, varying, finals, choices, chosen, state }: {
  runs: ReadonlyArray<{ run: { id: string }; label: string }>;
  configs: ReadonlyArray<Record<string, unknown>>;
  varying: string[];
  finals: ReadonlyArray<Record<string, FinalValue>>;
  choices: MetricChoice[];
  chosen: MetricChoice | undefined;
  state: Record<string, string | readonly string[] | undefined>;
}) {
  if (!chosen) return <p className="empty">These runs have no metrics or evaluation results yet: train or evaluate them to place them against their params.</p>;
  const layout = layoutParallelCoordinates(
    runs.map((r, i) => ({ id: r.run.id, label: r.label, config: configs[i] as Record<string, unknown>, value: finals[i]?.[chosen.key]?.value })),
    varying,
    chosen.label,
  );
  const unit = finals.find((f) => f[chosen.key]?.unit)?.[chosen.key]?.unit;
  const format = (value: number) => (unit ? formatMeasurement(value, unit) : String(Number(value.toPrecision(5))));
  const options = choices.map((c) => ({ value: c.key, label: `${c.label}${c.runs < runs.length ? ` · ${c.runs} of ${runs.length} runs` : ''}`, href: hrefWith('/compare', { ...state, pc: c.key }) }));
  return (
    <div className="chart-panel">
      <div className="chart-toolbar">
        <CompareSelect label="Metric" value={chosen.key} options={options} testId="pc-metric" />
        {varying.length === 0 && <span className="muted">The selected runs share every param: only the metric axis is drawn.</span>}
      </div>
      <ParallelCoordinatesChart
        layout={layout}
        metricLabel={chosen.label}
        formatValue={format}
        direction={chosen.source === 'evaluation' ? betterDirection(chosen.key.replace(/_bpd$/, '')) : undefined}
      />
    </div>
  );
}
