import { Inject, Injectable, Logger, type FactoryProvider, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { GenlabConfig } from '@genlab/config';
import type { Database } from '@genlab/db';
import { DATABASE, DrainRegistry, GENLAB_CONFIG } from '@genlab/service-core';
import { RunExecutor } from '../execution/run-executor';
import { RedisRunEventBus } from '../runs/redis-run-event-bus';
import { InProcessRunEventBus, RunEventBus } from '../runs/run-events';
import { BullmqRunQueue } from './bullmq-run-queue';
import { EmbeddedRunQueue } from './embedded-run-queue';
import { connectRedis } from './redis-connection';
import { RUN_QUEUE, type RunQueue } from './run-queue';

/** Redis pub/sub when runs may train in other processes, else in-process. */
export const runEventBusProvider: FactoryProvider<RunEventBus> = {
  provide: RunEventBus,
  inject: [GENLAB_CONFIG],
  useFactory: (config: GenlabConfig): RunEventBus =>
    config.redisUrl
      ? new RedisRunEventBus(connectRedis(config.redisUrl, 'run-events'), connectRedis(config.redisUrl, 'run-events-subscriber'), config.queuePrefix)
      : new InProcessRunEventBus(),
};

/** BullMQ with REDIS_URL (training here unless the role is 'api'), else the embedded queue. */
export const runQueueProvider: FactoryProvider<RunQueue> = {
  provide: RUN_QUEUE,
  inject: [DATABASE, GENLAB_CONFIG, RunEventBus],
  useFactory: (db: Database, config: GenlabConfig, events: RunEventBus): RunQueue => {
    if (!config.redisUrl) return new EmbeddedRunQueue(db, new RunExecutor(db, config, events), config.maxConcurrentRuns);
    const executor = config.trainingRole === 'api' ? undefined : new RunExecutor(db, config, events);
    return new BullmqRunQueue(db, executor, {
      connection: connectRedis(config.redisUrl, 'run-queue'),
      prefix: config.queuePrefix,
      concurrency: config.maxConcurrentRuns,
      lockMs: config.queueLockMs,
      leaseMs: config.runLeaseMs,
    });
  },
};

/** Starts the queue once the module is up; drains it (then closes event streams) on shutdown. */
@Injectable()
export class RunQueueLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunQueue');

  constructor(
    @Inject(RUN_QUEUE) private readonly queue: RunQueue,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
    private readonly events: RunEventBus,
    drains: DrainRegistry,
  ) {
    drains.register('training runs', async () => {
      await this.queue.drain();
      this.events.closeAll();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.start();
    const trains = this.config.trainingRole === 'api' ? 'training nothing here (role api)' : `training up to ${this.config.maxConcurrentRuns} at a time here`;
    this.logger.log(`${this.queue.kind} run queue started, ${trains}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events.dispose();
  }
}
