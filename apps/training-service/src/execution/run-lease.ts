import type { LoggerService } from '@nestjs/common';
import { isClaimLost, type Database } from '@genlab/db';

/**
 * A worker's hold on one run: renews the claim every `heartbeatMs` (recording the steps done)
 * and learns from each renewal whether StopRun asked the run to stop. If a renewal finds the
 * claim gone (another worker took the run over after the lease expired), `lost` turns true
 * and the worker must drop the run without writing anything more for it.
 */
export class RunLease {
  stepsDone: number;
  private stopAsked = false;
  private claimLost = false;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    readonly runId: string,
    readonly token: string,
    private readonly heartbeatMs: number,
    private readonly logger: LoggerService,
    stepsDone = 0,
  ) {
    this.stepsDone = stepsDone;
  }

  get stopRequested(): boolean {
    return this.stopAsked;
  }

  get lost(): boolean {
    return this.claimLost;
  }

  /** A StopRun this process received: no need to wait for the next renewal. */
  requestStop(): void {
    this.stopAsked = true;
  }

  /** A fenced write was refused. */
  markLost(): void {
    this.claimLost = true;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.beat(), this.heartbeatMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
  }

  /** Renews the claim now with the current step count; also used before the run's status changes. */
  beat(): Promise<void> {
    this.beating ??= this.renew().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async renew(): Promise<void> {
    if (this.claimLost) return;
    try {
      const { stopRequested } = await this.db.runs.heartbeat(this.runId, this.token, { stepsDone: this.stepsDone });
      this.stopAsked ||= stopRequested;
    } catch (error) {
      if (isClaimLost(error)) {
        this.claimLost = true;
        this.logger.warn(`run ${this.runId}: another worker holds it now; dropping it here`);
      } else {
        // A missed renewal is harmless while the lease lasts; the next one tries again.
        this.logger.warn(`run ${this.runId}: heartbeat failed: ${error instanceof Error ? error.message.split('\n').at(-1) : String(error)}`);
      }
    }
  }
}
