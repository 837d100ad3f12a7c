'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { TERMINAL_STATUSES, type RunEventJson, type RunStatusName, type StreamProblem } from '@/lib/run-events';

export interface RunSnapshot {
  status: RunStatusName;
  statusReason: string;
  error: string;
  stepsDone: number;
  totalSteps: number;
  stepsPerSecond?: number;
}

export type StreamState = 'connecting' | 'live' | 'ended' | 'problem';

export interface RunEventsState {
  run: RunSnapshot;
  stream: StreamState;
  problem?: string;
  /** Metric values by key, then by step. Replayed history overwrites itself, so reconnects are safe. */
  metrics: ReadonlyMap<string, ReadonlyMap<number, number | null>>;
  /** Bumped whenever `metrics` changed (at most once per animation frame). */
  metricsVersion: number;
}

/**
 * Follow a run through the dashboard's SSE endpoint. New checkpoints and a change of
 * status refresh the server-rendered parts of the page (checkpoints, sample grids).
 */
export function useRunEvents(runId: string, initial: RunSnapshot): RunEventsState {
  const router = useRouter();
  const [run, setRun] = useState(initial);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [problem, setProblem] = useState<string>();
  const [metricsVersion, setMetricsVersion] = useState(0);
  const metrics = useRef(new Map<string, Map<number, number | null>>());
  const lastStatus = useRef(initial.status);

  useEffect(() => {
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    let frame = 0;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;

    const redraw = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setMetricsVersion((v) => v + 1);
      });
    };
    const refreshSoon = () => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => router.refresh(), 500);
    };

    const apply = (event: RunEventJson) => {
      switch (event.type) {
        case 'status': {
          const { status, statusReason, error, stepsDone, totalSteps } = event;
          setRun((r) => ({ ...r, status, statusReason, error, stepsDone, totalSteps }));
          if (status !== lastStatus.current) {
            lastStatus.current = status;
            refreshSoon();
          }
          break;
        }
        case 'progress': {
          const { stepsDone, totalSteps, stepsPerSecond } = event;
          setRun((r) => ({ ...r, stepsDone, totalSteps, stepsPerSecond }));
          break;
        }
        case 'metrics': {
          for (const { key, step, value } of event.points) {
            let byStep = metrics.current.get(key);
            if (!byStep) metrics.current.set(key, (byStep = new Map()));
            byStep.set(step, value);
          }
          redraw();
          break;
        }
        case 'checkpoint':
          refreshSoon();
          break;
      }
    };

    source.onopen = () => setStream('live');
    source.onmessage = (message: MessageEvent<string>) => apply(JSON.parse(message.data) as RunEventJson);
    source.addEventListener('end', () => {
      source.close();
      setStream('ended');
      if (!TERMINAL_STATUSES.has(lastStatus.current)) refreshSoon();
    });
    source.addEventListener('problem', (message: MessageEvent<string>) => {
      source.close();
      setStream('problem');
      setProblem((JSON.parse(message.data) as StreamProblem).message);
    });
    source.onerror = () => {
      // CLOSED: the endpoint answered with an error status (run gone, service down); else the browser retries.
      if (source.readyState === EventSource.CLOSED) {
        setStream('problem');
        setProblem('the live event stream could not be opened (is the training service up?)');
      } else {
        setStream('connecting');
      }
    };

    return () => {
      source.close();
      cancelAnimationFrame(frame);
      clearTimeout(refreshTimer);
    };
  }, [runId, router]);

  return { run, stream, problem, metrics: metrics.current, metricsVersion };
}
