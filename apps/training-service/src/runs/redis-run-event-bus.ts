import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { trainingV1 } from '@genlab/contracts';
import { LocalEventFanout, RunEventBus, type RunEventSubscription } from './run-events';

/**
 * Run events over Redis pub/sub, one channel per run (`<prefix>:run-events:<runId>`), so a
 * client streaming a run from any training service process sees the events of whichever
 * worker trains it. Publishing never waits: the message is handed to the connection's
 * write queue. This process subscribes to a run's channel while it has local subscribers.
 */
export class RedisRunEventBus extends RunEventBus {
  private readonly logger = new Logger(RedisRunEventBus.name);
  private readonly fanout = new LocalEventFanout();
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    super();
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
  }

  publish(event: trainingV1.RunEvent): void {
    this.publisher.publish(this.channel(event.runId), Buffer.from(trainingV1.RunEvent.encode(event).finish())).catch((error: unknown) => {
      this.logger.warn(`run ${event.runId}: event not published: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  subscribe(runId: string, listener: (event: trainingV1.RunEvent) => void, onClose: () => void): RunEventSubscription {
    const stop = this.fanout.listen(runId, listener, onClose);
    const channel = this.channel(runId);
    let ready = this.subscribed.get(channel);
    if (!ready) {
      ready = this.subscriber.subscribe(channel);
      this.subscribed.set(channel, ready);
    }
    return {
      ready: ready.then(() => undefined),
      unsubscribe: () => {
        stop();
        if (this.fanout.listenerCount(runId) > 0 || !this.subscribed.delete(channel)) return;
        this.subscriber.unsubscribe(channel).catch(() => undefined);
      },
    };
  }

  closeAll(): void {
    this.fanout.closeAll();
  }

  override async dispose(): Promise<void> {
    await Promise.all([this.subscriber.quit().catch(() => undefined), this.publisher.quit().catch(() => undefined)]);
  }

  private channel(runId: string): string {
    return `${this.prefix}:run-events:${runId}`;
  }

  private receive(channel: string, message: Buffer): void {
    if (!this.subscribed.has(channel)) return;
    try {
      this.fanout.emit(trainingV1.RunEvent.decode(message));
    } catch (error) {
      this.logger.warn(`undecodable run event on ${channel}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
