/**
 * "Why isn't this student enrolled?" as a teacher of the course may ask it: only what the course
 * knows — the student's enrolments in it and the cohorts it syncs — read from Moodle as the teacher
 * (the plugin answers a teacher with those cohorts only), Moodle's truth first as for support.
 * No directory data, inscriptions, other cohorts or held runs: those are support's (why.ts).
 * Fixes are only what a teacher may do in the course; anything else is "ask support". The account's
 * state (suspended) is not told: the enrolment is, as the course's participants page shows it — an active
 * one is `enrolled`, never "access", the same words for every student (README, least knowledge).
 */
import type { Config } from '../config';
import type { DirectorySource } from '../directory/types';
import type { Course, MoodleApi } from '../moodle/api';
import type { CohortSyncs } from '../moodle/cohort-syncs';
import { accessOf } from './access';
import { CourseFacts, Fix, FixAction, effectOf, endOfYear } from './effect';
import { currentAcademicYear } from '../domain/academic-year';
import { Diagnosis, Fact, Step, Verdict, findAccount, manualVerdict, readEnrolments } from './why';

export interface CourseViewDeps {
  config: Config;
  directory: DirectorySource;
  api: MoodleApi;
  syncs: CohortSyncs;
  /** The teacher asking: every read of enrolments and cohort syncs is made as them. */
  actingUserId: number;
  now?: Date;
}

export async function diagnoseForCourse(deps: CourseViewDeps, studentRef: string, platform: string, course: Course): Promise<Diagnosis> {
  const started = Date.now();
  const now = deps.now ?? new Date();
  const at = Math.floor(now.getTime() / 1000);
  const steps: Step[] = [];
  const base = { student: studentRef, course: `${course.shortname} (${platform})`, platform, on: now.toISOString(), listeRouge: false };
  const done = (verdict: Verdict, access: Diagnosis['access'], fixes: Fix[] = [], about?: Diagnosis['about']): Diagnosis => ({ ...base, access, verdict, ...(about ? { about } : {}), fixes, steps, durationMs: Date.now() - started });
  const nobody = { has: false, account: 'missing' as const, via: [] };

  // The directory only finds the account the way the sync does; nothing of it is told.
  const found = await deps.directory.lookup(studentRef).catch(() => undefined);
  const user = await findAccount(deps.api, deps.config, studentRef, found?.found === 'student' ? found.student : undefined);
  if (!user) return done('not-in-course', nobody);
  const [enrolments, instances] = await Promise.all([readEnrolments(deps.api, deps.syncs, course, user.id, deps.actingUserId), deps.syncs.list(course.id, deps.actingUserId)]);
  // Someone neither enrolled (in any state) nor in one of the course's cohorts is "not in the course", and no more (#28).
  const courseCohorts = enrolments.cohorts.filter((c) => instances.some((i) => i.cohortId === c.cohortId));
  if (enrolments.enrolments.length === 0 && courseCohorts.length === 0) return done('not-in-course', nobody);
  // The account's state (suspended or not) is not the course's to know: never read, never told (README, least knowledge).
  const access = accessOf(enrolments, 'untold', at);
  const moodleFacts: Fact[] = access.via.length ? access.via.map((v) => ({ code: 'via' as const, via: v })) : [{ code: 'no-enrolment' }];
  steps.push({ id: 'moodle', status: access.has ? 'ok' : 'broken', facts: moodleFacts });
  const holds = new Set(courseCohorts.map((c) => c.cohortId));
  steps.push({ id: 'course', status: 'info', facts: instances.length ? instances.map((i) => ({ code: 'course-sync' as const, cohort: i.cohortIdnumber ?? String(i.cohortId), enabled: i.enabled, role: i.roleShortname, holds: holds.has(i.cohortId) })) : [{ code: 'course-syncs-none' }] });
  // An active enrolment is said as such, never as access: whether the account can log in is not the course's to know.
  if (access.has) return done('enrolled', access);

  const active = await deps.api.getEnrolledUsers(course.id, [{ name: 'onlyactive', value: 1 }]);
  const ids = instances.map((i) => i.cohortId);
  const facts: CourseFacts = { active: new Set(active.map((u) => u.id)), syncs: instances, members: ids.length ? await deps.api.getCohortMembers(ids) : new Map(), cohortIds: new Map() };
  const fix = (a: FixAction): Fix => ({ ...a, by: 'teacher', effect: effectOf([a], facts, user.id) });
  const disabled = access.via.find((v) => v.status === 'instance-disabled' && v.method === 'cohort' && courseCohorts.some((c) => c.idnumber === v.cohort));
  if (disabled) return done('enrolment-disabled', access, [fix({ action: 'enable-cohort-sync', cohort: disabled.cohort!, instanceId: disabled.instanceId })]);
  const heldCohort = courseCohorts.find((c) => instances.some((i) => i.cohortId === c.cohortId && !i.enabled));
  if (heldCohort) {
    const inst = instances.find((i) => i.cohortId === heldCohort.cohortId)!;
    return done('enrolment-disabled', access, [fix({ action: 'enable-cohort-sync', cohort: heldCohort.idnumber, instanceId: inst.id })]);
  }
  const manual = access.via.find((v) => v.method === 'manual' && v.status !== 'instance-disabled');
  if (manual) {
    const m = manualVerdict(manual, at, endOfYear(currentAcademicYear(now, deps.config.academicYear), deps.config.academicYear).toISOString());
    return done(m.verdict, access, [fix(m.fix)], m.about);
  }
  // Anything else (a suspended cohort enrolment, a way in that is not the course's to repair) is support's.
  const verdict: Verdict = access.via.some((v) => v.method === 'cohort' && v.status === 'suspended') ? 'enrolment-suspended' : 'not-in-cohort';
  return done(verdict, access);
}
