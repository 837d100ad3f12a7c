import { Injectable, Logger } from '@nestjs/common';

/**
 * Work a service finishes before its gRPC server closes: training runs stop at a step
 * boundary, event streams complete. The server waits for open calls when it closes, so
 * long-lived work must end first or shutdown would stall.
 */
@Injectable()
export class DrainRegistry {
  private readonly logger = new Logger('Shutdown');
  private readonly hooks: { name: string; drain: () => Promise<void> }[] = [];

  register(name: string, drain: () => Promise<void>): void {
    this.hooks.push({ name, drain });
  }

  /** Run every hook, each bounded by `timeoutMs`; a hook that fails or overruns is logged, not fatal. */
  async drainAll(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.hooks.map(async ({ name, drain }) => {
        let timer: NodeJS.Timeout | undefined;
        const overrun = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
        try {
          const outcome = await Promise.race([drain().then(() => 'done' as const), overrun]);
          if (outcome === 'timeout') this.logger.warn(`${name} did not drain within ${timeoutMs} ms`);
        } catch (error) {
          this.logger.error(`${name} failed to drain: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
}
