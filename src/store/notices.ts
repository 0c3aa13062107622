/**
 * The notice queue and the people's notice preferences (migration `004-notices`), on Kysely for both
 * databases. One row per recipient, run and kind: enqueueing twice is a no-op, so a run's notices are
 * queued once whoever (replica, restart) queues them. A row is claimed by one conditional UPDATE, so
 * exactly one sender ever sends it; a row left `sending` by a process that died is never sent again
 * (it may have been delivered): it is closed as `failed` (`interrupted`) — at most once, never twice.
 */
import type { Kysely, Transaction } from 'kysely';
import type { JournalReason } from '../domain/codes';
import { parseJournalReason } from './rows';
import type { Database } from './schema';

export type NoticeKind = 'teacher' | 'held' | 'heldReminder';
export type NoticeStatus = 'queued' | 'sending' | 'sent' | 'skipped' | 'failed';

export interface NewNotice {
  runId: string;
  /** The person's e-mail, lower case (how `forget` finds it). */
  recipient: string;
  kind: NoticeKind;
  /** What to say, as codes and numbers (rendered in the recipient's language when sent); never a student's name. */
  body: string;
}

export interface QueuedNotice extends NewNotice {
  id: string;
  status: NoticeStatus;
  attempts: number;
  nextAt: string;
  createdAt: string;
  /** Why it was skipped or failed (a code: `unreachable`, `optedOut`, `notTeaching`, `interrupted`, `rejected`…). */
  detail?: string;
  channel?: string;
}

export type NoticeCounts = Record<NoticeStatus, number>;

export const noticeId = (n: Pick<NewNotice, 'runId' | 'recipient' | 'kind'>): string => `${n.runId}\n${n.kind}\n${n.recipient}`;

type Db = Kysely<Database> | Transaction<Database>;

