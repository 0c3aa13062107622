/**
 * The one life cycle of all that holds the run lease — a sync run, an approval, a rejection: take the
 * lease, prepare, close what a killed process left running, record, work with every write fenced by
 * the lease in the run's own async context, record how it ended (waiting for a store that went away),
 * give the lease back, purge past retention. The engine says what a run does; this says how any run lives.
 */
import crypto from 'node:crypto';
import type { Config } from '../config';
import type { Logger } from '../log';
import { CallScope, callScope } from '../moodle/client';
import type { RunRecord, Store } from '../store/types';
import { StoreUnavailableError, classify, whenStoreBack } from '../store/unavailable';
import type { GuardReason } from './guard';
import { HeldLease, RunLease } from './lease';
import { RunJournal } from './run-journal';
import type { Plan } from './types';

export interface RunResult extends RunRecord {
  plans?: Plan[];
}

/** Journal rows a run keeps in memory while the store cannot take them: a bound (about 40 MB), far above what is in flight when writes stop. */
const MAX_KEPT_JOURNAL = 200_000;

/** What a recorded run is: its trigger and scope, the platforms it may write to, and how its end is recorded. */
export interface RunSpec {
  trigger: string;
  scope: string;
  platforms: string[];
  /** Reads and plans only: no lease, nothing recorded. */
  dryRun?: boolean;
  /** false: the work is recorded by `save` alone, not as a row of the runs (a rejection changes nothing in Moodle). */
  row?: boolean;
  /** How the finished run is recorded (default: its row saved); retried while the store is unavailable. */
  save?: (run: RunRecord) => Promise<void>;
}

export class RunLife {
  private readonly lease: RunLease;

  constructor(private readonly deps: { store: Store; config: Pick<Config, 'schedule' | 'dbRetryMs' | 'retentionDays'>; log: Logger; now: () => Date }) {
    this.lease = new RunLease(deps.store, { ttlMs: deps.config.schedule.leaseTtlMs, now: deps.now, log: deps.log });
  }

  /** Who this process is when it holds the run lease (host:pid:random). */
  get holder(): string {
    return this.lease.holder;
  }

  private get log(): Logger {
    return this.deps.log;
  }

  private now(): Date {
    return this.deps.now();
  }

  /**
   * The one life cycle of all that holds the run lease (a run, an approval, a rejection): take the
   * lease → prepare (reads; a failure here is the caller's, nothing is recorded) → close runs a killed
   * process left `running` → record this one as running → work, every write fenced by the lease
   * through this run's own async context (with its call counters) → record how it ended, waiting up
   * to SYNC_DB_RETRY_SECONDS for a store that went away → give the lease back → retention.
   * A dry run takes no lease and records nothing. Failures end the run `failed` with their reason: it
   * is returned, not thrown, so the caller always has a run to report.
   */
  async withRecordedRun<P>(spec: RunSpec, prepare: () => Promise<P>, work: (run: RunResult, prepared: P, journal: RunJournal) => Promise<void>): Promise<RunResult> {
    // A store restarting as the run begins is waited for, like one that goes away during it.
    const lease = spec.dryRun ? undefined : await whenStoreBack(() => this.lease.acquire(), this.deps.config.dbRetryMs, (err) => this.log.warn({ err: err.message }, 'the store is unavailable: waiting for it to start the run'));
    const started = this.now();
    const journal = new RunJournal(this.deps.store, {
      maxKept: MAX_KEPT_JOURNAL,
      onFailure: (err) => lease?.stopWrites(new Error(`the store cannot take the journal (${err.message}): stopping before the next write`)),
    });
    const scope: CallScope = { calls: new Map(spec.platforms.map((p) => [p, { reads: 0, writes: 0 }])), fence: lease?.fence };
    return callScope.run(scope, async () => {
      let prepared: P;
      try {
        prepared = await prepare();
        if (lease) await this.closeInterrupted();
      } catch (err) {
        await lease?.release().catch((e: Error) => this.log.warn({ err: e.message }, 'releasing the run lease failed; it expires by itself'));
        throw err;
      }
      const run: RunResult = { runId: newRunId(started), status: 'running', trigger: spec.trigger, scope: spec.scope, startedAt: started.toISOString(), guardReasons: [], platforms: [] };
      let storeLost: Error | undefined;
      try {
        if (lease && spec.row !== false) await this.deps.store.saveRun(run);
        await work(run, prepared, journal);
      } catch (err) {
        const e = classify(err) as Error;
        if (e instanceof StoreUnavailableError) storeLost = e;
        else {
          run.status = 'failed';
          setReasons(run, [...(run.guardReasons ?? []), { code: 'runFailed', detail: e.message }]);
        }
      }
      run.finishedAt = this.now().toISOString();
      run.durationMs = Date.parse(run.finishedAt) - started.getTime();
      if (lease) await this.settle(run, lease, journal, storeLost, spec.save ?? ((r) => this.deps.store.saveRun(r)));
      return run;
    });
  }

