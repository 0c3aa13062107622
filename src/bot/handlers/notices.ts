/**
 * A person's own notices and questions (#32): `notifications oui|non`, `mes cours`, `pourquoi je ne
 * suis pas inscrit(e) en <cours>` (the student's own diagnosis, through src/notify/student.ts) and
 * `changements <cours>` (a teacher of the course: who arrived or left at its last changed run).
 */
import type { Course } from '../../moodle/api';
import type { CourseRef as CommandCourse } from '../commands';
import { diagnoseSelf, ownCohortCourses, selfWhyView } from '../../notify/student';
import { departureOf } from '../../notify/plan';
import { formatDate } from '../../i18n/format';
import { localeOf } from '../../i18n/locale';
import { whyCatalog } from '../../i18n/why';
import { Access, accessOf } from '../../diagnosis/access';
import type { Student } from '../../directory/types';
import type { CourseAccess } from '../authz';
import type { Store } from '../../store/types';
import type { HandlerContext } from '../context';
import { resolveCourse } from '../resolve';
import { View, table, text } from '../views';
import { teachesSomewhere } from '../teaching';

export async function notifications(ctx: HandlerContext, on: boolean | undefined): Promise<View> {
  const n = ctx.t.notices;
  if (ctx.config.notify.teachers === 'off') return { tone: 'info', blocks: [text(n.prefDisabled)] };
  const store = ctx.deps.store.notices;
  // Notices are for teachers (and admins' held removals): someone who teaches nothing is told so, not
  // promised notices they would never get; a "yes" is still kept, for when they teach.
  const teacher = ctx.actor.has('admin') || (await teachesSomewhere(ctx).catch(() => true));
  if (!teacher) {
    if (on !== undefined) {
      await store.setPreference(ctx.actor.key, on ? 'on' : 'off', ctx.now());
      await ctx.audit({ command: 'notifications', outcome: on ? 'on' : 'off' });
    }
    return { tone: 'info', blocks: [text(on === false ? n.prefOff : n.prefNotTeacher(on === true))] };
  }
  if (on === undefined) {
    const pref = await store.preference(ctx.actor.key);
    const receiving = ctx.config.notify.teachers === 'optin' ? pref === 'on' : pref !== 'off';
    return { tone: 'info', blocks: [text(receiving ? n.prefOn : n.prefOff)] };
  }
  await store.setPreference(ctx.actor.key, on ? 'on' : 'off', ctx.now());
  await ctx.audit({ command: 'notifications', outcome: on ? 'on' : 'off' });
  return { tone: 'success', blocks: [text(on ? n.prefOn : n.prefOff)] };
}

/**
 * The asker's own enrolled courses, on every platform where they have an account. Moodle lists only the
 * courses an active enrolment lets them into today (core_enrol_get_users_courses: enrol_get_users_courses
 * with onlyactive, the same rule as diagnosis/access.ts); a course that does not — a suspended or ended
 * enrolment, a disabled method — is found where the sync puts them (the courses syncing their étapes'
 * cohorts, ownCohortCourses) and marked with its state, never listed as if it let them in.
 */
export async function myCourses(ctx: HandlerContext): Promise<View> {
  const n = ctx.t.notices;
  const states = whyCatalog(localeOf(ctx.t.locale)).states;
  const at = Math.floor(ctx.now().getTime() / 1000);
  const rows: string[][] = [];
  const empty: string[] = [];
  const closed: string[] = [];
  const student = await ownStudent(ctx);
  for (const p of ctx.config.platforms) {
    if (!ctx.actor.hasAccount(p.name)) continue;
    const me = ctx.actor.account(p.name).id;
    const open = (await ctx.api(p.name).getUsersCourses(me)).slice(0, 50);
    for (const c of open) rows.push([p.name, c.shortname, c.fullname]);
    const more = await unlistedCourses(ctx, p.name, me, student, new Set(open.map((c) => c.id)), at);
    for (const { course, access } of more) {
      // Let in since Moodle's list was read (it is kept a minute or two): listed as it is now.
      if (access.has) {
        rows.push([p.name, course.shortname, course.fullname]);
        continue;
      }
      // Marked with their enrolment's state (the why section's words).
      const mark = access.via.map((v) => states[v.status] ?? v.status).join(', ') || n.myCoursesNoAccess;
      rows.push([p.name, course.shortname, n.myCoursesMarked(course.fullname)]);
      closed.push(n.myCoursesNoAccessLine(`${course.shortname} (${p.name})`, mark));
    }
    if (open.length === 0 && more.length === 0) empty.push(p.name);
  }
  const blocks = [...(rows.length ? [table(n.myCoursesColumns, rows)] : []), ...closed.map((l) => text(l)), ...empty.map((p) => text(n.myCoursesNone(p))), text(n.myCoursesHint)];
  return { title: n.myCoursesTitle, tone: 'info', private: true, blocks };
}

