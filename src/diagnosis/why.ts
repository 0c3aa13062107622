/**
 * "Why isn't this student enrolled in this course?" Walks the chain directory → inscription →
 * Moodle account → managed cohort → the course's cohort syncs → enrolment, stops at the first broken
 * link and says the fix in one sentence. Each step keeps what it checked and its evidence.
 */
import type { Config } from '../config';
import { countedEtapes } from '../directory';
import type { DirectorySource, Student } from '../directory/types';
import { yearWindow } from '../domain/academic-year';
import { cohortIdnumber, isManaged, platformsFor } from '../domain/cohorts';
import type { Course, MoodleApi, MoodleUser } from '../moodle/api';
import type { CohortSyncs } from '../moodle/cohort-syncs';
import type { Store } from '../store/types';
import { nextRunAt } from '../sync/status';
import { journalActionText, journalReasonText } from '../i18n/codes';
import { WhyLocale, WhyMessages, formatDate, methodWord, roleWord, whyMessages } from './messages';

export type StepStatus = 'ok' | 'broken' | 'skipped' | 'info';

export interface Step {
  id: 'directory' | 'inscription' | 'account' | 'cohort' | 'held-removal' | 'course-sync' | 'enrolment' | 'manual-cohorts' | 'course-cohort';
  label: string;
  status: StepStatus;
  evidence: string[];
  fix?: string;
}

export interface Diagnosis {
  student: string;
  course: string;
  platform: string;
  steps: Step[];
  firstBroken?: Step['id'];
  /** A red-listed student: the answer is private by nature. */
  listeRouge: boolean;
  /** A sync of this student now would fix it (the next run would). */
  syncFixes: boolean;
  /** Commands that act on the finding (offered as buttons). */
  actions: Array<{ label: string; command: string }>;
  durationMs: number;
  /** A teacher's question about someone who is not in the course: that is all they are told (#28). */
  notInCourse?: boolean;
}

export interface WhyDeps {
  config: Config;
  directory: DirectorySource;
  api: MoodleApi;
  syncs: CohortSyncs | undefined;
  store: Store;
  now: Date;
  /** The support person or admin asking: cohort-sync reads are made as them, never as the service account. */
  actingUserId: number;
  /** The asker's language (French by default). */
  locale?: WhyLocale;
}

/** The steps of one diagnosis as they are checked, in the asker's words; `done()` adds the steps of
 *  `chain` never reached, as not checked, and names the first broken one. */
export function checklist(m: WhyMessages, chain: ReadonlyArray<Step['id']>) {
  const steps: Step[] = [];
  return {
    steps,
    step: (id: Step['id'], status: StepStatus, evidence: string[], fix?: string) => void steps.push({ id, label: m.labels[id], status, evidence, fix }),
    done: (): Pick<Diagnosis, 'steps' | 'firstBroken'> => {
      const reached = new Set(steps.map((s) => s.id));
      for (const id of chain) if (!reached.has(id)) steps.push({ id, label: m.labels[id], status: 'skipped', evidence: [m.notChecked] });
      return { steps, firstBroken: steps.find((s) => s.status === 'broken')?.id };
    },
  };
}

/** The chain of the full diagnosis, in order: steps not reached are reported as not checked. */
const CHAIN: Array<Step['id']> = ['directory', 'inscription', 'account', 'cohort', 'course-sync', 'enrolment', 'manual-cohorts'];

