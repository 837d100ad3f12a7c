import 'server-only';
import { fromTimestamp, trainingV1 } from '@genlab/contracts';
import type { RunEventJson, RunStatusName } from '../run-events';

export function runStatusName(status: trainingV1.RunStatus): RunStatusName {
  return trainingV1.runStatusToJSON(status) as RunStatusName;
}

/** A RunEvent as plain JSON; undefined for an event with no payload set. */
export function runEventToJson(event: trainingV1.RunEvent): RunEventJson | undefined {
  const base = { runId: event.runId, time: fromTimestamp(event.time)?.toISOString() };
  if (event.status) {
    const run = event.status;
    return {
      ...base,
      type: 'status',
      status: runStatusName(run.status),
      statusReason: run.statusReason,
      error: run.error,
      stepsDone: run.stepsDone,
      totalSteps: run.totalSteps,
    };
  }
  if (event.progress) {
    const { stepsDone, totalSteps, epoch, stepsPerSecond } = event.progress;
    return { ...base, type: 'progress', stepsDone, totalSteps, epoch, stepsPerSecond };
  }
  if (event.metrics) {
    const points = event.metrics.points.map(({ key, step, value }) => ({
      key,
      step,
      value: Number.isFinite(value) ? value : null,
    }));
    return { ...base, type: 'metrics', points };
  }
  if (event.checkpoint?.checkpoint) {
    const { id, step, artifactId } = event.checkpoint.checkpoint;
    return { ...base, type: 'checkpoint', checkpoint: { id, step, artifactId } };
  }
  return undefined;
}
