/**
 * Where the sync stands, one way for every reader (the CLI's `status`, the chat's `statut`, /healthz):
 * the last runs, whether one holds the run lease now, the next scheduled run, the held removals.
 */
import { Cron } from 'croner';
import type { Config } from '../config';
import type { HeldPlan, RunRecord, Store } from '../store/types';
import { RUN_LEASE } from './lease';

/** The next time SYNC_SCHEDULE fires in SYNC_TIMEZONE after `from` (null: never again). */
export function nextRunAt(schedule: Pick<Config['schedule'], 'cron' | 'timezone'>, from?: Date): Date | null {
  return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(from);
}

export interface SyncStatus {
  /** Newest first. */
  lastRuns: RunRecord[];
  nextRun: Date | null;
  /** The holder of the run lease while a run (approval, rejection) is under way. */
  running?: { holder: string; expiresAt: string };
  /** Held removals waiting for a decision, oldest first. */
  held: HeldPlan[];
}

/** What became of a run's held removals once an administrator decided (or a later run superseded them). */
export interface HeldDecision {
  status: 'approved' | 'rejected' | 'superseded';
  by?: string;
  at?: string;
  /** The held removals the decision was about. */
  removals: number;
  /** Approved: the run that carried them out, and how many it removed (0 when rejected or superseded: none of them was applied). */
  approvalRunId?: string;
  removed?: number;
  /** Superseded: the later run whose own plan replaced this one (its `by`). */
  supersededBy?: string;
}

/** The decision on a run's held removals, if it held any and they were decided; `runs`: recent runs, to find the approval's. */
export async function heldDecision(store: Store, run: RunRecord, runs: RunRecord[]): Promise<HeldDecision | undefined> {
  if (run.status !== 'held' && !run.platforms.some((p) => p.removalsHeld > 0)) return undefined;
  const plan = await store.getHeldPlan(run.runId);
  if (!plan || plan.status === 'held') return undefined;
  const approval = plan.status === 'approved' ? runs.find((r) => r.scope === `approve:${plan.runId}`) : undefined;
  return {
    status: plan.status,
    ...(plan.decidedBy ? { by: plan.decidedBy } : {}),
    ...(plan.decidedAt ? { at: plan.decidedAt } : {}),
    removals: plan.removals.length,
    ...(approval ? { approvalRunId: approval.runId, removed: approval.platforms.reduce((n, p) => n + p.membersRemoved, 0) } : {}),
    // Rejected or superseded: nobody was removed by this plan (a later run's own plan may remove them, as its own).
    ...(plan.status === 'approved' ? {} : { removed: 0 }),
    ...(plan.status === 'superseded' && plan.decidedBy ? { supersededBy: plan.decidedBy } : {}),
  };
}

/**
 * How a run ended, as status shows it: a run that held removals stays `held` once they are decided
 * (the store then records it `applied`: nothing of it is waiting any more); its decision says the rest.
 */
export const shownStatus = (run: RunRecord, decision: HeldDecision | undefined): RunRecord['status'] => (decision ? 'held' : run.status);

/**
 * A run as every status reader shows it (`status --json`, /healthz): once its held removals are decided,
 * `held` with its `decision`; otherwise as stored. `runs`: recent runs, to find an approval's.
 */
export async function shownRun<R extends RunRecord>(store: Store, run: R, runs: RunRecord[]): Promise<R & { decision?: HeldDecision }> {
  const decision = await heldDecision(store, run, runs);
  return decision ? { ...run, status: shownStatus(run, decision), decision } : run;
}

export async function syncStatus(store: Store, schedule: Config['schedule'], opts: { runs: number; held?: boolean; now?: Date }): Promise<SyncStatus> {
  const now = opts.now ?? new Date();
  const [lastRuns, running, held] = await Promise.all([store.lastRuns(opts.runs), store.leaseHolder(RUN_LEASE, now), opts.held === false ? [] : store.heldPlans()]);
  return { lastRuns, running, held, nextRun: nextRunAt(schedule, now) };
}