/** The asker's directory key: their own account's matching field (USER_MATCH), on any platform they have one ('' when none). */
function ownKey(ctx: HandlerContext): string {
  const field = ctx.config.userMatch.moodleField;
  const account = ctx.config.platforms.map((p) => (ctx.actor.hasAccount(p.name) ? ctx.actor.account(p.name) : undefined)).find((a) => a !== undefined);
  return account ? String(account[field] ?? '').trim() : '';
}

/** The asker's own directory entry as a student (one match), if any; a directory that cannot answer is none. */
async function ownStudent(ctx: HandlerContext): Promise<Student | undefined> {
  const key = ownKey(ctx);
  if (!key) return undefined;
  const found = await ctx.deps.directory.lookup(key).catch(() => undefined);
  return found?.found === 'student' && found.matches === 1 ? found.student : undefined;
}

/**
 * Courses of the asker on a platform that Moodle's list leaves out: among those syncing their étapes'
 * cohorts, the ones where they have an enrolment (read by the service: a student may not review a
 * course's enrolments), with whether it gives access today — mostly not (that is why Moodle leaves it
 * out); yes when it changed since the list was read. Anything that cannot be read is left out: the
 * list Moodle gave stands on its own.
 */
async function unlistedCourses(ctx: HandlerContext, platform: string, me: number, student: Student | undefined, listed: Set<number>, at: number): Promise<Array<{ course: { shortname: string; fullname: string }; access: Access }>> {
  if (!student) return [];
  try {
    const syncs = await ctx.cohortSyncs(platform);
    const candidates = new Map((await ownCohortCourses({ config: ctx.config, api: ctx.api(platform), now: ctx.now() }, student)).filter((c) => !listed.has(c.courseId)).map((c) => [c.courseId, c]));
    const read = await Promise.all([...candidates.values()].map(async (c) => ({ course: c, access: accessOf(await syncs.userEnrolments(c.courseId, me), 'live', at) })));
    return read.filter((r) => r.access.via.length > 0);
  } catch (err) {
    ctx.deps.logger.debug({ err: (err as Error).message, platform }, 'mes cours: the courses without access could not be read');
    return [];
  }
}

/** "Why am I not enrolled in <course>": the asker only, through the one adapter of src/notify/student.ts. */
export async function selfWhy(ctx: HandlerContext, ref: CommandCourse): Promise<View> {
  const n = ctx.t.notices;
  // Any course that exists may be asked about: a student learns nothing about anyone from its name.
  const resolved = await resolveCourse(ctx, ref, (c) => ctx.t.cmd.selfWhy(c));
  if (!resolved.ok) return resolved.view;
  const { platform, course, label } = resolved.value;
  const key = ownKey(ctx);
  if (!key) return { tone: 'error', blocks: [text(ctx.t.accountProblem(ctx.actor.mainProblem))] };
  const deps = { config: ctx.config, directory: ctx.deps.directory, api: ctx.api(platform), store: ctx.deps.store, now: ctx.now(), locale: ctx.t.locale };
  try {
    const found = await ctx.deps.directory.lookup(key);
    const student = found.found === 'student' && found.matches === 1 ? found.student : undefined;
    const suspended = ctx.actor.problems.get(platform) === 'suspended';
    const self = { key, userId: ctx.actor.hasAccount(platform) ? ctx.actor.account(platform).id : 0, suspendedHere: suspended };
    const d = await diagnoseSelf(deps, self, student, platform, course as Course);
    await ctx.audit({ command: 'selfWhy', platform, course: course.shortname, outcome: d.verdict });
    return selfWhyView(d, student, { config: ctx.config, now: ctx.now(), platform, courseLabel: label, locale: ctx.t.locale, suspended });
  } catch (err) {
    ctx.deps.logger.warn({ err: (err as Error).message }, 'selfWhy: the diagnosis could not be made');
    return { title: n.selfWhyTitle(label), tone: 'warning', private: true, blocks: [text(n.selfUnavailable)] };
  }
}

