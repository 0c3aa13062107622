/**
 * The notices, as `serve` runs them: after each scheduled run is recorded, queue who is told what
 * (enqueue.ts) and let the sender drain the queue in the background — the scheduler, the digest and
 * the chat never wait for it. At start, rows a stopped process left queued are sent.
 */
import type { Block } from '../bot/views';
import { text } from '../bot/views';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { MoodleApi } from '../moodle/api';
import type { RunRecord, Store } from '../store/types';
import type { TeamsProactive } from '../channels/teams/proactive';
import { catalog } from '../i18n';
import { Delivery, slackDelivery, teamsDelivery } from './deliver';
import { Enqueued, enqueueRunNotices } from './enqueue';
import { NoticeSender } from './sender';

export interface NotifierDeps {
  config: Config;
  store: Store;
  apis: ReadonlyMap<string, MoodleApi>;
  logger: Logger;
  teams?: TeamsProactive;
  slack: boolean;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export class Notifier {
  readonly sender: NoticeSender;
  /** The last run's queueing and sending (tests and the bench wait on it). */
  last?: Promise<Enqueued | undefined>;

  constructor(private readonly deps: NotifierDeps) {
    const deliveries: Delivery[] = [];
    if (deps.teams) deliveries.push(teamsDelivery(deps.teams));
    if (deps.slack) deliveries.push(slackDelivery(deps.config, deps.store));
    this.sender = new NoticeSender({ config: deps.config, store: deps.store, logger: deps.logger, deliveries, now: deps.now, sleep: deps.sleep });
  }

  /** After a recorded run: queue its notices, then drain — in the background; the returned promise is only for those who want to wait. */
  afterRun(run: RunRecord): Promise<Enqueued | undefined> {
    this.last = (async () => {
      try {
        const queued = await enqueueRunNotices(this.deps, run);
        this.deps.logger.info({ runId: run.runId, teachers: queued.teachers, admins: queued.admins, optedOut: queued.optedOut }, 'notices queued');
        await this.sender.kick();
        return queued;
      } catch (err) {
        this.deps.logger.warn({ runId: run.runId, err: (err as Error).message }, 'notices: could not be queued for this run');
        return undefined;
      }
    })();
    return this.last;
  }

  start(): void {
    void this.sender.kick();
  }

  async stop(): Promise<void> {
    await this.sender.stop();
    await this.last;
  }
}

/** The digest's line on the notices of a run (sent, unreachable, failed, waiting), when it had any. */
export async function noticesLine(store: Store, runId: string, locale?: string): Promise<Block | undefined> {
  const c = await store.notices.counts(runId);
  if (c.sent + c.skipped + c.failed + c.queued + c.sending === 0) return undefined;
  return text(catalog(locale).notices.noticesOfRun(runId, c.sent, c.skipped, c.failed, c.queued + c.sending));
}

export { latestNotices } from './status';
