'use client';

import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { colorAt } from '@/lib/palette';
import { LossChart, type ChartSeries } from './loss-chart';
import { StatusBadge } from './status-badge';
import { useRunEvents, type RunEventsState, type RunSnapshot } from './use-run-events';

const RunEventsContext = createContext<RunEventsState | null>(null);

function useRunLive(): RunEventsState {
  const state = useContext(RunEventsContext);
  if (!state) throw new Error('useRunLive outside <RunLive>');
  return state;
}

/** Opens the run's event stream once and shares it with the live parts of the page. */
export function RunLive({ runId, initial, children }: { runId: string; initial: RunSnapshot; children: ReactNode }) {
  const state = useRunEvents(runId, initial);
  return <RunEventsContext.Provider value={state}>{children}</RunEventsContext.Provider>;
}

export function LiveStatus() {
  const { run } = useRunLive();
  return <StatusBadge status={run.status} testId="run-status" />;
}

/** The reason a run failed or was cancelled, when there is one. */
export function LiveStatusReason() {
  const { run } = useRunLive();
  if (!run.statusReason && !run.error) return null;
  const failed = run.status === 'RUN_STATUS_FAILED';
  return (
    <div className={`notice ${failed ? 'notice-error' : 'notice-info'}`} role={failed ? 'alert' : undefined}>
      {run.statusReason && <strong>{run.statusReason}</strong>}
      {run.error && <pre>{run.error}</pre>}
    </div>
  );
}

export function LiveProgress() {
  const { run } = useRunLive();
  const { stepsDone, totalSteps, stepsPerSecond } = run;
  const fraction = totalSteps > 0 ? Math.min(1, stepsDone / totalSteps) : 0;
  return (
    <span className="progress">
      <span className="progress-text">
        {stepsDone.toLocaleString('en-US')} / {totalSteps.toLocaleString('en-US')} steps
        {run.status === 'RUN_STATUS_RUNNING' && stepsPerSecond ? ` · ${stepsPerSecond.toFixed(1)} steps/s` : ''}
      </span>
      <progress max={1} value={fraction} aria-label="Training progress" />
    </span>
  );
}

const STREAM_LABELS = {
  connecting: 'connecting…',
  live: 'live',
  ended: 'complete',
  problem: 'not live',
} as const;

/** The run's metric curves, updated as points arrive, with a legend that toggles lines. */
export function LiveLossChart() {
  const { metrics, metricsVersion, stream, problem, run } = useRunLive();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [log, setLog] = useState(false);

  const series = useMemo<ChartSeries[]>(() => {
    void metricsVersion; // `metrics` is mutated in place; the version says when.
    const byKey = [...metrics.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return byKey.map(([key, byStep], i) => {
      const points = [...byStep.entries()]
        .filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]))
        .sort((a, b) => a[0] - b[0]);
      return { key, color: colorAt(i), points };
    });
  }, [metrics, metricsVersion]);

  const visible = series.filter((s) => !hidden.has(s.key));
  const canLog = visible.some((s) => s.points.some(([, v]) => v > 0));
  const toggle = (key: string) =>
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  const empty =
    stream === 'problem'
      ? 'No metrics: the event stream is unavailable'
      : run.status === 'RUN_STATUS_QUEUED'
        ? 'Waiting for the run to start…'
        : stream === 'ended'
          ? 'This run logged no metrics'
          : 'Waiting for metrics…';

  return (
    <div className="chart-panel">
      <div className="chart-toolbar">
        <span className={`stream stream-${stream}`} data-testid="stream-state">
          {STREAM_LABELS[stream]}
        </span>
        {problem && <span className="muted">{problem}</span>}
        <label className="chart-log">
          <input type="checkbox" checked={log && canLog} disabled={!canLog} onChange={(e) => setLog(e.target.checked)} /> log
          scale
        </label>
      </div>
      <LossChart series={visible} log={log && canLog} emptyMessage={empty} />
      {series.length > 0 && (
        <ul className="legend">
          {series.map((s) => {
            const last = s.points.at(-1);
            return (
              <li key={s.key}>
                <button type="button" aria-pressed={!hidden.has(s.key)} onClick={() => toggle(s.key)}>
                  <span className="swatch" style={{ background: s.color }} />
                  <code>{s.key}</code>
                  {last && (
                    <span className="muted">
                      {' '}
                      {Number(last[1].toPrecision(5))} @ {last[0].toLocaleString('en-US')}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
