import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { toTimestamp, trainingV1 } from '@genlab/contracts';
import { isTerminalRunStatus, type Database } from '@genlab/db';
import { DATABASE } from '@genlab/service-core';
import { RunEventBus } from './run-events';
import { toMetricPointMessage, toRunMessage } from './runs.mapper';

const HISTORY_PAGE = 2_000;
const TERMINAL = new Set([
  trainingV1.RunStatus.RUN_STATUS_COMPLETED,
  trainingV1.RunStatus.RUN_STATUS_FAILED,
  trainingV1.RunStatus.RUN_STATUS_CANCELLED,
]);

/**
 * StreamRunEvents: the run as it is now, then (optionally) its stored metric history, then
 * live events until the run ends. Live events that arrive while the history is read are
 * held back and sent after it, minus the points the history already contained.
 */
@Injectable()
export class RunEventStream {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly bus: RunEventBus,
  ) {}

  open(runId: string, includeHistory: boolean): Observable<trainingV1.RunEvent> {
    return new Observable<trainingV1.RunEvent>((subscriber) => {
      const held: trainingV1.RunEvent[] = [];
      let live = false;
      const deliver = (event: trainingV1.RunEvent) => {
        subscriber.next(event);
        if (event.status && TERMINAL.has(event.status.status)) subscriber.complete();
      };
      const unsubscribe = this.bus.subscribe(
        runId,
        (event) => (live ? deliver(event) : held.push(event)),
        () => subscriber.complete(),
      );

      void (async () => {
        const run = await this.db.runs.get(runId);
        subscriber.next({ runId, time: toTimestamp(new Date()), status: toRunMessage(run) });
        const lastStep = new Map<string, number>();
        if (includeHistory) {
          for (let afterStep = 0; ; ) {
            const points = await this.db.metrics.listPoints(runId, { afterStep, limit: HISTORY_PAGE });
            if (points.length === 0) break;
            for (const p of points) lastStep.set(p.key, Math.max(lastStep.get(p.key) ?? 0, p.step));
            subscriber.next({ runId, time: toTimestamp(new Date()), metrics: { points: points.map(toMetricPointMessage) } });
            if (points.length < HISTORY_PAGE) break;
            afterStep = points[points.length - 1]?.step ?? afterStep;
          }
        }
        live = true;
        for (const event of held.splice(0)) {
          const fresh = withoutSeenPoints(event, lastStep);
          if (fresh) deliver(fresh);
        }
        if (isTerminalRunStatus(run.status) && !subscriber.closed) subscriber.complete();
      })().catch((error: unknown) => subscriber.error(error));

      return unsubscribe;
    });
  }
}

function withoutSeenPoints(event: trainingV1.RunEvent, lastStep: Map<string, number>): trainingV1.RunEvent | undefined {
  if (!event.metrics) return event;
  const points = event.metrics.points.filter((p) => p.step > (lastStep.get(p.key) ?? 0));
  return points.length ? { ...event, metrics: { points } } : undefined;
}
