'use client';

import { useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { formatCount } from '@/lib/format';
import { gridAt, indexOfStep, unionSteps, type GridAtStep } from '@/lib/sample-steps';

export interface RunSamples {
  runId: string;
  label: string;
  color: string;
  grids: GridAtStep[];
}

/**
 * Every selected run's sample grid side by side at one training step, moved by one shared
 * slider over the steps at which any run drew a grid. The step is kept in the URL
 * (`?step=`, replaced rather than pushed, so the back button leaves the page).
 */
export function CompareSamples({ runs, initialStep }: { runs: RunSamples[]; initialStep?: number }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const steps = unionSteps(runs.map((r) => r.grids));
  const [index, setIndex] = useState(() => indexOfStep(steps, initialStep));
  if (steps.length === 0) {
    return <p className="empty">None of these runs has a sample grid yet: one is drawn each time a run saves a checkpoint.</p>;
  }
  const step = steps[Math.min(index, steps.length - 1)] as number;

  const move = (next: number) => {
    setIndex(next);
    const params = new URLSearchParams(search.toString());
    params.set('step', String(steps[next]));
    router.replace(`${pathname}?${params.toString()}`, { scroll: false });
  };

  return (
    <div className="compare-samples">
      <label className="step-slider">
        <span>
          Step <strong data-testid="slider-step">{formatCount(step)}</strong>
        </span>
        <input
          type="range"
          min={0}
          max={steps.length - 1}
          step={1}
          value={index}
          onChange={(e) => move(Number(e.target.value))}
          aria-valuetext={`step ${step}`}
          data-testid="step-slider"
        />
        <span className="muted small">
          {steps.length} steps with samples: {formatCount(steps[0] as number)} … {formatCount(steps.at(-1) as number)}
        </span>
      </label>
      <div className="sample-grids">
        {runs.map((run) => {
          const grid = gridAt(run.grids, step);
          return (
            <figure key={run.runId} data-testid="compare-grid" data-run={run.runId} data-step={grid?.step ?? ''}>
              <figcaption className="compare-caption">
                <span className="swatch" style={{ background: run.color }} /> {run.label}
              </figcaption>
              {grid ? (
                <img src={`/api/artifacts/${encodeURIComponent(grid.artifactId)}`} alt={`Samples of ${run.label} at step ${grid.step}`} />
              ) : (
                <div className="no-grid muted">no samples yet</div>
              )}
              <figcaption>
                {grid ? (grid.step === step ? `step ${formatCount(grid.step)}` : `step ${formatCount(grid.step)} (its nearest before ${formatCount(step)})`) : ''}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </div>
  );
}
