/**
 * Turning what a person typed into Moodle objects: a course (id, short name, ID number, URL, with or
 * without a platform) and a cohort available to that course. Ambiguity returns choices, not a guess.
 */
import type { Course, MoodleApi } from '../moodle/api';
import type { AvailableCohort } from '../moodle/cohort-syncs';
import type { CourseRef } from './commands';
import { fold } from './commands';
import { levenshtein } from '../util/closest';
import type { HandlerContext } from './context';
import { Button, View, text } from './views';
import { quoted } from '../i18n/fr/commands';

export interface ResolvedCourse {
  platform: string;
  course: Course;
  label: string;
}

export type Resolution<T> = { ok: true; value: T } | { ok: false; view: View };

const fail = (v: View): { ok: false; view: View } => ({ ok: false, view: v });

/**
 * Nothing is told before the right is known (#28): `mayUse` says whether the person may act on (or
 * see) a candidate course, and choices are offered only among those; `unavailable` is what someone is
 * told when no course matches — the very words a refusal uses, so "no such course" and "not yours"
 * read the same.
 */
export interface CourseAccessRule {
  mayUse?: (rc: ResolvedCourse) => Promise<boolean>;
  unavailable?: string;
}

/**
 * The idnumbers a person may mean by a cohort they typed, in order of preference, folded (accents and
 * case aside): exactly what they typed, then the managed cohort of that étape ("L2PHA1" → "etp:l2pha1").
 */
export function typedIdnumbers(prefix: string, typed: string): [string, string] {
  const f = fold(typed.trim());
  return [f, `${fold(prefix)}${f}`];
}

/** Whether a person typed a managed cohort's idnumber ("etp:L2PHA1", "ETP:l2pha1"): the prefix, case aside. */
export const typesManagedIdnumber = (prefix: string, typed: string): boolean => fold(typed.trim()).startsWith(fold(prefix));

/** The étape a person means by "etp:L2PHA1", "ETP:l2pha1" or "L2PHA1": what they typed, the prefix left out. */
export function typedEtape(prefix: string, typed: string): string {
  const t = typed.trim();
  return typesManagedIdnumber(prefix, t) ? t.slice(prefix.length) : t;
}

/**
 * Every course a person may mean, for the chat and the CLI alike: on the platform named (by name or by
 * its URL) or on all; by id, else short name, else ID number, else full name. Never the front page.
 */
export async function findCourses(platforms: Array<{ name: string; url: string }>, apiOf: (platform: string) => MoodleApi, ref: CourseRef): Promise<ResolvedCourse[]> {
  const norm = (u: string) => u.replace(/^(https?:\/\/[^/]+)/i, (m) => m.toLowerCase()).replace(/\/+$/, '');
  const names = platforms.filter((p) => (ref.platform ? p.name === ref.platform : ref.site ? norm(p.url) === ref.site : true)).map((p) => p.name);
  const found: ResolvedCourse[] = [];
  await Promise.all(
    names.map(async (platform) => {
      const api = apiOf(platform);
      let courses: Course[] = [];
      if (ref.id !== undefined) courses = await api.getCoursesByField('id', ref.id);
      else if (ref.text) {
        // The three ways of naming a course are asked at once (one round trip, not three), read in this order.
        const [byShortname, byIdnumber, byName] = [api.getCoursesByField('shortname', ref.text), api.getCoursesByField('idnumber', ref.text), api.searchCourses(ref.text, 0, 50)];
        for (const later of [byIdnumber, byName]) later.catch(() => undefined);
        courses = await byShortname;
        if (courses.length === 0) courses = await byIdnumber;
        // Short names as people type them ("pha-l2-101"), then full names, accents and case aside.
        if (courses.length === 0) courses = byShortnameFolded((await byName).courses, ref.text);
        if (courses.length === 0) courses = byFullname((await byName).courses, ref.text);
      }
      for (const course of courses.filter((c) => c.id !== 1)) found.push({ platform, course, label: `${course.shortname} (${platform})` });
    }),
  );
  return found.sort((a, b) => a.label.localeCompare(b.label));
}

