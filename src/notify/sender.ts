/**
 * Drains the notice queue, apart from the run and the chat: one row at a time, each claimed in the
 * store first (one sender ever sends it), at the pace each platform accepts (NOTIFY_SLACK_PER_MINUTE
 * recipients a minute on Slack, NOTIFY_TEAMS_PER_SECOND on Teams). A 429 pauses that platform for its
 * Retry-After and puts the row back in the queue for then; other errors are retried a few times with a
 * growing delay, then the row fails. Rows still queued when the process stops are sent by the next
 * start (`kick` at startup); a row a dead process left mid-send is closed as failed, never re-sent.
 */
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Store } from '../store/types';
import type { QueuedNotice } from '../store/notices';
import { Delivery, RetryLater } from './deliver';
import { NoticeBody, noticeView } from './views';

export interface SenderDeps {
  config: Config;
  store: Store;
  logger: Logger;
  deliveries: Delivery[];
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Stopping interrupted a row before anything was sent: it goes back to the queue as it was. */
class SenderStopped extends Error {}

export interface DrainStats {
  sent: number;
  skipped: number;
  failed: number;
  retried: number;
}

/** A claimed row is someone's for this long; past it a dead sender's row is closed as failed. */
const CLAIM_MS = 10 * 60_000;
const MAX_ATTEMPTS = 5;
const BATCH = 50;

export class NoticeSender {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly nextSlot = new Map<string, number>();
  private draining?: Promise<DrainStats>;
  private again = false;
  private wake?: NodeJS.Timeout;
  private stopped = false;
  private readonly sleeping = new Set<() => void>();

  constructor(private readonly deps: SenderDeps) {
    this.now = deps.now ?? (() => new Date());
    // A pause (pace, Retry-After) ends early when the sender stops: stopping never waits for a platform.
    this.sleep =
      deps.sleep ??
      ((ms) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.sleeping.delete(done);
            resolve();
          }, ms);
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          this.sleeping.add(done);
        }));
  }

  /** The minimum spacing of two recipients on a platform. */
  private interval(d: Delivery): number {
    return d.name === 'slack' ? 60_000 / this.deps.config.notify.slackPerMinute : 1000 / this.deps.config.notify.teamsPerSecond;
  }

  /** Waits for the platform's next slot (its pace, or the end of a 429's pause). */
  private async pace(d: Delivery): Promise<void> {
    const at = this.nextSlot.get(d.name) ?? 0;
    const wait = at - this.now().getTime();
    if (wait > 0) await this.sleep(wait);
    if (this.stopped) throw new SenderStopped();
    this.nextSlot.set(d.name, Math.max(at, this.now().getTime()) + this.interval(d));
  }

  /** Starts draining (or drains again once the current pass ends); never throws. */
  kick(): Promise<DrainStats> {
    if (this.stopped) return Promise.resolve({ sent: 0, skipped: 0, failed: 0, retried: 0 });
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      const total: DrainStats = { sent: 0, skipped: 0, failed: 0, retried: 0 };
      try {
        do {
          this.again = false;
          const s = await this.drain();
          for (const k of Object.keys(total) as Array<keyof DrainStats>) total[k] += s[k];
        } while (this.again && !this.stopped);
        await this.scheduleWake();
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message }, 'notices: the queue could not be drained (tried again at the next run or start)');
      } finally {
        this.draining = undefined;
      }
      return total;
    })();
    return this.draining;
  }

  /** Rows waiting for a Retry-After: the sender wakes itself when the first is due. */
  private async scheduleWake(): Promise<void> {
    if (this.stopped) return;
    const next = await this.deps.store.notices.nextDue();
    clearTimeout(this.wake);
    if (!next) return;
    const ms = Math.max(0, new Date(next).getTime() - this.now().getTime());
    this.wake = setTimeout(() => void this.kick(), Math.min(ms, 2 ** 31 - 1)).unref();
  }

  /** Sends every row due now; returns what became of them. */
  async drain(): Promise<DrainStats> {
    const stats: DrainStats = { sent: 0, skipped: 0, failed: 0, retried: 0 };
    const closed = await this.deps.store.notices.closeInterrupted(this.now());
    if (closed) this.deps.logger.warn({ rows: closed }, 'notices: rows left mid-send by a stopped process are closed as failed (maybe delivered, never sent twice)');
    for (;;) {
      if (this.stopped) return stats;
      const rows = await this.deps.store.notices.due(this.now(), BATCH);
      if (rows.length === 0) return stats;
      let progressed = false;
      for (const row of rows) {
        if (this.stopped) return stats;
        if (!(await this.deps.store.notices.claim(row.id, this.now(), CLAIM_MS))) continue;
        progressed = true;
        stats[await this.deliver(row)]++;
      }
      if (!progressed) return stats;
    }
  }

  private async deliver(row: QueuedNotice): Promise<keyof DrainStats> {
    const { store, config, logger } = this.deps;
    const body = JSON.parse(row.body) as NoticeBody;
    const build = (locale?: string) => noticeView(body, locale, config.academicYear.timezone);
    let current: Delivery | undefined;
    try {
      for (const d of this.deps.deliveries) {
        current = d;
        if (await d.send(row.recipient, build, () => this.pace(d))) {
          await store.notices.settle(row.id, { status: 'sent', channel: d.name }, this.now());
          return 'sent';
        }
      }
      await store.notices.settle(row.id, { status: 'skipped', detail: 'unreachable' }, this.now());
      return 'skipped';
    } catch (err) {
      if (err instanceof SenderStopped) {
        await store.notices.settle(row.id, { status: 'queued', nextAt: this.now() }, this.now());
        return 'retried';
      }
      if (err instanceof RetryLater) {
        // The whole platform waits, not only this row: the next rows would get the same answer.
        if (current) this.nextSlot.set(current.name, this.now().getTime() + err.ms);
        await store.notices.settle(row.id, { status: 'queued', detail: 'rateLimited', nextAt: new Date(this.now().getTime() + err.ms) }, this.now());
        return 'retried';
      }
      const attempts = row.attempts + 1;
      logger.warn({ kind: row.kind, attempts, err: (err as Error).message.slice(0, 200) }, 'notices: a notice could not be sent');
      if (attempts >= MAX_ATTEMPTS) {
        await store.notices.settle(row.id, { status: 'failed', detail: 'error' }, this.now());
        return 'failed';
      }
      await store.notices.settle(row.id, { status: 'queued', detail: 'error', nextAt: new Date(this.now().getTime() + 30_000 * 2 ** (attempts - 1)) }, this.now());
      return 'retried';
    }
  }

  /** Stops after the row in hand (the rest stay queued for the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.wake);
    for (const done of this.sleeping) done();
    this.sleeping.clear();
    await this.draining;
  }
}
