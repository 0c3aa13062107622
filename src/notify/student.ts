/**
 * A student asking about themself: `mes cours` (their own enrolled courses) and `pourquoi je ne suis
 * pas inscrit(e) en <cours>` — the same diagnosis as support's (diagnosis/why.ts), called through ONE
 * adapter (`diagnoseSelf`) that can only ever look at the asker: the directory entry of their own
 * account, their own enrolments in the course, and which courses sync their own étapes' cohorts.
 * Nothing is read with the rights of a course's teacher, and nothing about anyone else. The answer is
 * phrased for the student: what they can do, never a command they cannot run.
 */
import type { Config } from '../config';
import type { DirectorySource, Student } from '../directory/types';
import { yearWindow } from '../domain/academic-year';
import { cohortIdnumber } from '../domain/cohorts';
import { desiredOfOne } from '../sync/desired';
import { Diagnosis, Verdict, diagnose } from '../diagnosis/why';
import { entryOf } from '../diagnosis/access';
import type { Cohort, Course, MoodleApi } from '../moodle/api';
import { CohortSync, CohortSyncs, cohortSyncsFor } from '../moodle/cohort-syncs';
import { CohortCourse, ManualCohorts } from '../moodle/manual-cohorts';
import type { Store } from '../store/types';
import { nextRunAt } from '../sync/status';
import { catalog } from '../i18n';
import { formatDate } from '../i18n/format';
import { localeOf } from '../i18n/locale';
import type { View } from '../bot/views';
import { text } from '../bot/views';

export interface SelfDeps {
  config: Config;
  directory: DirectorySource;
  api: MoodleApi;
  store: Store;
  now: Date;
  locale?: string;
}

/** Who is asking: their directory key (their own account's matching field) and, on the course's platform, their Moodle id (0: no account there). */
export interface Self {
  key: string;
  userId: number;
  /** The chat found only a suspended account of theirs on the course's platform (Actor.problems): it does not act, but its state is theirs to be told. */
  suspendedHere?: boolean;
}

class NotForStudents extends Error {
  constructor(what: string) {
    super(`${what}: not part of a student's own diagnosis`);
  }
}

/** A course that syncs one of the cohorts a run wants the student in. */
export interface OwnCohortCourse extends CohortCourse {
  cohort: Cohort;
}

/**
 * The courses syncing the cohorts a run wants the student in on this platform (the diagnosis's own rule,
 * desiredOfOne), asked of Moodle by the service, which manages those cohorts. Where an enrolment of
 * theirs may exist that gives no access today — Moodle's list of their courses (core_enrol_get_users_courses)
 * names only those that do.
 */
export async function ownCohortCourses(deps: Pick<SelfDeps, 'config' | 'api' | 'now'>, student: Student): Promise<OwnCohortCourse[]> {
  const wanted = new Set(desiredOfOne(student, yearWindow(deps.now, deps.config.academicYear), deps.config.platforms, deps.api.platform).map((w) => cohortIdnumber({ prefix: deps.config.cohorts.idnumberPrefix }, w.etape)));
  if (wanted.size === 0) return [];
  const [site, cohorts, manual] = await Promise.all([deps.api.siteInfo(), deps.api.getCohorts(), ManualCohorts.for(deps.api)]);
  const out: OwnCohortCourse[] = [];
  for (const c of cohorts.filter((x) => wanted.has(x.idnumber))) for (const course of await manual.courses(c.id, site.userid)) out.push({ ...course, cohort: c });
  return out;
}

/**
 * The course's cohort syncs as a student may know them: only the instances of the cohorts of their own
 * étapes (ownCohortCourses), and only their own enrolments.
 */
