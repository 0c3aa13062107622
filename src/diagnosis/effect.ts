/**
 * A fix is a typed action with who may do it and its full effect on the course: how many people gain
 * or lose access (Moodle's active participants) once it is done, the student included. The effect is
 * computed by replaying what Moodle does — a cohort sync added or enabled runs enrol_cohort's course
 * reconcile (every member of every enabled cohort instance gets an active enrolment), a member added to
 * a cohort is enrolled by every enabled instance of it, a manual enrolment concerns one person. Pure.
 */
import type { AcademicYearRules } from '../domain/academic-year';
import type { CohortSync } from '../moodle/cohort-syncs';

export type Who = 'teacher' | 'support' | 'admin' | 'moodle-admin' | 'registrar' | 'student';

export type FixAction =
  | { action: 'add-cohort-sync'; cohort: string; cohortId: number }
  | { action: 'enable-cohort-sync'; cohort: string; instanceId: number }
  | { action: 'reactivate-enrolment'; instanceId: number; method: string; until?: string }
  /** An active enrolment whose start (`from`, ISO) is still to come: moved to now, if it should start now. */
  | { action: 'change-enrolment-start'; instanceId: number; method: string; from: string }
  | { action: 'enrol-manually'; role: 'student'; until: string }
  | { action: 'reactivate-account' }
  | { action: 'sync-student'; cohort: string }
  | { action: 'run-cohort-task' }
  | { action: 'ask-registrar'; about: string }
  | { action: 'first-login' };

export interface Effect {
  adds: number;
  removes: number;
  /** Moodle ids of the people other than the student who gain access (for support's list). */
  others?: number[];
}

/** `first`: actions that must be done before this one for it to work (the effect counts them all). */
export type Fix = FixAction & { by: Who; effect: Effect; first?: FixAction[] };

export interface CourseFacts {
  /** Active participants today (onlyactive). */
  active: Set<number>;
  syncs: CohortSync[];
  /** Members of the course's synced cohorts and of the student's wanted cohorts, by cohort id. */
  members: Map<number, number[]>;
  /** Cohort ids by idnumber (the cohorts a fix may name). */
  cohortIds: Map<string, number>;
}

export function effectOf(actions: FixAction[], facts: CourseFacts, studentId: number | undefined): Effect {
  const after = new Set(facts.active);
  const enabled = new Set(facts.syncs.filter((s) => s.enabled).map((s) => s.cohortId));
  const members = new Map([...facts.members].map(([k, v]) => [k, new Set(v)]));
  const reconcile = () => {
    for (const c of enabled) for (const u of members.get(c) ?? []) after.add(u);
  };
  for (const a of actions) {
    switch (a.action) {
      case 'add-cohort-sync':
        enabled.add(a.cohortId);
        reconcile();
        break;
      case 'enable-cohort-sync': {
        const inst = facts.syncs.find((s) => s.id === a.instanceId);
        if (inst) enabled.add(inst.cohortId);
        reconcile();
        break;
      }
      case 'run-cohort-task':
        reconcile();
        break;
      case 'sync-student': {
        const id = facts.cohortIds.get(a.cohort);
        if (id === undefined || studentId === undefined) break;
        (members.get(id) ?? members.set(id, new Set()).get(id)!).add(studentId);
        if (enabled.has(id)) after.add(studentId);
        break;
      }
      case 'reactivate-enrolment':
      case 'change-enrolment-start':
      case 'enrol-manually':
        if (studentId !== undefined) after.add(studentId);
        break;
      default:
        // The account's suspension is not part of Moodle's enrolment rule; people's requests change nothing here.
        break;
    }
  }
  const gained = [...after].filter((u) => !facts.active.has(u));
  const lost = [...facts.active].filter((u) => !after.has(u));
  const others = gained.filter((u) => u !== studentId);
  return { adds: gained.length, removes: lost.length, ...(others.length ? { others } : {}) };
}

/** The last moment of academic year `current` (the next switch date), the end of a manual enrolment offered as a fix. */
export function endOfYear(current: number, rules: Pick<AcademicYearRules, 'start'>): Date {
  return new Date(`${current + 1}-${rules.start}T00:00:00Z`);
}
