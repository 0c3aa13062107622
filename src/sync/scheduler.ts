/**
 * The nightly schedule: croner fires SYNC_SCHEDULE in SYNC_TIMEZONE; `protect` stops a tick from
 * starting while the previous run is still going, and the store's lease stops a second instance.
 * After each run: the digest listeners (the engine itself purges past retention after every run).
 */
import { Cron } from 'croner';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import type { Store } from '../store/types';
import { RunInProgressError, RunResult, SyncEngine } from './engine';
import { nextRunAt } from './status';

export interface SchedulerOptions {
  cron: string;
  timezone: string;
  engine: SyncEngine;
  store: Store;
  logger?: Logger;
  /** Called after every scheduled run that ran (the daily digest). */
  onRun?: (run: RunResult) => Promise<void> | void;
}

export class Scheduler {
  private job?: Cron;
  private readonly log: Logger;
  /** Resolves when the run of the current tick is over (tests wait on it). */
  current?: Promise<RunResult | undefined>;

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.logger ?? silentLogger;
  }

  start(): void {
    this.job = new Cron(this.opts.cron, { timezone: this.opts.timezone, protect: () => this.log.warn('previous sync still running: tick skipped') }, async () => {
      this.current = this.tick();
      await this.current;
    });
    this.log.info({ next: this.nextRun()?.toISOString() }, 'scheduler started');
  }

  nextRun(): Date | null {
    return this.job?.nextRun() ?? nextRunAt({ cron: this.opts.cron, timezone: this.opts.timezone });
  }

  stop(): void {
    this.job?.stop();
  }

  /** One scheduled run; another instance holding the lease is not an error. */
  async tick(): Promise<RunResult | undefined> {
    let run: RunResult | undefined;
    try {
      run = await this.opts.engine.run({ trigger: 'schedule' });
      this.log.info({ runId: run.runId, status: run.status }, 'scheduled sync finished');
    } catch (err) {
      if (err instanceof RunInProgressError) {
        this.log.info({ holder: err.holder }, 'another instance is syncing: tick skipped');
        return undefined;
      }
      this.log.error({ err: (err as Error).message }, 'scheduled sync failed');
      return undefined;
    }
    try {
      await this.opts.onRun?.(run);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'digest failed');
    }
    return run;
  }
}