/** `rebuild` writes the command again with an unambiguous course, for the choice buttons. */
export async function resolveCourse(ctx: HandlerContext, ref: CourseRef, rebuild: (course: string) => string, rule: CourseAccessRule = {}): Promise<Resolution<ResolvedCourse>> {
  const unavailable = (): { ok: false; view: View } => fail({ tone: 'error', blocks: [text(rule.unavailable ?? ctx.t.courseNotFound(ref.raw))] });
  let candidates = await findCourses(ctx.config.platforms, (p) => ctx.api(p), ref);
  // Moodle's search is accent-sensitive: the person's own courses are compared here, accents aside,
  // and are the only ones a near miss may be offered from (nothing is told of anyone else's).
  const own = candidates.length === 0 && ref.text ? await ownCourses(ctx, ref) : [];
  if (candidates.length === 0) candidates = own.filter((c) => sameName(c.course, ref.text!));
  if (candidates.length === 0 && own.length > 0) {
    const near = closestCourses(own, ref.text!, 1 / 4);
    if (near.length > 0) {
      return fail({
        tone: 'error',
        blocks: [text(`${rule.unavailable ?? ctx.t.courseNotFound(ref.raw)} ${ctx.t.help.courseDidYouMean(near.map((c) => `\`${rebuild(`${c.platform}:${c.course.shortname}`)}\``).join(', '))}`)],
        buttons: near.map((c) => ({ label: c.label, payload: rebuild(`${c.platform}:${c.course.shortname}`) })),
      });
    }
  }
  // One match: the command's own rights check decides (its refusal reads as `unavailable`). Several:
  // only those the person may use are offered, so a choice never names a course they may not see.
  const found = candidates.length > 1 && rule.mayUse ? (await Promise.all(candidates.map(async (f) => ((await rule.mayUse!(f)) ? [f] : [])))).flat() : candidates;
  if (found.length === 1) return { ok: true, value: found[0]! };
  if (found.length === 0) return unavailable();
  return fail({
    tone: 'warning',
    blocks: [text(ctx.t.courseAmbiguous(ref.raw))],
    buttons: found.slice(0, 10).map((f) => ({ label: `${f.course.shortname} — ${f.course.fullname} (${f.platform})`, payload: rebuild(`${f.platform}:${f.course.shortname}`) })),
  });
}

/** A cohort among those available to the course for the actor: idnumber, étape code, or name. */
export function pickCohort(ctx: HandlerContext, ref: string, available: AvailableCohort[], courseLabel: string, rebuild: (cohortIdnumber: string) => string): Resolution<AvailableCohort> {
  const f = fold(ref.trim());
  const byName = available.filter((c) => fold(c.name) === f);
  const exact =
    typedIdnumbers(ctx.config.cohorts.idnumberPrefix, ref)
      .map((id) => available.find((c) => fold(c.idnumber) === id))
      .find((c) => c !== undefined) ?? (byName.length === 1 ? byName[0] : undefined);
  if (exact) return { ok: true, value: exact };
  // Anything else is never a guess (no card for "etp:L3PHA" when only etp:L3PHA1 exists): the cohorts
  // it may mean, each with the command that names it exactly.
  const partial = nearCohorts(ctx, ref, available, (c) => [c.name, c.idnumber]);
  if (partial.length === 0) return fail({ tone: 'error', blocks: [text(ctx.t.cohortNotFound(ref, courseLabel))] });
  // Several that contain what was typed ("pharmacie"): a choice, as for any ambiguity. One, or a few
  // keystrokes away ("etp:L3PHA", "etp:L3PHA2"): did you mean.
  const containing = partial.filter((c) => [c.name, c.idnumber].some((x) => x && fold(x).includes(f)));
  if (containing.length < 2 && partial.length <= 3) return fail(cohortDidYouMean(ctx, ref, courseLabel, partial.map((c) => ({ label: `${c.name} — ${c.idnumber || '—'} (${c.memberCount})`, command: rebuild(c.idnumber || String(c.id)) }))));
  const buttons: Button[] = partial.slice(0, 10).map((c) => ({ label: `${c.name} — ${c.idnumber || '—'} (${c.memberCount})`, payload: rebuild(c.idnumber || String(c.id)) }));
  return fail({ tone: 'warning', blocks: [text(ctx.t.cohortAmbiguous(ref))], buttons });
}

/**
 * What a cohort typed may mean when nothing matches exactly: names or idnumbers that contain it, else
 * idnumbers a couple of keystrokes away (etp:L3PHA2 for etp:L3PHA1), folded.
 */
export function nearCohorts<C>(ctx: HandlerContext, ref: string, list: C[], fields: (c: C) => Array<string | null | undefined>): C[] {
  const f = fold(ref.trim());
  const typed = typedIdnumbers(ctx.config.cohorts.idnumberPrefix, ref);
  const containing = list.filter((c) => fields(c).some((x) => x && fold(x).includes(f)));
  if (containing.length > 0 || f.length < 4) return containing;
  return list.filter((c) => fields(c).some((x) => x && typed.some((t) => levenshtein(fold(x), t) <= 2)));
}

/** "No such cohort; did you mean `…`?": the commands that name the near ones exactly, as text and buttons. */
export function cohortDidYouMean(ctx: HandlerContext, ref: string, courseLabel: string, near: Array<{ label: string; command: string }>): View {
  return {
    tone: 'error',
    blocks: [text(ctx.t.cohortDidYouMean(ref, courseLabel, near.map((n) => `\`${n.command}\``).join(', ')))],
    buttons: near.map((n) => ({ label: n.label, payload: n.command })),
  };
}

