/**
 * "Why isn't this student enrolled?" as a teacher of the course may ask it: only what the course can
 * know — the student has an account, is enrolled (active or not), and which of *this course's* synced
 * cohorts hold them — and whom to ask next. No directory data, inscriptions, other cohorts, last access
 * or liste-rouge flag: those are for support (the full chain in why.ts).
 */
import type { Config } from '../config';
import type { DirectorySource } from '../directory/types';
import type { Course, MoodleApi, MoodleUser } from '../moodle/api';
import { accountsByTyped } from '../moodle/accounts';
import type { CohortSyncs } from '../moodle/cohort-syncs';
import { Diagnosis, Step, checklist } from './why';
import { WhyLocale, whyMessages } from './messages';

export interface CourseViewDeps {
  config: Config;
  directory: DirectorySource;
  api: MoodleApi;
  syncs: CohortSyncs;
  /** The teacher asking: every cohort-sync read is made as them. */
  actingUserId: number;
  locale?: WhyLocale;
}

const CHAIN: Array<Step['id']> = ['account', 'course-cohort', 'enrolment'];

/** The student's Moodle account, found as the sync finds it (directory key → USER_MATCH), else by the usual fields. */
async function findAccount(deps: CourseViewDeps, ref: string): Promise<MoodleUser | undefined> {
  const { api, config } = deps;
  const found = await deps.directory.lookup(ref).catch(() => undefined);
  // The directory's key is already the value matched against Moodle (USER_MATCH), normalised.
  const key = found?.student?.key;
  if (key) {
    const [u] = await api.getUsersByField(config.userMatch.moodleField, [key]);
    if (u) return u;
  }
  return (await accountsByTyped(api, [ref])).found.get(ref.trim());
}

export async function diagnoseForCourse(deps: CourseViewDeps, studentRef: string, platform: string, course: Course): Promise<Diagnosis> {
  const started = Date.now();
  const m = whyMessages(deps.locale ?? 'fr');
  const { steps, step, done } = checklist(m, CHAIN);
  const finish = (): Diagnosis => ({ student: studentRef, course: `${course.shortname} (${platform})`, platform, ...done(), listeRouge: false, syncFixes: false, actions: [], durationMs: Date.now() - started });

  // This course's synced cohorts only, read as the teacher; membership of other cohorts is not the course's business.
  const instances = await deps.syncs.list(course.id, deps.actingUserId);
  const cohortIds = [...new Set(instances.map((i) => i.cohortId))];
  const members = cohortIds.length > 0 ? await deps.api.getCohortMembers(cohortIds) : new Map<number, number[]>();
  const user = await findAccount(deps, studentRef);
  const holding = user ? instances.filter((i) => members.get(i.cohortId)?.includes(user.id)) : [];
  // Someone neither enrolled (in any state) nor in one of the course's cohorts is "not in the course",
  // and no more: whether an account of that name exists on the site is not the course's to say (#28).
  const enrolled = user ? (await deps.api.getEnrolledUsers(course.id)).some((u) => u.id === user.id) : false;
  if (!user || (!enrolled && holding.length === 0)) return { ...finish(), steps: [], firstBroken: undefined, notInCourse: true };
  step('account', 'ok', [m.teacherAccountOk]);

  const label = (i: (typeof instances)[number]) => `${i.cohortName ?? i.cohortId} (${i.cohortIdnumber ?? '—'})${i.enabled ? '' : m.teacherDisabled}`;
  if (instances.length === 0) step('course-cohort', 'info', [m.teacherNoSyncs]);
  else if (holding.length === 0) step('course-cohort', 'broken', [m.teacherNotInCohorts(instances.length)], m.teacherNotInCohortsFix(m.askSupport));
  else step('course-cohort', holding.some((i) => i.enabled) ? 'ok' : 'broken', holding.map(label), holding.some((i) => i.enabled) ? undefined : m.teacherReenableFix);

  const active = await deps.api.getEnrolledUsers(course.id, [{ name: 'onlyactive', value: 1 }]);
  if (active.some((u) => u.id === user.id)) step('enrolment', 'ok', [m.teacherEnrolled]);
  else if (!steps.some((s) => s.status === 'broken')) step('enrolment', 'broken', [m.teacherNotEnrolled], m.teacherNotEnrolledFix(m.askSupport));
  return finish();
}
