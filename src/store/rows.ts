/** Database rows → store records, shared by the SQLite and PostgreSQL stores (same columns). */
import type { AuditEntry, HeldPlan, JournalEntry, RunRecord } from './types';
import type { GuardReason } from '../sync/guard';
import { guardText } from '../sync/guard-text';

/** Reasons are stored as codes with parameters; rows written before that hold plain sentences. */
export function parseReasons(json: string): GuardReason[] {
  return (JSON.parse(json) as Array<string | GuardReason>).map((r) => (typeof r === 'string' ? { code: 'text', detail: r } : r));
}

/** What goes in the column: the codes when the record has them, else its sentences. */
export const serializeReasons = (codes: GuardReason[] | undefined, texts: string[]): string => JSON.stringify(codes ?? texts.map((detail) => ({ code: 'text', detail })));

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
    ...withReasons(r.guard as string),
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
    reason: r.reason as string,
    at: r.at as string,
  };
}

export function toHeld(r: Row): HeldPlan {
  return {
    runId: r.run_id as string,
    createdAt: r.created_at as string,
    status: r.status as HeldPlan['status'],
    removals: JSON.parse(r.removals as string) as HeldPlan['removals'],
    ...(({ guard, guardReasons }) => ({ reasons: guard, reasonCodes: guardReasons }))(withReasons(r.reasons as string)),
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

function withReasons(json: string): { guard: string[]; guardReasons: GuardReason[] } {
  const guardReasons = parseReasons(json);
  return { guard: guardReasons.map((g) => guardText(g, 'en')), guardReasons };
}
