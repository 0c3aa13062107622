/**
 * "Why isn't this student enrolled in this course?" — Moodle's truth first, the sync's own model
 * second, then fixes with their full effect.
 *
 * 1. Moodle: every enrolment of the person in the course and whether it gives access on the day asked
 *    (access.ts). If it does, the answer is "yes, through …" and no fix is proposed.
 * 2. The sync: what a run wants of this student on this platform is computed by the run's own code
 *    (desiredOfOne: the year window and its grace, the routing), the account is matched as the run
 *    matches it (USER_MATCH), a held removal and the last run that touched the student come from the store.
 * 3. Fixes: typed actions with who may do them and what they change in this course (effect.ts).
 *
 * Everything here is codes and parameters; src/i18n/why.ts says it in French or English.
 */
import type { Config } from '../config';
import type { DirectorySource, LookupResult, Student } from '../directory/types';
import { countedEtapes } from '../directory';
import { currentAcademicYear, yearWindow } from '../domain/academic-year';
import { cohortIdnumber, etapeOfIdnumber, isManaged, platformsFor } from '../domain/cohorts';
import type { Course, MoodleApi, MoodleUser } from '../moodle/api';
import { accountsByTyped } from '../moodle/accounts';
import type { CohortSync, CohortSyncs, EnrolmentDiagnosis } from '../moodle/cohort-syncs';
import type { Store } from '../store/types';
import { desiredOfOne } from '../sync/desired';
import { nextRunAt } from '../sync/status';
import { Access, accessOf } from './access';
import { CourseFacts, Fix, FixAction, effectOf, endOfYear } from './effect';

export type { Access, Fix, FixAction };

export type StepId = 'moodle' | 'directory' | 'sync' | 'course';
export type StepStatus = 'ok' | 'broken' | 'skipped' | 'info';

/** One fact a step found, as a code with its parameters (the words are in src/i18n/fr|en/why.ts). */
export type Fact =
  | { code: 'account'; username: string; id: number; lastAccess?: number; suspended: boolean }
  | { code: 'no-account'; field: string; key: string }
  | { code: 'via'; via: Access['via'][number] }
  | { code: 'no-enrolment' }
  | { code: 'directory-found'; key: string; number?: string; listeRouge: boolean }
  | { code: 'directory-none'; ref: string }
  | { code: 'directory-excluded'; reason: string }
  | { code: 'directory-unreadable'; reason: string }
  | { code: 'directory-several'; count: number; ref: string }
  | { code: 'inscriptions'; list: Array<{ year: number; etape: string; status?: string }> }
  | { code: 'window'; current: number; add: number[]; keepOnly: number[] }
  | { code: 'wants'; etape: string; cohort: string; mode: 'add' | 'keep-only'; member: boolean; next: NextRun }
  | { code: 'not-wanted'; reason: NotWanted; platforms?: string }
  | { code: 'leaves'; cohort: string; next: 'remove' | 'held'; runId?: string }
  | { code: 'pending-account'; since?: string }
  | { code: 'last-run'; runId: string; at: string; action: string; cohort: string }
  | { code: 'course-sync'; cohort: string; enabled: boolean; role: string; holds: boolean }
  | { code: 'course-syncs-none' }
  | { code: 'course-unreadable' };

/** What the next run does about this student and one cohort: the directory's word, unless the guard holds it. */
export type NextRun = 'keep' | 'add' | 'pending-account' | 'held' | 'none';
export type NotWanted = 'no-inscription' | 'cancelled' | 'other-year' | 'other-platform' | 'not-student';

export interface Step {
  id: StepId;
  status: StepStatus;
  facts: Fact[];
}

/**
 * Every verdict a diagnosis can give (support's, the student's own, a teacher's): the views phrase each
 * one (a `Record<Verdict, …>` in each, so a new verdict does not compile without its words), and tests
 * enumerate them. `enrolled` is a teacher's view only: an active enrolment, the account's state untold.
 */
