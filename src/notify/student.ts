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
import { Diagnosis, diagnose } from '../diagnosis/why';
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
 * The student-phrased answer from a diagnosis, from the diagnosis's own facts only (one source of
 * truth): the étapes a run adds them to on this platform (its `wants` facts), else their étapes of the
 * year (`etapes`), the year itself (its `window` fact). Their directory entry gives at most the gender.
 */
export function selfWhyView(d: Diagnosis, student: Student | undefined, facts: { config: Config; now: Date; platform: string; courseLabel: string; locale?: string; suspended: boolean }): View {
  const t = catalog(facts.locale);
  const n = t.notices;
  const lang = localeOf(facts.locale);
  const sync = d.steps.find((s) => s.id === 'sync')?.facts ?? [];
  const routed = sync.flatMap((f) => (f.code === 'wants' && f.mode === 'add' ? [f.etape] : []));
  const current = d.etapes ?? [];
  const year = sync.flatMap((f) => (f.code === 'window' ? [f.current] : []))[0];
  const next = nextRunAt(facts.config.schedule);
  const when = next ? formatDate(next, lang, facts.config.academicYear.timezone, true) : t.locale === 'en' ? 'next sync' : 'prochaine synchronisation';
  const lines: string[] = [];
  // The étape line only when there is one: someone the directory has no counted inscription for gets none.
  const etape = () => {
    const list = routed.length ? routed : current;
    if (list.length > 0) lines.push(n.selfEtape(list.join(', ')));
  };
  // From Moodle's answer and the sync's model (the verdict), phrased for the student themself.
  switch (d.verdict) {
    case 'access':
    case 'access-ends-next-run':
      lines.push(n.selfOk(facts.courseLabel, d.gender ?? student?.gender));
      break;
    case 'access-removal-held':
      lines.push(n.selfHeld);
      break;
    case 'directory-unreadable':
      lines.push(n.selfUnavailable);
      break;
    case 'unknown-student':
    case 'directory-ambiguous':
      lines.push(n.selfDirectory);
      break;
    case 'not-wanted': {
      const reason = d.about?.reason;
      if (reason === 'other-platform' || (reason === undefined && current.length > 0)) {
        etape();
        lines.push(n.selfWrongPlatform(facts.platform));
      } else if (reason === 'not-student' || year === undefined) lines.push(n.selfDirectory);
      else if (reason === 'cancelled') lines.push(n.selfCancelled(year));
      else if (reason === 'other-year') lines.push(n.selfOtherYear(year));
      else lines.push(n.selfNoInscription(year));
      break;
    }
    case 'account-missing':
      etape();
      lines.push(n.selfAccountTonight(facts.platform, when));
      break;
    case 'account-suspended':
      etape();
      lines.push(n.selfSuspended(facts.platform));
      break;
    case 'not-in-cohort':
      etape();
      lines.push(n.selfSyncTonight(when));
      break;
    case 'course-not-syncing':
    case 'not-in-course':
      etape();
      lines.push(n.selfCourseTakesUnknown, n.selfAskTeacher);
      break;
    case 'enrolment-not-started':
    case 'cohort-task-pending':
      etape();
      lines.push(n.selfMoodleSoon);
      break;
    case 'enrolment-disabled':
    case 'enrolment-suspended':
    case 'enrolment-ended':
      etape();
      lines.push(n.selfEnrolmentInactive);
      break;
    default:
      lines.push(n.selfAskTeacher);
  }
  // A suspended account cannot log in whatever the course says (a cohort to join, Moodle's hourly task):
  // said beside any other verdict, so that no line reads as a promise of access.
  if (d.verdict !== 'account-suspended' && d.access.account === 'suspended') lines.push(n.selfSuspended(facts.platform));
  // The headline by the one rule of every view (entryOf): an active enrolment is access only if the account can log in.
  const entry = entryOf(d.access);
  return { title: n.selfWhyTitle(facts.courseLabel, entry, d.gender ?? student?.gender), tone: entry === 'in' ? 'success' : 'warning', private: true, blocks: lines.map((l) => text(l)), lang };
}