/**
 * The last run that changed the course's synced cohorts: who arrived or left (their identifiers), for
 * a teacher of the course (asked of Moodle as them, by the authorisation step) — privately.
 */
export async function changes(ctx: HandlerContext, access: CourseAccess): Promise<View> {
  const n = ctx.t.notices;
  const syncs = (await access.syncs.list(access.course.id, access.me.id)).filter((s) => s.cohortIdnumber);
  // A cohort's changes count for the course only from when the course synced it, when that is known
  // (linked through the bot): earlier runs changed the cohort, not this course.
  const since = new Map<string, string>();
  for (const s of syncs) {
    const at = (await linkedAt(ctx.deps.store, access.platform, s.id)) ?? '';
    const known = since.get(s.cohortIdnumber!);
    since.set(s.cohortIdnumber!, known === undefined || at < known ? at : known);
  }
  const history = (await Promise.all([...since.keys()].map((c) => ctx.deps.store.cohortHistory(access.platform, c, 500))))
    .flat()
    .filter((e) => (e.action === 'add' || e.action === 'remove' || e.action === 'held') && e.at >= (since.get(e.cohortIdnumber) ?? ''));
  // The run of the newest change, by when it was journalled: run ids begin with a time to the second only,
  // so two runs of the same second are told apart by their journal, not by their ids.
  const latest = history.reduce<{ runId: string; at: string } | undefined>((best, e) => (best === undefined || e.at > best.at ? e : best), undefined)?.runId;
  await ctx.audit({ command: 'changes', platform: access.platform, course: access.course.shortname, outcome: latest ? 'ok' : 'none' });
  if (!latest) return { title: n.changesTitle(access.label), tone: 'info', private: true, blocks: [text(n.changesNone(access.label))] };
  const rows = history.filter((e) => e.runId === latest).sort((a, b) => a.action.localeCompare(b.action) || (a.studentKey ?? '').localeCompare(b.studentKey ?? ''));
  const run = await ctx.deps.store.getRun(latest);
  const when = formatDate(new Date(run?.startedAt ?? rows[0]!.at), localeOf(ctx.t.locale), ctx.config.academicYear.timezone, true);
  return {
    title: n.changesTitle(access.label),
    tone: 'info',
    private: true,
    blocks: [text(n.changesIntro(latest, when)), table(n.changesColumns, rows.slice(0, 100).map((e) => [e.studentKey ?? '?', e.cohortIdnumber, n.changesAction[e.action] ?? e.action, n.changesReason[e.action === 'add' ? 'newInscription' : departureOf(e.reason)]]))],
  };
}

const linkKey = (platform: string, instanceId: number) => `cohortsync:linked:${platform}:${instanceId}`;

/** When the bot created this cohort-sync instance (a course starting to sync a cohort); one instance id is never reused. */
export async function rememberLinked(store: Store, platform: string, instanceId: number, at: Date): Promise<void> {
  await store.setState(linkKey(platform, instanceId), at.toISOString());
}

/** When the instance was created, if the bot created it; undefined when it was made elsewhere (Moodle's own pages). */
export async function linkedAt(store: Store, platform: string, instanceId: number): Promise<string | undefined> {
  return (await store.getState(linkKey(platform, instanceId))) || undefined;
}