  /**
   * Records how a run ended, then gives the lease back and purges past retention. A store that went
   * away (during the run, or now) is waited for up to SYNC_DB_RETRY_SECONDS: the journal rows kept
   * meanwhile are written first, then the run with the reason. If it never comes back, the run is
   * returned unrecorded and says so (its lease expires by itself; the next run closes it as interrupted).
   */
  private async settle(run: RunResult, lease: HeldLease, journal: RunJournal, storeLost: Error | undefined, save: (run: RunRecord) => Promise<void>): Promise<void> {
    let lost = storeLost ?? journal.failure ?? lease.storeFailure;
    let journalled = 0;
    let waiting = false;
    const note = (recorded: boolean) => lost && storeTrouble(run, lost, journalled, journal.unjournalled, recorded);
    try {
      await whenStoreBack(
        async () => {
          journalled += await journal.flush();
          note(true);
          await save(stripPlans(run));
        },
        this.deps.config.dbRetryMs,
        (err) => {
          if (!waiting) this.log.warn({ runId: run.runId, err: err.message, withinMs: this.deps.config.dbRetryMs }, 'the store is unavailable: waiting for it to record the run');
          waiting = true;
          lost ??= err;
        },
      );
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      journal.giveUp();
      lost ??= err;
      note(false);
      this.log.error({ runId: run.runId, err: err.message }, 'the store did not come back: this run is not recorded');
      return;
    } finally {
      await lease.release().catch((e: Error) => this.log.warn({ err: e.message }, 'releasing the run lease failed; it expires by itself'));
    }
    await this.purgeExpired();
  }

  /** Retention after every run, scheduled or not (CLI runs included): personal data past RETENTION_DAYS goes. */
  private async purgeExpired(): Promise<void> {
    try {
      const purged = await this.deps.store.purge(new Date(this.now().getTime() - this.deps.config.retentionDays * 86_400_000));
      if (purged > 0) this.log.info({ purged }, 'store rows past retention deleted or blanked');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'retention purge failed; it runs again after the next run');
    }
  }

  /** Holding the lease, no other run is live: a run still marked running was killed — it is closed as interrupted. */
  private async closeInterrupted(): Promise<void> {
    for (const r of await this.deps.store.lastRuns(50)) {
      if (r.status !== 'running') continue;
      const reasons: GuardReason[] = [...(r.guardReasons ?? []), { code: 'interrupted' }];
      await this.deps.store.saveRun({ ...r, status: 'interrupted', finishedAt: r.finishedAt ?? this.now().toISOString(), guardReasons: reasons });
      this.log.warn({ runId: r.runId }, 'a run that never finished (killed) is closed as interrupted');
    }
  }

}

/**
 * The store went away during the run: failed — or partial when some platforms completed — and why,
 * with what became of the journal. A run the store never took back is failed, whatever it did.
 */
function storeTrouble(run: RunRecord, err: Error, journalled: number, unjournalled: number, recorded: boolean): void {
  const completed = run.platforms.filter((p) => p.errors.length === 0).length;
  if (!recorded || completed === 0) run.status = 'failed';
  else if (completed < run.platforms.length || run.status === 'running') run.status = 'partial';
  setReasons(run, [...(run.guardReasons ?? []).filter((r) => r.code !== 'storeUnavailable'), { code: 'storeUnavailable', detail: err.message, journalled, unjournalled, recorded }]);
}

/** A run's reasons, as codes: every reader words them in its language (src/i18n). */
export function setReasons(run: RunRecord, reasons: GuardReason[]): void {
  run.guardReasons = reasons;
}

export function stripPlans(run: RunResult): RunRecord {
  const { plans: _plans, ...rest } = run;
  return rest;
}

function newRunId(at: Date): string {
  return `r${at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${crypto.randomBytes(2).toString('hex')}`;
}

