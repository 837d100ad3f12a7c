import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { GenlabConfig } from '@genlab/config';
import type { Database, Evaluation } from '@genlab/db';
import { abortedError, ErrorCode, isDomainError } from '@genlab/errors';
import { toGrpcError } from '@genlab/grpc';
import { DATABASE, DrainRegistry, GENLAB_CONFIG } from '@genlab/service-core';
import { EvaluationRunner } from './evaluation-runner';

export interface EvaluationProgress {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
}

export type EvaluationEvent = { readonly progress: EvaluationProgress } | { readonly evaluation: Evaluation };

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
export const isFinished = (evaluation: Evaluation) => TERMINAL.has(evaluation.status);

/**
 * Evaluations run as jobs: queued in the database, run here at most
 * GENLAB_MAX_CONCURRENT_EVALUATIONS at a time in the order they were asked for, with progress
 * published to watchers. The runner yields to the event loop between batches, so the
 * service keeps answering other calls while a job runs.
 */
@Injectable()
export class EvaluationJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(EvaluationJobs.name);
  private readonly queue: string[] = [];
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly events = new EventEmitter();
  private stopping = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
    private readonly runner: EvaluationRunner,
    drains: DrainRegistry,
  ) {
    this.events.setMaxListeners(0);
    drains.register('evaluation jobs', () => this.drain());
  }

  /** Jobs a previous process left: running ones cannot resume mid-way (failed), queued ones run. */
  async onApplicationBootstrap(): Promise<void> {
    for (const evaluation of await this.all('running')) {
      await this.db.evaluations.fail(evaluation.id, 'interrupted: the evaluation service stopped while it ran; start it again').catch(() => undefined);
    }
    for (const evaluation of await this.all('queued')) this.enqueue(evaluation.id);
  }

  private async all(status: 'queued' | 'running'): Promise<Evaluation[]> {
    const found: Evaluation[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.db.evaluations.list({ status, limit: 1000, offset, oldestFirst: true });
      found.push(...page);
      if (page.length < 1000) return found;
    }
  }

  enqueue(id: string): void {
    this.queue.push(id);
    this.pump();
  }

  /** Cancel a queued or running evaluation; the running one stops at its next batch. */
  async cancel(id: string, reason = 'cancelled by the caller'): Promise<Evaluation> {
    const evaluation = await this.db.evaluations.get(id);
    if (isFinished(evaluation)) return evaluation;
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    const job = this.active.get(id);
    if (job) {
      job.controller.abort(reason);
      await job.done;
      return this.db.evaluations.get(id);
    }
    const stopped = await this.db.evaluations.cancel(id, reason);
    this.publish(id, { evaluation: stopped });
    return stopped;
  }

  /** Its current state, then its progress and status changes until it finishes. */
  async *watch(id: string, signal?: AbortSignal): AsyncGenerator<EvaluationEvent> {
    const pending: EvaluationEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (event: EvaluationEvent) => {
      pending.push(event);
      wake?.();
    };
    const onAbort = () => wake?.();
    this.events.on(id, listener);
    signal?.addEventListener('abort', onAbort);
    try {
      const current = await this.db.evaluations.get(id);
      yield { evaluation: current };
      if (isFinished(current)) return;
      while (!signal?.aborted) {
        const event = pending.shift();
        if (!event) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        yield event;
        if ('evaluation' in event && isFinished(event.evaluation)) return;
      }
    } finally {
      this.events.off(id, listener);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Resolves with the finished evaluation. */
  async wait(id: string, signal?: AbortSignal): Promise<Evaluation> {
    let last: Evaluation | undefined;
    for await (const event of this.watch(id, signal)) if ('evaluation' in event) last = event.evaluation;
    // Only an abort of `signal` ends the watch early: the caller cancelled or its deadline passed.
    if (!last || !isFinished(last)) throw abortedError(signal, 'the call ended before the evaluation finished');
    return last;
  }

  private async drain(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0; // still queued in the database: the next start runs them
    for (const job of this.active.values()) job.controller.abort('the evaluation service is stopping');
    await Promise.all([...this.active.values()].map((job) => job.done));
  }

  private pump(): void {
    while (!this.stopping && this.active.size < this.config.maxConcurrentEvaluations && this.queue.length > 0) {
      const id = this.queue.shift() as string;
      const controller = new AbortController();
      const job = { controller, done: Promise.resolve() };
      job.done = this.execute(id, controller.signal).finally(() => {
        this.active.delete(id);
        this.pump();
      });
      this.active.set(id, job);
    }
  }

  private async execute(id: string, signal: AbortSignal): Promise<void> {
    let evaluation: Evaluation;
    try {
      evaluation = await this.db.evaluations.start(id);
    } catch (error) {
      // Cancelled while queued, or gone: nothing to run.
      if (!isDomainError(error)) this.logger.error(`evaluation ${id}: could not start: ${String(error)}`);
      return;
    }
    this.publish(id, { evaluation });
    const throwIfCancelled = () => {
      if (signal.aborted) throw abortedError(signal, 'evaluation stopped');
    };
    try {
      const results = await this.runner.run(evaluation, {
        onProgress: (phase, done, total) => this.publish(id, { progress: { phase, done, total } }),
        throwIfCancelled,
      });
      throwIfCancelled();
      this.publish(id, { evaluation: await this.db.evaluations.complete(id, results) });
    } catch (error) {
      // A job is not tied to a call's deadline: its signal aborts with `cancel`'s or the drain's
      // reason (CANCELLED), so a DEADLINE_EXCEEDED from inside it would be a failure.
      const stopped = isDomainError(error) && error.code === ErrorCode.Cancelled;
      const { details } = toGrpcError(error, (ref, e) => this.logger.error(`evaluation ${id} failed (${ref}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      const finished = await (stopped ? this.db.evaluations.cancel(id, details.slice(0, 2000)) : this.db.evaluations.fail(id, details.slice(0, 2000))).catch(
        (e: unknown) => {
          this.logger.error(`evaluation ${id}: could not record its end: ${String(e)}`);
          return undefined;
        },
      );
      if (finished) this.publish(id, { evaluation: finished });
    }
  }

  private publish(id: string, event: EvaluationEvent): void {
    this.events.emit(id, event);
  }
}
