import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { toTimestamp, trainingV1 } from '@genlab/contracts';
import { isTerminalRunStatus, type Database } from '@genlab/db';
import { DATABASE } from '@genlab/service-core';
import { EventOutbox, type WritableSignal } from './event-outbox';
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
 * held back and sent after it. Every metric point reaches the client once: points at or
 * before a step already sent for their key are dropped (the history's, and those a run
 * resumed from an earlier checkpoint logs again). Live events pass through an EventOutbox,
 * so a slow client is given what it can take without ever holding up the run.
 */
@Injectable()
export class RunEventStream {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly bus: RunEventBus,
  ) {}

  /** `sink`: the call the events are written to, whose write buffer tells when the client lags. */
  open(runId: string, includeHistory: boolean, sink?: WritableSignal): Observable<trainingV1.RunEvent> {
    return new Observable<trainingV1.RunEvent>((subscriber) => {
      const held: trainingV1.RunEvent[] = [];
      const lastStep = new Map<string, number>();
      let live = false;
      const deliver = (event: trainingV1.RunEvent) => {
        const fresh = withoutSeenPoints(event, lastStep);
        if (!fresh || subscriber.closed) return;
        subscriber.next(fresh);
        if (fresh.status && TERMINAL.has(fresh.status.status)) subscriber.complete();
      };
      const outbox = new EventOutbox(deliver, (error) => subscriber.error(error), sink);
      const subscription = this.bus.subscribe(
        runId,
        (event) => (live ? outbox.push(event) : held.push(event)),
        () => {
          // The service is stopping: what the runs published last (their final status) still goes out.
          outbox.flushNow();
          subscriber.complete();
        },
      );

      void (async () => {
        await subscription.ready;
        const run = await this.db.runs.get(runId);
        subscriber.next({ runId, time: toTimestamp(new Date()), status: toRunMessage(run) });
        if (includeHistory) {
          for (let afterStep = 0; ; ) {
            const points = await this.db.metrics.listPoints(runId, { afterStep, limit: HISTORY_PAGE });
            if (points.length === 0) break;
            for (const p of points) lastStep.set(p.key, Math.max(lastStep.get(p.key) ?? 0, p.step));
            subscriber.next({ runId, time: toTimestamp(new Date()), metrics: { points: points.map(toMetricPointMessage) } });
            if (sink?.writableNeedDrain) await new Promise((resolve) => sink.once('drain', () => resolve(undefined)));
            if (points.length < HISTORY_PAGE) break;
            afterStep = points[points.length - 1]?.step ?? afterStep;
          }
        }
        live = true;
        for (const event of held.splice(0)) outbox.push(event);
        if (isTerminalRunStatus(run.status) && !subscriber.closed) subscriber.complete();
      })().catch((error: unknown) => subscriber.error(error));

      return () => {
        outbox.close();
        subscription.unsubscribe();
      };
    });
  }
}

/** The event without points already sent; records the points it keeps as sent. */
function withoutSeenPoints(event: trainingV1.RunEvent, lastStep: Map<string, number>): trainingV1.RunEvent | undefined {
  if (!event.metrics) return event;
  const points = event.metrics.points.filter((p) => p.step > (lastStep.get(p.key) ?? 0));
  for (const p of points) lastStep.set(p.key, Math.max(lastStep.get(p.key) ?? 0, p.step));
  return points.length ? { ...event, metrics: { points } } : undefined;
}
