/**
 * After a scheduled run is recorded: who is told what, queued in the store (one row per recipient,
 * run and kind — queueing twice, from a restart or another replica, adds nothing). Teachers: the
 * changes of the run per course they teach now (NOTIFY_TEACHERS and each one's choice). Admins: the
 * run's held removals, and a reminder for plans of earlier runs still held. Nothing is sent here: the
 * sender (sender.ts) drains the queue at the platforms' pace, apart from the run.
 */
import type { Config } from '../config';
import type { Logger } from '../log';
import type { MoodleApi } from '../moodle/api';
import type { RunRecord, Store } from '../store/types';
import type { NewNotice } from '../store/notices';
import { courseChanges, heldKey, teacherNotices, withoutHeldAgain } from './plan';
import { readNoticeTargets } from './reads';
import type { HeldNoticeBody } from './views';

export interface EnqueueDeps {
  config: Config;
  store: Store;
  apis: ReadonlyMap<string, MoodleApi>;
  logger: Logger;
  now?: () => Date;
}

export interface Enqueued {
  teachers: number;
  admins: number;
  /** Teachers left out by their own choice (or by NOTIFY_TEACHERS=optin without a yes). */
  optedOut: number;
}

/** Whether a person is told, from the setting and their own `notifications oui|non`. */
export function wantsNotices(mode: Config['notify']['teachers'], preference: 'on' | 'off' | undefined): boolean {
  if (mode === 'off') return false;
  return mode === 'optin' ? preference === 'on' : preference !== 'off';
}

export async function enqueueRunNotices(deps: EnqueueDeps, run: RunRecord): Promise<Enqueued> {
  const now = (deps.now ?? (() => new Date()))();
  const rows: NewNotice[] = [];
  const out: Enqueued = { teachers: 0, admins: 0, optedOut: 0 };
  const earlier = (await deps.store.lastRuns(10)).filter((r) => r.runId !== run.runId && r.startedAt < run.startedAt);
  if (deps.config.notify.teachers !== 'off' && run.status !== 'dry-run') {
    // Removals an earlier plan held (still undecided, superseded by this run) were told then: not again.
    const changes = withoutHeldAgain(await deps.store.notices.runChanges(run.runId, run.startedAt), await heldSupersededBy(deps.store, run.runId, earlier));
    if (changes.length > 0) {
      const cohorts = [...new Map(changes.map((c) => [`${c.platform}\n${c.cohortIdnumber}`, { platform: c.platform, cohortIdnumber: c.cohortIdnumber }])).values()];
      const reads = await readNoticeTargets(deps.apis, cohorts);
      for (const f of reads.failed) deps.logger.warn({ platform: f.platform, err: f.error }, 'notices: the courses of the changed cohorts could not be read; their teachers are not told of this run');
      const courses = courseChanges(changes, reads.coursesOf);
      const candidates = new Set([...reads.teachersOf.values()].flat());
      const prefs = new Map<string, 'on' | 'off' | undefined>();
      for (const email of candidates) prefs.set(email, await deps.store.notices.preference(email));
      const notices = teacherNotices(run.runId, run.startedAt, courses, reads.teachersOf, (email) => wantsNotices(deps.config.notify.teachers, prefs.get(email)));
      out.optedOut = new Set(courses.flatMap((c) => reads.teachersOf.get(`${c.platform}\n${c.courseId}`) ?? [])).size - notices.length;
      for (const n of notices) rows.push({ runId: run.runId, recipient: n.recipient, kind: 'teacher', body: JSON.stringify(n.body) });
      out.teachers = notices.length;
    }
  }
  if (deps.config.notify.admins && deps.config.adminUsers.length > 0) {
    const previous = earlier[0];
    const unreachable = previous ? (await deps.store.notices.skippedByReason(previous.runId)).unreachable : undefined;
    // Removals an earlier run held and nobody decided: this run re-planned them (holding them again
    // if still wanted) and superseded that plan — for the admins, the same removals still waiting.
    const stillWaiting = await heldBefore(deps.store, run.runId, earlier);
    for (const held of await deps.store.heldPlans()) {
      const heldRun = held.runId === run.runId ? run : await deps.store.getRun(held.runId);
      const reminder = held.runId !== run.runId || stillWaiting;
      const body: HeldNoticeBody = { kind: reminder ? 'heldReminder' : 'held', heldRunId: held.runId, startedAt: heldRun?.startedAt ?? held.createdAt, removals: held.removals.length, reasons: held.reasonCodes ?? [], unreachable };
      for (const admin of deps.config.adminUsers) rows.push({ runId: run.runId, recipient: admin, kind: body.kind, body: JSON.stringify(body) });
      out.admins += deps.config.adminUsers.length;
    }
  }
  // A reminder and a first notice of the same run cannot both exist (kind is part of the key), and a
  // second held plan's reminder to the same admin is the same row: one message per admin per run and kind.
  await deps.store.notices.enqueue(rows, now);
  return out;
}

/** The removals of the plans earlier runs held and this run superseded (still undecided then), as heldKey. */
async function heldSupersededBy(store: Store, runId: string, earlier: RunRecord[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const r of earlier) {
    if (r.status !== 'held' && !r.platforms.some((p) => p.removalsHeld > 0)) continue;
    const plan = await store.getHeldPlan(r.runId);
    if (plan?.status === 'superseded' && plan.decidedBy === runId) for (const x of plan.removals) out.add(heldKey(x.platform, x.cohortIdnumber, x.userId));
  }
  return out;
}

/** Whether a plan an earlier run held was still undecided when this run superseded it. */
async function heldBefore(store: Store, runId: string, earlier: RunRecord[]): Promise<boolean> {
  for (const r of earlier) {
    const plan = await store.getHeldPlan(r.runId);
    if (plan?.status === 'superseded' && plan.decidedBy === runId) return true;
  }
  return false;
}