function byShortnameFolded(found: Course[], typed: string): Course[] {
  const f = fold(typed.trim());
  return found.filter((c) => fold(c.shortname) === f || (c.idnumber !== undefined && c.idnumber !== '' && fold(c.idnumber) === f));
}

/**
 * A course by its full name, as people say it: the exact name (accents and case aside), else the one
 * course whose name starts with what was typed; several → all of them, for the choice buttons.
 */
function byFullname(found: Course[], typed: string): Course[] {
  const f = fold(typed.trim());
  const exact = found.filter((c) => fold(c.fullname) === f);
  if (exact.length > 0) return exact;
  return found.filter((c) => fold(c.fullname).startsWith(f));
}

/** Quotes a value for a command payload when it holds spaces. */
export const q = quoted;

/** The courses the person is enrolled in, on the platform named or on every one where they have an account. */
async function ownCourses(ctx: HandlerContext, ref: CourseRef): Promise<ResolvedCourse[]> {
  const platforms = ctx.config.platforms.filter((p) => (!ref.platform || p.name === ref.platform) && !ref.site && ctx.actor.hasAccount(p.name));
  const lists = await Promise.all(
    platforms.map(async (p) => (await ctx.api(p.name).getUsersCourses(ctx.actor.account(p.name).id).catch(() => [] as Course[])).filter((c) => c.id !== 1).map((course) => ({ platform: p.name, course, label: `${course.shortname} (${p.name})` }))),
  );
  return lists.flat();
}

const sameName = (c: Course, typed: string): boolean => [c.shortname, c.fullname].some((x) => fold(x) === fold(typed.trim()));

/**
 * Courses whose short name, ID number or full name is a few keystrokes from what was typed, or whose
 * full name contains it (four letters or more): at most three, closest first. `tolerance` is the
 * edits allowed per typed letter (at least two): the CLI (support's one-off `why`) guesses more
 * freely than the chat, where a wrong guess would be one more message to read.
 */
export function closestCourses(courses: ResolvedCourse[], typed: string, tolerance: number): ResolvedCourse[] {
  const f = fold(typed.trim());
  if (f === '') return [];
  const limit = Math.max(2, Math.ceil(f.length * tolerance));
  const distance = (c: Course) =>
    Math.min(...[c.shortname, c.idnumber ?? '', c.fullname].filter(Boolean).map((x) => levenshtein(fold(x), f)), f.length >= 4 && fold(c.fullname).includes(f) ? 0 : Infinity);
  return courses
    .filter((c) => c.course.id !== 1)
    .map((c) => ({ c, d: distance(c.course) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.label.localeCompare(b.c.label))
    .slice(0, 3)
    .map((x) => x.c);
}