export const VERDICTS = [
  'access',
  'access-removal-held',
  'access-ends-next-run',
  'enrolled',
  'account-suspended',
  'account-missing',
  'enrolment-disabled',
  'enrolment-suspended',
  'enrolment-ended',
  'enrolment-not-started',
  'not-in-cohort',
  'course-not-syncing',
  'cohort-task-pending',
  'not-wanted',
  'directory-unreadable',
  'directory-ambiguous',
  'unknown-student',
  'not-in-course',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Diagnosis {
  student: string;
  course: string;
  platform: string;
  /** The day asked about (ISO): now, or `--on`. */
  on: string;
  access: Access;
  verdict: Verdict;
  /** Parameters of the verdict: the run holding a removal, the cohort in question… */
  about?: { runId?: string; cohort?: string; reason?: NotWanted; nextRun?: string; from?: string };
  steps: Step[];
  fixes: Fix[];
  /** A red-listed student: the answer is private by nature. */
  listeRouge: boolean;
  /** The student's grammatical gender as the directory gives it, for the words' agreement; absent: unknown. */
  gender?: 'm' | 'f';
  /** The étapes of the student's inscriptions this year as a run counts them (in force, every platform); absent: no directory entry. */
  etapes?: string[];
  /** Several directory entries matched: who they are, for a choice. */
  candidates?: Array<{ key: string; displayName?: string }>;
  durationMs: number;
}

export interface WhyDeps {
  config: Config;
  directory: DirectorySource;
  api: MoodleApi;
  syncs: CohortSyncs | undefined;
  store: Store;
  now: Date;
  /** The day asked about (`--on`); now by default. Moodle is read now, its dates are judged on that day. */
  on?: Date;
  /** The support person or admin asking: enrolment and cohort-sync reads are made as them. */
  actingUserId: number;
}

/** The person's account on this platform: matched as the sync matches it (directory key → USER_MATCH), else as typed. */
export async function findAccount(api: MoodleApi, config: Config, ref: string, student: Student | undefined): Promise<MoodleUser | undefined> {
  if (student) {
    const [u] = await api.getUsersByField(config.userMatch.moodleField, [student.key]);
    if (u) return u;
  }
  return (await accountsByTyped(api, [ref])).found.get(ref.trim());
}

/** Moodle's enrolments of the user, read as the person asking; a site without the plugin answers with onlyactive alone. */
export async function readEnrolments(api: MoodleApi, syncs: CohortSyncs | undefined, course: Course, userId: number, actingUserId: number): Promise<EnrolmentDiagnosis> {
  if (syncs) return syncs.userEnrolments(course.id, userId, actingUserId);
  const [all, active] = await Promise.all([api.getEnrolledUsers(course.id), api.getEnrolledUsers(course.id, [{ name: 'onlyactive', value: 1 }])]);
  const me = all.find((u) => u.id === userId);
  const on = active.some((u) => u.id === userId);
  return { enrolments: me ? [{ instanceId: 0, method: 'unknown', name: '', instanceEnabled: true, active: on, timeStart: 0, timeEnd: 0, roles: (me.roles ?? []).map((r) => r.shortname) }] : [], cohorts: [], canAccess: on };
}

export async function diagnose(deps: WhyDeps, studentRef: string, platform: string, course: Course): Promise<Diagnosis> {
  const started = Date.now();
  const { config, api } = deps;
  const on = deps.on ?? deps.now;
  const at = Math.floor(on.getTime() / 1000);
  const steps: Step[] = [];
  const base = { student: studentRef, course: `${course.shortname} (${platform})`, platform, on: on.toISOString(), listeRouge: false };
  // Known once the directory answered (the early verdicts come before it).
  const known: { gender?: 'm' | 'f'; etapes?: string[] } = {};
  const done = (d: Omit<Diagnosis, keyof typeof base | 'steps' | 'durationMs'> & { listeRouge?: boolean }): Diagnosis => ({ ...base, ...(known.gender ? { gender: known.gender } : {}), ...(known.etapes ? { etapes: known.etapes } : {}), ...d, steps, durationMs: Date.now() - started });

  // The directory and the account are asked together; the directory may be down while Moodle answers.
  const found: LookupResult | Error = await deps.directory.lookup(studentRef).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  const dirOk = !(found instanceof Error) && found.complete;
  if (dirOk && found.matches > 1) {
    steps.push({ id: 'directory', status: 'broken', facts: [{ code: 'directory-several', count: found.matches, ref: studentRef }] });
    return done({ access: { has: false, account: 'missing', canLogIn: false, via: [] }, verdict: 'directory-ambiguous', fixes: [], candidates: found.candidates ?? [] });
  }
  const student = dirOk && found.found === 'student' ? found.student : undefined;
  known.gender = student?.gender;
  // What the course and the site say does not depend on the student's account: asked while it is looked up.
  const [siteCohortsRead, courseSyncsRead] = [api.getCohorts(), deps.syncs ? deps.syncs.list(course.id, deps.actingUserId).catch(() => undefined) : Promise.resolve(undefined)];
  siteCohortsRead.catch(() => undefined);
  const user = await findAccount(api, config, studentRef, student);

  // 1. Moodle's truth.
  const enrolments = user ? await readEnrolments(api, deps.syncs, course, user.id, deps.actingUserId) : undefined;
  const suspended = enrolments?.userSuspended ?? user?.suspended ?? false;
  const access = accessOf(enrolments, user ? (suspended ? 'suspended' : 'live') : 'missing', at);
  const moodleFacts: Fact[] = user
    ? [{ code: 'account', username: user.username ?? String(user.id), id: user.id, lastAccess: user.lastaccess || undefined, suspended }, ...(access.via.length ? access.via.map((v) => ({ code: 'via' as const, via: v })) : [{ code: 'no-enrolment' as const }])]
    : [{ code: 'no-account', field: config.userMatch.moodleField, key: student?.key ?? studentRef }];
  steps.push({ id: 'moodle', status: access.has && access.account === 'live' ? 'ok' : 'broken', facts: moodleFacts });

  // The directory's word.
  if (found instanceof Error || !found.complete) {
    steps.push({ id: 'directory', status: 'broken', facts: [{ code: 'directory-unreadable', reason: found instanceof Error ? found.message : (found.incompleteReason ?? '?') }] });
  } else if (found.found === 'none') {
    steps.push({ id: 'directory', status: user ? 'info' : 'broken', facts: [{ code: 'directory-none', ref: studentRef }] });
  } else if (found.found === 'excluded' || !student) {
    steps.push({ id: 'directory', status: 'info', facts: [{ code: 'directory-excluded', reason: found.reason ?? '?' }] });
  } else {
    steps.push({ id: 'directory', status: 'ok', facts: [{ code: 'directory-found', key: student.key, number: student.etuId, listeRouge: student.listeRouge }] });
  }
  const listeRouge = student?.listeRouge ?? false;
  if (!user && !student) {
    const verdict = found instanceof Error || !found.complete ? 'directory-unreadable' : 'unknown-student';
    return done({ access, verdict, fixes: [], listeRouge });
  }

  // 2. The sync's own model: the run's rule for this student, Moodle's memberships, the store's word.
  const key = student?.key ?? (user ? (user[config.userMatch.moodleField] as string | undefined) : undefined) ?? studentRef;
  const window = yearWindow(on, config.academicYear);
  const wanted = student ? desiredOfOne(student, window, config.platforms, platform) : [];
  if (student) known.etapes = countedEtapes(student, window.add);
  const naming = { prefix: config.cohorts.idnumberPrefix };
  const [siteCohorts, held, history, courseSyncs] = await Promise.all([siteCohortsRead, deps.store.heldPlans(), deps.store.studentHistory(key, 20), courseSyncsRead]);
  const wantedIdnumbers = wanted.map((w) => cohortIdnumber(naming, w.etape));
  const myManaged = (enrolments?.cohorts ?? []).filter((c) => isManaged(naming, c.idnumber));
  const memberOf = new Set((enrolments?.cohorts ?? []).map((c) => c.idnumber));
  // Cohorts the diagnosis reply does not list (a site without the plugin): asked of Moodle directly.
  const unknownMembership = !deps.syncs && user ? siteCohorts.filter((c) => wantedIdnumbers.includes(c.idnumber)) : [];
  if (unknownMembership.length && user) {
    const members = await api.getCohortMembers(unknownMembership.map((c) => c.id));
    for (const c of unknownMembership) if (members.get(c.id)?.includes(user.id)) memberOf.add(c.idnumber);
  }
  const heldFor = held.flatMap((h) => h.removals.filter((r) => r.platform === platform && r.key?.toLowerCase() === key.toLowerCase()).map((r) => ({ runId: h.runId, cohort: r.cohortIdnumber })));
  const pending = history.find((j) => j.platform === platform && j.action === 'pending');
  const syncFacts: Fact[] = [];
  if (student) {
    syncFacts.push({ code: 'inscriptions', list: student.inscriptions.map((i) => ({ year: i.year, etape: i.etape, status: i.status })) });
    syncFacts.push({ code: 'window', current: window.current, add: window.add, keepOnly: window.keepOnly });
  }
  const nextFor = (w: (typeof wanted)[number], idnumber: string): NextRun => {
    if (memberOf.has(idnumber)) return 'keep';
    if (w.mode === 'keep-only') return 'none';
    return user ? 'add' : 'pending-account';
  };
  for (const w of wanted) {
    const idnumber = cohortIdnumber(naming, w.etape);
    syncFacts.push({ code: 'wants', etape: w.etape, cohort: idnumber, mode: w.mode, member: memberOf.has(idnumber), next: nextFor(w, idnumber) });
  }
  // Managed cohorts the student is in that the run does not want: removed by the next run, unless held.
  const leaving = myManaged.filter((c) => !wantedIdnumbers.includes(c.idnumber));
  for (const c of leaving) {
    const h = heldFor.find((x) => x.cohort === c.idnumber);
    syncFacts.push({ code: 'leaves', cohort: c.idnumber, next: h ? 'held' : 'remove', ...(h ? { runId: h.runId } : {}) });
  }
  let notWanted: NotWanted | undefined;
  if (wanted.length === 0) {
    notWanted = whyNotWanted(student, window, config, platform);
    syncFacts.push({ code: 'not-wanted', reason: notWanted, ...(notWanted === 'other-platform' ? { platforms: platformsOf(student!, window, config) } : {}) });
  }
  if (!user && wanted.some((w) => w.mode === 'add')) syncFacts.push({ code: 'pending-account', ...(pending ? { since: pending.at } : {}) });
  const last = history.find((j) => j.platform === platform && j.action !== 'pending');
  if (last) syncFacts.push({ code: 'last-run', runId: last.runId, at: last.at, action: last.action, cohort: last.cohortIdnumber });
  steps.push({ id: 'sync', status: wanted.length > 0 ? 'ok' : student ? 'broken' : 'info', facts: syncFacts });

  // The course's cohort syncs, as the person asking may read them.
  const mineIds = new Set(siteCohorts.filter((c) => memberOf.has(c.idnumber)).map((c) => c.id));
  const courseFacts: Fact[] = !courseSyncs
    ? [{ code: 'course-unreadable' }]
    : courseSyncs.length === 0
      ? [{ code: 'course-syncs-none' }]
      : courseSyncs.map((i) => ({ code: 'course-sync' as const, cohort: i.cohortIdnumber ?? String(i.cohortId), enabled: i.enabled, role: i.roleShortname, holds: mineIds.has(i.cohortId) }));
  steps.push({ id: 'course', status: 'info', facts: courseFacts });

  const nextRun = nextRunAt(config.schedule)?.toISOString();
  // 3. The verdict, Moodle first.
  if (access.has && access.account === 'live') {
    const leavingHere = leaving.filter((c) => courseSyncs?.some((i) => i.cohortIdnumber === c.idnumber && i.enabled));
    const heldHere = leavingHere.find((c) => heldFor.some((h) => h.cohort === c.idnumber));
    const othersGive = access.via.some((v) => v.gives && !(v.cohort && leavingHere.some((c) => c.idnumber === v.cohort)));
    if (heldHere && !othersGive) return done({ access, verdict: 'access-removal-held', about: { runId: heldFor.find((h) => h.cohort === heldHere.idnumber)!.runId, cohort: heldHere.idnumber }, fixes: [], listeRouge });
    if (leavingHere.length > 0 && !othersGive) return done({ access, verdict: 'access-ends-next-run', about: { cohort: leavingHere[0]!.idnumber, nextRun }, fixes: [], listeRouge });
    return done({ access, verdict: 'access', fixes: [], listeRouge });
  }

  const cohortIds = new Map(siteCohorts.map((c) => [c.idnumber, c.id]));
  const facts: CourseFacts = await courseFacts_(api, course, courseSyncs, [...wantedIdnumbers].map((i) => cohortIds.get(i)).filter((x): x is number => x !== undefined), cohortIds);
  const fix = (a: FixAction, by: Fix['by'], first: FixAction[] = []): Fix => ({ ...a, by, effect: effectOf([...first, a], facts, user?.id), ...(first.length ? { first } : {}) });
  const fixes: Fix[] = [];
  // The calendar's year (a forced ACADEMIC_YEAR replays a year, but an enrolment must end after the day asked).
  const untilEnd = endOfYear(currentAcademicYear(on, config.academicYear), config.academicYear).toISOString();
  const reactivate: FixAction[] = suspended ? [{ action: 'reactivate-account' }] : [];

  if (!user) {
    if (wanted.some((w) => w.mode === 'add')) return done({ access, verdict: 'account-missing', about: { nextRun }, fixes: [{ action: 'first-login', by: 'student', effect: { adds: 0, removes: 0 } }], listeRouge });
    // Wanted only to be kept (last year's inscription, in the grace): a run adds nobody without this year's.
    const reason = notWanted ?? 'other-year';
    return done({ access, verdict: 'not-wanted', about: { nextRun, reason }, fixes: registrar(reason), listeRouge });
  }
  if (access.has) {
    // Enrolled and active, but the account cannot log in.
    return done({ access, verdict: 'account-suspended', fixes: [fix({ action: 'reactivate-account' }, 'moodle-admin')], listeRouge });
  }

  // A way in that exists but does not work, explained from Moodle's own state.
  const wantedOrKept = (cohort: string | undefined) => cohort !== undefined && (!isManaged(naming, cohort) ? memberOf.has(cohort) : wantedIdnumbers.includes(cohort) && memberOf.has(cohort));
  const byState = (s: string) => access.via.filter((v) => v.status === s);
  const disabled = byState('instance-disabled').find((v) => v.method === 'cohort' && wantedOrKept(v.cohort));
  const manual = access.via.find((v) => v.method === 'manual' && v.status !== 'instance-disabled');
  const cohortSuspended = byState('suspended').find((v) => v.method === 'cohort');
  let verdict: Verdict | undefined;
  let about: Diagnosis['about'];
  if (disabled) {
    verdict = 'enrolment-disabled';
    fixes.push(fix({ action: 'enable-cohort-sync', cohort: disabled.cohort!, instanceId: disabled.instanceId }, 'teacher', reactivate));
  } else if (manual) {
    const m = manualVerdict(manual, at, untilEnd);
    verdict = m.verdict;
    about = m.about;
    fixes.push(fix(m.fix, 'teacher', reactivate));
  } else if (cohortSuspended && wantedOrKept(cohortSuspended.cohort)) {
    // Member again, enrolment still suspended: Moodle's hourly cohort task re-activates it.
    verdict = 'cohort-task-pending';
    fixes.push(fix({ action: 'run-cohort-task' }, 'moodle-admin', reactivate));
  }
  if (verdict) return done({ access, verdict, ...(about ? { about } : {}), fixes, listeRouge });

  // No working way in: what the sync wants decides the fix. Never a cohort of an étape the student is not inscribed in.
  if (wanted.length === 0) return done({ access, verdict: 'not-wanted', about: { reason: notWanted }, fixes: registrar(notWanted), listeRouge });
  const adds = wanted.filter((w) => w.mode === 'add').map((w) => cohortIdnumber(naming, w.etape));
  const synced = (idn: string) => courseSyncs?.find((i) => i.cohortIdnumber === idn);
  const syncedHere = adds.find((idn) => synced(idn));
  if (syncedHere && !memberOf.has(syncedHere)) {
    const inst = synced(syncedHere)!;
    const first: FixAction[] = [...reactivate, ...(inst.enabled ? [] : [{ action: 'enable-cohort-sync' as const, cohort: syncedHere, instanceId: inst.id }])];
    fixes.push(fix({ action: 'sync-student', cohort: syncedHere }, 'support', first));
    return done({ access, verdict: 'not-in-cohort', about: { cohort: syncedHere, nextRun }, fixes, listeRouge });
  }
  const memberCohort = adds.find((idn) => memberOf.has(idn)) ?? wanted.map((w) => cohortIdnumber(naming, w.etape)).find((idn) => memberOf.has(idn));
  if (memberCohort && synced(memberCohort)) {
    const inst = synced(memberCohort)!;
    fixes.push(inst.enabled ? fix({ action: 'run-cohort-task' }, 'moodle-admin', reactivate) : fix({ action: 'enable-cohort-sync', cohort: memberCohort, instanceId: inst.id }, 'teacher', reactivate));
    return done({ access, verdict: inst.enabled ? 'cohort-task-pending' : 'enrolment-disabled', about: { cohort: memberCohort }, fixes, listeRouge });
  }
  const target = memberCohort ?? adds[0];
  if (!target) return done({ access, verdict: 'not-wanted', about: { reason: 'other-year' }, fixes: [], listeRouge });
  const cohort = siteCohorts.find((c) => c.idnumber === target);
  const narrow = fix({ action: 'enrol-manually', role: 'student', until: untilEnd }, 'teacher', reactivate);
  if (cohort) {
    const first: FixAction[] = [...reactivate, ...(memberOf.has(target) ? [] : [{ action: 'sync-student' as const, cohort: target }])];
    const wide = fix({ action: 'add-cohort-sync', cohort: target, cohortId: cohort.id }, 'teacher', first);
    fixes.push(wide);
    // Syncing the étape brings others too: the narrower way in, beside it.
    if (wide.effect.adds > 1) fixes.push(narrow);
  } else fixes.push(narrow);
  return done({ access, verdict: 'course-not-syncing', about: { cohort: target }, fixes, listeRouge });
}

/**
 * A manual enrolment that gives no access, said as Moodle holds it: suspended or ended, reactivated (an
 * end already past moves to `untilEnd`); not started yet, its start date (`about.from`), and the fix is
 * to move that date, not to "reactivate" what is active. One rule for support's view and a teacher's.
 */
export function manualVerdict(manual: Access['via'][number], at: number, untilEnd: string): { verdict: Verdict; about?: Diagnosis['about']; fix: FixAction } {
  if (manual.status === 'not-started') {
    const from = new Date(manual.timeStart * 1000).toISOString();
    return { verdict: 'enrolment-not-started', about: { from }, fix: { action: 'change-enrolment-start', instanceId: manual.instanceId, method: manual.method, from } };
  }
  const until = manual.timeEnd > 0 && manual.timeEnd <= at ? untilEnd : undefined;
  return { verdict: manual.status === 'suspended' ? 'enrolment-suspended' : 'enrolment-ended', fix: { action: 'reactivate-enrolment', instanceId: manual.instanceId, method: manual.method, ...(until ? { until } : {}) } };
}

const registrar = (reason: NotWanted | undefined): Fix[] => (reason && reason !== 'other-platform' && reason !== 'not-student' ? [{ action: 'ask-registrar', about: reason, by: 'registrar', effect: { adds: 0, removes: 0 } }] : []);

/** Why the run's rule wants nothing of this student on this platform, from the same inscriptions. */
function whyNotWanted(student: Student | undefined, window: ReturnType<typeof yearWindow>, config: Config, platform: string): NotWanted {
  if (!student) return 'not-student';
  const counted = student.inscriptions.filter((i) => window.add.includes(i.year) || window.keepOnly.includes(i.year));
  if (counted.length === 0) return student.inscriptions.length ? 'other-year' : 'no-inscription';
  const elsewhere = desiredOfOneAnywhere(student, window, config);
  if (elsewhere.length > 0 && !elsewhere.includes(platform)) return 'other-platform';
  return 'cancelled';
}

function desiredOfOneAnywhere(student: Student, window: ReturnType<typeof yearWindow>, config: Config): string[] {
  return config.platforms.filter((p) => desiredOfOne(student, window, config.platforms, p.name).length > 0).map((p) => p.name);
}

function platformsOf(student: Student, window: ReturnType<typeof yearWindow>, config: Config): string {
  const etapes = [...new Set(student.inscriptions.filter((i) => window.add.includes(i.year)).map((i) => i.etape))];
  return etapes.map((e) => `${e} → ${platformsFor(e, config.platforms).join(', ') || '—'}`).join('; ');
}

/** What the fixes' effects are computed from: the course's active participants and its cohort syncs' members. */
async function courseFacts_(api: MoodleApi, course: Course, syncs: CohortSync[] | undefined, wantedIds: number[], cohortIds: Map<string, number>): Promise<CourseFacts> {
  const ids = [...new Set([...(syncs ?? []).map((s) => s.cohortId), ...wantedIds])].filter((id) => [...cohortIds.values()].includes(id));
  const [active, members] = await Promise.all([api.getEnrolledUsers(course.id, [{ name: 'onlyactive', value: 1 }]), ids.length ? api.getCohortMembers(ids) : Promise.resolve(new Map<number, number[]>())]);
  return { active: new Set(active.map((u) => u.id)), syncs: syncs ?? [], members, cohortIds };
}

export { etapeOfIdnumber };