export async function diagnose(deps: WhyDeps, studentRef: string, platform: string, course: Course): Promise<Diagnosis> {
  const started = Date.now();
  const { config, api } = deps;
  const m = whyMessages(deps.locale ?? 'fr');
  const tz = config.academicYear.timezone;
  const day = (epoch: number) => formatDate(new Date(epoch * 1000), deps.locale ?? 'fr', tz);
  const { step, done } = checklist(m, CHAIN);
  const actions: Diagnosis['actions'] = [];
  const courseLabel = `${course.shortname} (${platform})`;
  const courseSpec = `${platform}:${course.shortname}`;
  let listeRouge = false;
  let syncFixes = false;
  const finish = (): Diagnosis => ({ student: studentRef, course: courseLabel, platform, ...done(), listeRouge, syncFixes, actions, durationMs: Date.now() - started });
  /** A removal of this student held for approval: they are still enrolled, whatever the directory says now. */
  const heldFor = async (key: string) => {
    const k = key.trim().toLowerCase();
    for (const h of await deps.store.heldPlans()) {
      const mine = h.removals.filter((r) => r.platform === platform && r.key?.toLowerCase() === k);
      if (mine.length > 0) return { runId: h.runId, cohorts: mine.map((r) => r.cohortIdnumber).join(', ') };
    }
    return undefined;
  };
  const reportHeld = (held: { runId: string; cohorts: string }) => {
    step('held-removal', 'broken', [m.held(held.runId, held.cohorts)], m.heldFix(held.runId));
    return finish();
  };

  // 1. Directory.
  const found = await deps.directory.lookup(studentRef);
  if (!found.complete) {
    step('directory', 'broken', [m.directoryUnreadable(found.incompleteReason ?? '?')], m.directoryUnreadableFix);
    return finish();
  }
  if (found.matches > 1) {
    // A name several students share: a choice, never a guess.
    for (const c of found.candidates ?? []) actions.push({ label: c.displayName ? `${c.displayName} (${c.key})` : c.key, command: `pourquoi ${c.key} ${courseSpec}` });
    step('directory', 'broken', [m.directorySeveral(found.matches, studentRef)], m.directorySeveralFix);
    return finish();
  }
  if (found.found === 'none') {
    const held = await heldFor(studentRef);
    if (held) {
      step('directory', 'info', [`${studentRef} ${m.directoryGone}`]);
      return reportHeld(held);
    }
    step('directory', 'broken', [m.directoryNone(studentRef)], m.directoryNoneFix);
    return finish();
  }
  if (found.found === 'excluded' || !found.student) {
    step('directory', 'broken', [m.directoryExcluded(found.reason ?? '?')], found.reason === 'not_student' ? m.directoryNotStudentFix : m.directoryIncompleteFix);
    return finish();
  }
  const s: Student = found.student;
  listeRouge = s.listeRouge;
  step('directory', 'ok', [m.directoryFound(s.key, s.etuId, s.listeRouge)]);

  // 2. Inscription of the counted years.
  const window = yearWindow(deps.now, config.academicYear);
  const current = countedEtapes(s, window.add);
  const routed = current.filter((e) => platformsFor(e, config.platforms).includes(platform));
  const all = s.inscriptions.map((i) => `${i.year} ${i.etape}${i.status ? ` (${i.status})` : ''}`);
  if (current.length === 0) {
    const held = await heldFor(s.key);
    if (held) {
      step('inscription', 'info', [all.length ? m.inscriptions(all.join(', ')) : m.noInscription]);
      return reportHeld(held);
    }
    const cancelled = s.inscriptions.filter((i) => window.add.includes(i.year) && i.status && i.status !== 'E');
    const fix = cancelled.length ? m.cancelledFix(window.current, cancelled[0]!.status!) : m.otherYearFix(window.current);
    step('inscription', 'broken', [all.length ? m.inscriptions(all.join(', ')) : m.noInscription], fix);
    return finish();
  }
  if (routed.length === 0) {
    const elsewhere = current.map((e) => m.routedTo(e, platformsFor(e, config.platforms).join(', ')));
    step('inscription', 'broken', [m.yearInscriptions(window.current, current.join(', ')), ...elsewhere], m.wrongPlatformFix(platform));
    return finish();
  }
  step('inscription', 'ok', [m.yearInscriptions(window.current, routed.join(', '))]);

  // 3. Moodle account.
  const field = config.userMatch.moodleField;
  // The site's cohorts are needed next whatever the account says: asked at the same time (one round trip, not two).
  const allCohorts = api.getCohorts();
  allCohorts.catch(() => undefined);
  const users = await api.getUsersByField(field, [s.key]);
  const user: MoodleUser | undefined = users[0];
  const next = nextRunAt(config.schedule);
  const nextLabel = next ? formatDate(next, deps.locale ?? 'fr', tz, true) : m.nextRun;
  if (!user) {
    step('account', 'broken', [m.noAccount(platform, field, s.key)], m.noAccountFix(platform, nextLabel));
    return finish();
  }
  if (user.suspended) {
    step('account', 'broken', [m.suspended(user.username ?? String(user.id))], m.suspendedFix(platform));
    return finish();
  }
  step('account', 'ok', [m.accountOk(user.username ?? String(user.id), user.id, user.lastaccess ? day(user.lastaccess) : undefined)]);

  // The course's syncs and the student's enrolments there (steps 5 and 6) go with the cohort members (step 4).
  const courseSyncs = deps.syncs?.list(course.id, deps.actingUserId);
  const enrolments = deps.syncs?.userEnrolments(course.id, user.id);
  for (const early of [courseSyncs, enrolments]) early?.catch(() => undefined);

  // 4. Managed cohorts of the student's étapes.
  const cohorts = await allCohorts;
  const wanted = routed.map((e) => cohortIdnumber({ prefix: config.cohorts.idnumberPrefix }, e));
  const mine = cohorts.filter((c) => wanted.includes(c.idnumber));
  const members = mine.length ? await api.getCohortMembers(mine.map((c) => c.id)) : new Map<number, number[]>();
  const history = await deps.store.studentHistory(s.key, 50);
  const inCohorts = mine.filter((c) => members.get(c.id)?.includes(user.id));
  const journal = (idnumber: string) => history.filter((j) => j.cohortIdnumber === idnumber && j.platform === platform).slice(0, 3).map((j) => m.journalLine(formatDate(new Date(j.at), deps.locale ?? 'fr', tz), journalActionText(j.action, deps.locale ?? 'fr'), journalReasonText(j.reason, deps.locale ?? 'fr')));
  if (inCohorts.length === 0) {
    const missing = wanted.map((w) => (mine.some((c) => c.idnumber === w) ? m.cohortWithout(w) : m.cohortMissing(w)));
    syncFixes = true;
    actions.push({ label: m.syncNowLabel, command: `synchroniser étudiant ${s.key}` });
    step('cohort', 'broken', [...missing, ...wanted.flatMap(journal)], m.cohortFix(nextLabel, s.key));
    return finish();
  }
  step('cohort', 'ok', inCohorts.flatMap((c) => [m.memberOf(c.idnumber), ...journal(c.idnumber)]));

  // 5. The course's cohort syncs.
  if (!deps.syncs) {
    step('course-sync', 'info', [m.noPlugin]);
  } else {
    const list = (await courseSyncs)!;
    const myIds = new Set(inCohorts.map((c) => c.id));
    const relevant = list.filter((i) => myIds.has(i.cohortId));
    const synced = list.map((i) => m.syncedEntry(i.cohortIdnumber ?? String(i.cohortId), i.enabled, roleWord(m, i.roleShortname, i.roleName)));
    const enabled = relevant.filter((i) => i.enabled);
    // Enrolled some other way (manual enrolment on an auto-created space): the enrolment step decides.
    const otherWays = relevant.length === 0 ? (await enrolments)!.enrolments.filter((e) => e.method !== 'cohort') : [];
    const listed = synced.length ? m.courseSyncs(synced.join(', ')) : m.courseSyncsNone;
    if (relevant.length === 0 && otherWays.length > 0) {
      step('course-sync', 'info', [listed, m.otherWays(otherWays.map((e) => methodWord(m, e.method)).join(', '))]);
    } else if (relevant.length === 0) {
      const c = inCohorts[0]!;
      actions.push({ label: m.addLabel(c.idnumber), command: `ajouter ${c.idnumber} à ${courseSpec}` });
      step('course-sync', 'broken', [listed], m.notSyncedFix(c.idnumber, courseSpec));
      return finish();
    } else if (enabled.length === 0) {
      step('course-sync', 'broken', relevant.map((i) => m.disabledSync(i.cohortIdnumber ?? '')), m.disabledSyncFix(relevant[0]!.cohortIdnumber ?? '', courseSpec));
      return finish();
    } else if (enabled.every((i) => i.roleId === 0)) {
      step('course-sync', 'broken', enabled.map((i) => m.noRole(i.cohortIdnumber ?? '')), m.noRoleFix(enabled[0]!.cohortIdnumber ?? '', courseSpec));
      return finish();
    } else {
      step('course-sync', 'ok', enabled.map((i) => m.syncOk(i.cohortIdnumber ?? '', roleWord(m, i.roleShortname, i.roleName), i.groupName || undefined)));
    }
  }

  // 6. The enrolment itself.
  if (deps.syncs) {
    const d = (await enrolments)!;
    const now = Math.floor(deps.now.getTime() / 1000);
    const lines = d.enrolments.map((e) => m.enrolmentLine(methodWord(m, e.method), e.name, e.active, e.instanceEnabled, e.timeStart ? day(e.timeStart) : undefined, e.timeEnd ? day(e.timeEnd) : undefined, e.roles.map((r) => roleWord(m, r)).join(', ')));
    const expiredManual = d.enrolments.find((e) => e.method === 'manual' && e.timeEnd > 0 && e.timeEnd <= now);
    if (d.canAccess) {
      step('enrolment', 'ok', lines);
    } else if (d.enrolments.length === 0) {
      step('enrolment', 'broken', [m.noEnrolment], m.noEnrolmentFix);
      return finish();
    } else if (expiredManual) {
      step('enrolment', 'broken', lines, m.manualExpiredFix(day(expiredManual.timeEnd)));
      return finish();
    } else {
      const cohortEnrol = d.enrolments.find((e) => e.method === 'cohort');
      const fix = cohortEnrol && !cohortEnrol.active ? m.cohortEnrolSuspendedFix : m.enrolmentInactiveFix;
      if (cohortEnrol && !cohortEnrol.active) actions.push({ label: m.syncNowLabel, command: `synchroniser étudiant ${s.key}` });
      step('enrolment', 'broken', lines, fix);
      return finish();
    }
    // 7. Manual cohorts that also give access (information only).
    const manual = d.cohorts.filter((c) => !isManaged({ prefix: config.cohorts.idnumberPrefix }, c.idnumber));
    step('manual-cohorts', 'info', manual.length ? manual.map((c) => m.manualCohort(c.idnumber, c.synced)) : [m.none]);
  } else {
    const active = await api.getEnrolledUsers(course.id, [{ name: 'onlyactive', value: 1 }]);
    if (active.some((u) => u.id === user.id)) step('enrolment', 'ok', [m.activeNoDetail]);
    else {
      step('enrolment', 'broken', [m.noActive], m.noActiveFix);
      return finish();
    }
    step('manual-cohorts', 'info', [m.notCheckedHere]);
  }
  return finish();
}
