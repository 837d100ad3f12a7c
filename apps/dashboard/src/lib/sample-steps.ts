/** Sample grids by training step: what the shared step slider of the compare page moves over. */

export interface GridAtStep {
  step: number;
  artifactId: string;
}

/** The step a sample grid was drawn at, from its artifact's metadata JSON. */
export function gridStep(metaJson: string): number | undefined {
  try {
    const meta = JSON.parse(metaJson || '{}') as { step?: unknown };
    return typeof meta.step === 'number' ? meta.step : undefined;
  } catch {
    return undefined;
  }
}

/** Every step at which any of the runs drew a grid, ascending. */
export function unionSteps(runs: ReadonlyArray<readonly GridAtStep[]>): number[] {
  return [...new Set(runs.flatMap((grids) => grids.map((g) => g.step)))].sort((a, b) => a - b);
}

/**
 * A run's grid for a step: the last one drawn at or before it (what the run looked like
 * then), or its first grid when it drew none that early; undefined when it has none.
 * `grids` ascending by step.
 */
export function gridAt(grids: readonly GridAtStep[], step: number): GridAtStep | undefined {
  let chosen: GridAtStep | undefined;
  for (const grid of grids) {
    if (grid.step > step) break;
    chosen = grid;
  }
  return chosen ?? grids[0];
}

/** The slider position of a step from the URL: that step if listed, else the nearest, else the last. */
export function indexOfStep(steps: readonly number[], step: number | undefined): number {
  if (steps.length === 0) return 0;
  if (step === undefined || !Number.isFinite(step)) return steps.length - 1;
  let best = 0;
  steps.forEach((s, i) => {
    if (Math.abs(s - step) < Math.abs((steps[best] as number) - step)) best = i;
  });
  return best;
}
