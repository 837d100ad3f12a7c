import { trainingV1 } from '@genlab/contracts';
import { Interrupted } from '../core/cli-error';
import type { CommandContext } from '../core/command.types';
import { lineRenderer, silentRenderer, ttyRenderer, type ProgressRenderer, type ProgressState } from '../output/progress';
import { runStatusName } from '../output/views';

/** The metric shown next to the bar. */
export const LOSS_KEY = 'train/loss';

const TERMINAL = new Set([trainingV1.RunStatus.RUN_STATUS_COMPLETED, trainingV1.RunStatus.RUN_STATUS_FAILED, trainingV1.RunStatus.RUN_STATUS_CANCELLED]);

export const isTerminal = (status: trainingV1.RunStatus) => TERMINAL.has(status);

export function chooseRenderer(ctx: CommandContext): ProgressRenderer {
  if (ctx.json) return silentRenderer();
  return ctx.io.stdout.isTTY ? ttyRenderer(ctx.io.stdout) : lineRenderer(ctx.io.stdout);
}

export interface WatchResult {
  run: trainingV1.Run;
  /** True when the user detached (Ctrl-C) before the run ended. */
  detached: boolean;
}

/**
 * Follows StreamRunEvents until the run ends (the server then completes the stream), feeding a
 * progress renderer. Returns the run as it last was; if the stream ends without a final status
 * event, the run is fetched once more.
 */
export async function watchRun(ctx: CommandContext, runId: string, renderer: ProgressRenderer = chooseRenderer(ctx)): Promise<WatchResult> {
  let run: trainingV1.Run | undefined;
  const state: ProgressState = { status: 'unknown', stepsDone: 0, totalSteps: 0 };
  const events = ctx.rpc.stream('training', (c, metadata) => c.streamRunEvents({ runId, includeHistory: false }, metadata));
  try {
    for await (const event of events) {
      if (event.status) {
        const previous = run?.status;
        run = event.status;
        state.status = runStatusName(run.status);
        state.stepsDone = Math.max(state.stepsDone, run.stepsDone);
        state.totalSteps = run.totalSteps || state.totalSteps;
        if (previous !== run.status && !isTerminal(run.status)) renderer.note(`run ${run.id}: ${state.status}${run.backend ? ` (backend ${run.backend})` : ''}`);
        renderer.update({ ...state });
      }
      if (event.progress) {
        state.stepsDone = event.progress.stepsDone;
        state.totalSteps = event.progress.totalSteps || state.totalSteps;
        state.stepsPerSecond = event.progress.stepsPerSecond;
        state.epoch = event.progress.epoch;
        renderer.update({ ...state });
      }
      const losses = event.metrics?.points.filter((p) => p.key === LOSS_KEY) ?? [];
      if (losses.length > 0) {
        state.loss = (losses.at(-1) as trainingV1.MetricPoint).value;
        renderer.update({ ...state });
      }
    }
  } catch (error) {
    // Ctrl-C detaches: the run goes on; report it as last seen.
    if (error instanceof Interrupted && run) return { run: { ...run, stepsDone: state.stepsDone }, detached: true };
    throw error;
  } finally {
    renderer.done();
  }
  if (!run || !isTerminal(run.status)) run = await ctx.rpc.unary('training', (c) => c.getRun, { id: runId });
  return { run, detached: false };
}
