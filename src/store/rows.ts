/** Database rows → store records, shared by the SQLite and PostgreSQL stores (same columns). */
import type { AuditEntry, HeldPlan, JournalEntry, RunRecord } from './types';
import type { GuardReason, JournalReason } from '../domain/codes';
import { guardReasonOf, journalReasonOf } from './legacy-reasons';

/**
 * Reasons are stored as codes with parameters (JSON). Rows written before that held sentences; migration
 * 002-codes-only turned them into codes, and a sentence met anyway (a row restored from an old backup)
 * is read the same way.
 */
export function parseReasons(json: string): GuardReason[] {
  return (JSON.parse(json) as Array<string | GuardReason | { code: 'text'; detail: string }>).map((r) => (typeof r === 'string' ? guardReasonOf(r) : r.code === 'text' ? guardReasonOf(r.detail) : r));
}

export const serializeReasons = (codes: GuardReason[]): string => JSON.stringify(codes);

/** A journal reason column: a JSON code, or a sentence of an older version. */
export function parseJournalReason(text: string): JournalReason {
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as JournalReason;
    } catch {
      // a sentence that happens to start with a brace
    }
  }
  return journalReasonOf(text);
}

/** A run shares one reason value per étape and year among thousands of rows (sync/desired.ts): each is written out once. */
const serialized = new WeakMap<JournalReason, string>();
export const serializeJournalReason = (r: JournalReason): string => {
  let s = serialized.get(r);
  if (s === undefined) serialized.set(r, (s = JSON.stringify(r)));
  return s;
};

export type Row = Record<string, unknown>;

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

export function toRun(r: Row): RunRecord {
  return {
    runId: r.run_id as string,
    status: r.status as RunRecord['status'],
    trigger: r.trigger as string,
    scope: r.scope as string,
    startedAt: r.started_at as string,
    finishedAt: opt<string>(r.finished_at),
    durationMs: opt<number>(r.duration_ms),
    directoryStudents: opt<number>(r.directory_students),
    // SQLite stores booleans as 0/1, PostgreSQL as booleans.
    directoryComplete: r.directory_complete === null || r.directory_complete === undefined ? undefined : Boolean(r.directory_complete),
    guardReasons: parseReasons(r.guard as string),
    platforms: JSON.parse(r.platforms as string) as RunRecord['platforms'],
  };
}

export function toJournal(r: Row): JournalEntry {
  return {
    runId: r.run_id as string,
    platform: r.platform as string,
    cohortIdnumber: r.cohort_idnumber as string,
    studentKey: opt<string>(r.student_key),
    moodleUserId: opt<number>(r.moodle_user_id),
    action: r.action as JournalEntry['action'],
    reason: parseJournalReason(r.reason as string),
    at: r.at as string,
  };
}

export function toHeld(r: Row): HeldPlan {
  const removals = JSON.parse(r.removals as string) as Array<Omit<HeldPlan['removals'][number], 'reason'> & { reason: JournalReason | string }>;
  return {
    runId: r.run_id as string,
    createdAt: r.created_at as string,
    status: r.status as HeldPlan['status'],
    removals: removals.map((x) => ({ ...x, reason: typeof x.reason === 'string' ? journalReasonOf(x.reason) : x.reason })),
    reasonCodes: parseReasons(r.reasons as string),
    decidedBy: opt<string>(r.decided_by),
    decidedAt: opt<string>(r.decided_at),
  };
}

export function toAudit(r: Row): AuditEntry {
  return {
    at: r.at as string,
    actor: r.actor as string,
    channel: r.channel as string,
    command: r.command as string,
    platform: opt<string>(r.platform),
    course: opt<string>(r.course),
    target: opt<string>(r.target),
    outcome: r.outcome as string,
    detail: opt<string>(r.detail),
  };
}