function ownSyncs(deps: SelfDeps, self: Self, student: Student | undefined, real: CohortSyncs): CohortSyncs {
  const refuse = (what: string) => () => Promise.reject(new NotForStudents(what));
  return {
    kind: real.kind,
    manyAtOnce: false,
    checkRights: refuse('checkRights'),
    availableCohorts: refuse('availableCohorts'),
    availableCohortsMany: refuse('availableCohortsMany'),
    assignableRoles: refuse('assignableRoles'),
    add: refuse('add'),
    update: refuse('update'),
    remove: refuse('remove'),
    async list(courseId: number): Promise<CohortSync[]> {
      if (!student) return [];
      // roleId: only whether the instance gives a role matters to the diagnosis (0: none).
      return (await ownCohortCourses(deps, student))
        .filter((i) => i.courseId === courseId)
        .map((i) => ({ id: 0, cohortId: i.cohort.id, cohortIdnumber: i.cohort.idnumber, cohortName: i.cohort.name, roleId: i.roleShortname ? 1 : 0, roleName: i.roleName, groupId: 0, groupName: '', enabled: i.enabled, name: '', memberCount: -1, roleShortname: i.roleShortname, activeCount: -1, onlyAccessCount: -1 }));
    },
    userEnrolments(courseId: number, userId: number) {
      if (userId !== self.userId) return Promise.reject(new NotForStudents('userEnrolments of someone else'));
      return real.userEnrolments(courseId, userId);
    },
  };
}

/**
 * Their suspended account on the course's platform, when the chat found no live one there: the one
 * account the sync matches to their own key (USER_MATCH), if suspended; 0 otherwise. Without it their
 * own enrolments could not be read, and a suspended student would hear "cannot check" instead of
 * "your account is suspended".
 */
async function ownSuspendedAccount(deps: SelfDeps, self: Self): Promise<number> {
  if (self.userId || !self.suspendedHere) return self.userId;
  const found = await deps.api.getUsersByField(deps.config.userMatch.moodleField, [self.key]);
  return found.length === 1 && found[0]!.suspended ? found[0]!.id : 0;
}

/** THE adapter: the support diagnosis, restricted to the asker themself. */
export async function diagnoseSelf(deps: SelfDeps, self: Self, student: Student | undefined, platform: string, course: Course): Promise<Diagnosis> {
  const real = await cohortSyncsFor(deps.api);
  const me: Self = { ...self, userId: await ownSuspendedAccount(deps, self) };
  return diagnose({ config: deps.config, directory: deps.directory, api: deps.api, syncs: ownSyncs(deps, me, student, real), store: deps.store, now: deps.now, actingUserId: me.userId }, self.key, platform, course);
}

/**
 * The student-phrased answer from a diagnosis, from the diagnosis's own verdict and facts only (one source
 * of truth; nothing re-derived here): one entry per verdict (`SELF_LINES`, a `Record<Verdict, …>`, so a new
 * verdict does not compile without its words), the étapes a run adds them to on this platform (its `wants`
 * facts), else their étapes of the year (`etapes`), the year itself (its `window` fact), the start of an
 * enrolment not begun yet (`about.from`). Their directory entry gives at most the gender.
 */
export function selfWhyView(d: Diagnosis, student: Student | undefined, facts: { config: Config; now: Date; platform: string; courseLabel: string; locale?: string; suspended: boolean }): View {
  const t = catalog(facts.locale);
  const lang = localeOf(facts.locale);
  const sync = d.steps.find((s) => s.id === 'sync')?.facts ?? [];
  const routed = sync.flatMap((f) => (f.code === 'wants' && f.mode === 'add' ? [f.etape] : []));
  const list = routed.length ? routed : (d.etapes ?? []);
  const timeZone = facts.config.academicYear.timezone;
  const next = d.about?.nextRun ? new Date(d.about.nextRun) : nextRunAt(facts.config.schedule);
  const when = next ? formatDate(next, lang, timeZone, true) : t.locale === 'en' ? 'next sync' : 'prochaine synchronisation';
  // The start of an enrolment not begun yet, as the diagnosis read it.
  const startIso = d.verdict === 'enrolment-not-started' ? d.about?.from : undefined;
  const said = SELF_LINES[d.verdict]({
    n: t.notices,
    d,
    gender: d.gender ?? student?.gender,
    course: facts.courseLabel,
    platform: facts.platform,
    when,
    year: sync.flatMap((f) => (f.code === 'window' ? [f.current] : []))[0],
    start: startIso ? formatDate(new Date(startIso), lang, timeZone) : undefined,
  });
  // The étape line only when the verdict is about the sync and there is one (someone the directory has no counted inscription for gets none).
  const lines = [...(said.etape && list.length > 0 ? [t.notices.selfEtape(list.join(', '))] : []), ...said.lines];
  // A suspended account cannot log in whatever the course says (a cohort to join, Moodle's hourly task):
  // said beside any other verdict, so that no line reads as a promise of access.
  if (d.verdict !== 'account-suspended' && d.access.account === 'suspended') lines.push(t.notices.selfSuspended(facts.platform));
  // The headline by the one rule of every view (entryOf): an active enrolment is access only if the account can log in.
  const entry = entryOf(d.access);
  return { title: t.notices.selfWhyTitle(facts.courseLabel, entry, d.gender ?? student?.gender), tone: entry === 'in' ? 'success' : 'warning', private: true, blocks: lines.map((l) => text(l)), lang };
}