export async function enqueueNotices(db: Db, rows: NewNotice[], now: Date): Promise<number> {
  let added = 0;
  const at = now.toISOString();
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows.slice(i, i + 200).map((n) => ({ id: noticeId(n), run_id: n.runId, recipient: n.recipient.trim().toLowerCase(), kind: n.kind, body: n.body, status: 'queued', attempts: 0, next_at: at, lease_until: null, channel: null, detail: null, created_at: at, updated_at: at }));
    const r = await db.insertInto('notices').values(values).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Queued rows due now, oldest first (candidates: `claimNotice` decides who sends each). */
export async function dueNotices(db: Db, now: Date, limit: number): Promise<QueuedNotice[]> {
  const rows = await db.selectFrom('notices').selectAll().where('status', '=', 'queued').where('next_at', '<=', now.toISOString()).orderBy('next_at').orderBy('id').limit(limit).execute();
  return rows.map(toNotice);
}

/** The earliest time a queued row becomes due (to sleep until then), or undefined when none is queued. */
export async function nextDue(db: Db): Promise<string | undefined> {
  const r = await db.selectFrom('notices').select('next_at').where('status', '=', 'queued').orderBy('next_at').limit(1).executeTakeFirst();
  return r?.next_at;
}

/** Takes one queued row for sending: true for exactly one caller. */
export async function claimNotice(db: Db, id: string, now: Date, leaseMs: number): Promise<boolean> {
  const r = await db
    .updateTable('notices')
    .set({ status: 'sending', lease_until: new Date(now.getTime() + leaseMs).toISOString(), updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The outcome of a claimed row: sent, skipped or failed for good, or queued again for later (a 429, a network error). */
export async function settleNotice(db: Db, id: string, outcome: { status: Exclude<NoticeStatus, 'sending'>; detail?: string; channel?: string; nextAt?: Date }, now: Date): Promise<void> {
  await db
    .updateTable('notices')
    .set((eb) => ({
      status: outcome.status,
      detail: outcome.detail ?? null,
      channel: outcome.channel ?? null,
      lease_until: null,
      attempts: eb('attempts', '+', 1),
      next_at: (outcome.nextAt ?? now).toISOString(),
      updated_at: now.toISOString(),
    }))
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** Rows a dead sender left `sending`: maybe delivered, so never sent again — closed as failed. */
export async function closeInterrupted(db: Db, now: Date): Promise<number> {
  const r = await db.updateTable('notices').set({ status: 'failed', detail: 'interrupted', lease_until: null, updated_at: now.toISOString() }).where('status', '=', 'sending').where('lease_until', '<', now.toISOString()).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** How many notices of a run (or of every run) are in each state. */
export async function noticeCounts(db: Db, runId?: string): Promise<NoticeCounts> {
  let q = db.selectFrom('notices').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  if (runId) q = q.where('run_id', '=', runId);
  const counts: NoticeCounts = { queued: 0, sending: 0, sent: 0, skipped: 0, failed: 0 };
  for (const r of await q.execute()) counts[r.status as NoticeStatus] = Number(r.n);
  return counts;
}

/** Skipped rows of a run by reason (the admin's summary counts the unreachable). */
export async function skippedByReason(db: Db, runId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('notices').select(['detail', (eb) => eb.fn.countAll<number>().as('n')]).where('run_id', '=', runId).where('status', 'in', ['skipped', 'failed']).groupBy('detail').execute();
  return Object.fromEntries(rows.map((r) => [r.detail ?? '?', Number(r.n)]));
}

export async function noticesOfRun(db: Db, runId: string): Promise<QueuedNotice[]> {
  return (await db.selectFrom('notices').selectAll().where('run_id', '=', runId).orderBy('id').execute()).map(toNotice);
}

/** A run's membership changes (adds, removals, held removals) with, for each add, whether the student was waiting for an account. */
export interface RunChange {
  platform: string;
  cohortIdnumber: string;
  action: 'add' | 'remove' | 'held';
  reason: JournalReason;
  /** An add of a student journalled `pending` (no account) by an earlier run: their account was created since. */
  accountCreated: boolean;
  /** The member's Moodle id, when the journal has it (a held removal told once: notify/plan.ts heldAgain). */
  userId?: number;
}

export async function runChanges(db: Db, runId: string, since: string): Promise<RunChange[]> {
  // `at >= since` first: the journal is indexed by time, not by run.
  const rows = await db.selectFrom('journal').select(['id', 'platform', 'cohort_idnumber', 'student_key', 'moodle_user_id', 'action', 'reason']).where('at', '>=', since).where('run_id', '=', runId).where('action', 'in', ['add', 'remove', 'held']).execute();
  const adds = rows.filter((r) => r.action === 'add' && r.student_key);
  const waited = new Set<string>();
  const keys = [...new Set(adds.map((r) => r.student_key!))];
  for (let i = 0; i < keys.length; i += 500) {
    const pend = await db.selectFrom('journal').select(['platform', 'cohort_idnumber', 'student_key']).where('student_key', 'in', keys.slice(i, i + 500)).where('action', '=', 'pending').where('run_id', '<>', runId).execute();
    for (const p of pend) waited.add(`${p.platform}\n${p.cohort_idnumber}\n${p.student_key}`);
  }
  return rows.map((r) => ({ platform: r.platform, cohortIdnumber: r.cohort_idnumber, action: r.action as RunChange['action'], reason: parseJournalReason(r.reason), accountCreated: r.action === 'add' && waited.has(`${r.platform}\n${r.cohort_idnumber}\n${r.student_key ?? ''}`), ...(r.moodle_user_id == null ? {} : { userId: Number(r.moodle_user_id) }) }));
}

export type NoticePreference = 'on' | 'off';

export async function getNoticePreference(db: Db, person: string): Promise<NoticePreference | undefined> {
  const r = await db.selectFrom('notice_prefs').select('teachers').where('person', '=', person.trim().toLowerCase()).executeTakeFirst();
  return r ? (r.teachers as NoticePreference) : undefined;
}

export async function setNoticePreference(db: Db, person: string, value: NoticePreference, now: Date): Promise<void> {
  const row = { person: person.trim().toLowerCase(), teachers: value, updated_at: now.toISOString() };
  await db
    .insertInto('notice_prefs')
    .values(row)
    .onConflict((oc) => oc.column('person').doUpdateSet({ teachers: row.teachers, updated_at: row.updated_at }))
    .execute();
}

function toNotice(r: Database['notices']): QueuedNotice {
  return {
    id: r.id,
    runId: r.run_id,
    recipient: r.recipient,
    kind: r.kind as NoticeKind,
    body: r.body,
    status: r.status as NoticeStatus,
    attempts: Number(r.attempts),
    nextAt: r.next_at,
    createdAt: r.created_at,
    detail: r.detail ?? undefined,
    channel: r.channel ?? undefined,
  };
}

/** The queue and the preferences as the store offers them (`store.notices`). */
export interface NoticeQueue {
  enqueue(rows: NewNotice[], now: Date): Promise<number>;
  due(now: Date, limit: number): Promise<QueuedNotice[]>;
  nextDue(): Promise<string | undefined>;
  claim(id: string, now: Date, leaseMs: number): Promise<boolean>;
  settle(id: string, outcome: Parameters<typeof settleNotice>[2], now: Date): Promise<void>;
  closeInterrupted(now: Date): Promise<number>;
  counts(runId?: string): Promise<NoticeCounts>;
  skippedByReason(runId: string): Promise<Record<string, number>>;
  ofRun(runId: string): Promise<QueuedNotice[]>;
  runChanges(runId: string, since: string): Promise<RunChange[]>;
  preference(person: string): Promise<NoticePreference | undefined>;
  setPreference(person: string, value: NoticePreference, now: Date): Promise<void>;
}

export function noticeQueue(q: () => Promise<Db>): NoticeQueue {
  return {
    enqueue: async (rows, now) => enqueueNotices(await q(), rows, now),
    due: async (now, limit) => dueNotices(await q(), now, limit),
    nextDue: async () => nextDue(await q()),
    claim: async (id, now, leaseMs) => claimNotice(await q(), id, now, leaseMs),
    settle: async (id, outcome, now) => settleNotice(await q(), id, outcome, now),
    closeInterrupted: async (now) => closeInterrupted(await q(), now),
    counts: async (runId) => noticeCounts(await q(), runId),
    skippedByReason: async (runId) => skippedByReason(await q(), runId),
    ofRun: async (runId) => noticesOfRun(await q(), runId),
    runChanges: async (runId, since) => runChanges(await q(), runId, since),
    preference: async (person) => getNoticePreference(await q(), person),
    setPreference: async (person, value, now) => setNoticePreference(await q(), person, value, now),
  };
}