interface SelfWords {
  n: ReturnType<typeof catalog>['notices'];
  d: Diagnosis;
  gender: 'm' | 'f' | undefined;
  course: string;
  platform: string;
  /** The next run, in words. */
  when: string;
  /** The academic year of the diagnosis's window (absent: no directory entry). */
  year: number | undefined;
  /** The start of an enrolment not begun yet, in words. */
  start: string | undefined;
}

/** What each verdict tells the student themself, and whether their étape this year belongs beside it. */
const SELF_LINES: Record<Verdict, (w: SelfWords) => { etape?: boolean; lines: string[] }> = {
  access: ({ n, course, gender }) => ({ lines: [n.selfOk(course, gender)] }),
  'access-ends-next-run': ({ n, course, gender, when }) => ({ lines: [n.selfOk(course, gender), n.selfLeaving(when)] }),
  'access-removal-held': ({ n }) => ({ lines: [n.selfHeld] }),
  // A teacher's verdict (the account untold); a student's own diagnosis reads the account: said as enrolled, never access.
  enrolled: ({ n }) => ({ lines: [n.selfEnrolled] }),
  'account-suspended': ({ n, platform }) => ({ etape: true, lines: [n.selfSuspended(platform)] }),
  'account-missing': ({ n, platform, when }) => ({ etape: true, lines: [n.selfAccountTonight(platform, when)] }),
  'not-in-cohort': ({ n, when }) => ({ etape: true, lines: [n.selfSyncTonight(when)] }),
  'cohort-task-pending': ({ n }) => ({ etape: true, lines: [n.selfMoodleSoon] }),
  'course-not-syncing': ({ n }) => ({ etape: true, lines: [n.selfCourseTakesUnknown, n.selfAskTeacher] }),
  'not-in-course': ({ n }) => ({ etape: true, lines: [n.selfCourseTakesUnknown, n.selfAskTeacher] }),
  'enrolment-disabled': ({ n }) => ({ etape: true, lines: [n.selfEnrolmentInactive] }),
  'enrolment-suspended': ({ n }) => ({ etape: true, lines: [n.selfEnrolmentInactive] }),
  // A manual enrolment: nothing the sync or their étape does.
  'enrolment-ended': ({ n }) => ({ lines: [n.selfEnrolmentInactive] }),
  'enrolment-not-started': ({ n, course, start }) => ({ lines: [start ? n.selfStarts(course, start) : n.selfEnrolmentInactive] }),
  'not-wanted': ({ n, d, year, platform }) => {
    const reason = d.about?.reason;
    if (reason === 'other-platform') return { etape: true, lines: [n.selfWrongPlatform(platform)] };
    if (reason === undefined || reason === 'not-student' || year === undefined) return { lines: [n.selfDirectory] };
    if (reason === 'cancelled') return { lines: [n.selfCancelled(year)] };
    if (reason === 'other-year') return { lines: [n.selfOtherYear(year)] };
    return { lines: [n.selfNoInscription(year)] };
  },
  'directory-unreadable': ({ n }) => ({ lines: [n.selfUnavailable] }),
  'unknown-student': ({ n }) => ({ lines: [n.selfDirectory] }),
  'directory-ambiguous': ({ n }) => ({ lines: [n.selfDirectory] }),
};
