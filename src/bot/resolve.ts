/**
 * Turning what a person typed into Moodle objects: a course (id, short name, ID number, URL, with or
 * without a platform) and a cohort available to that course. Ambiguity returns choices, not a guess.
 */
import type { Course } from '../moodle/api';
import type { AvailableCohort } from '../moodle/cohort-syncs';
import type { CourseRef } from './commands';
import { fold } from './commands';
import type { HandlerContext } from './context';
import { Button, View, text } from './views';

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

/** `rebuild` writes the command again with an unambiguous course, for the choice buttons. */
export async function resolveCourse(ctx: HandlerContext, ref: CourseRef, rebuild: (course: string) => string, rule: CourseAccessRule = {}): Promise<Resolution<ResolvedCourse>> {
  const unavailable = (): { ok: false; view: View } => fail({ tone: 'error', blocks: [text(rule.unavailable ?? ctx.t.courseNotFound(ref.raw))] });
  let platforms = ctx.config.platforms.map((p) => p.name);
  if (ref.platform) platforms = [ref.platform];
  else if (ref.site) {
    const norm = (u: string) => u.replace(/^(https?:\/\/[^/]+)/i, (m) => m.toLowerCase()).replace(/\/+$/, '');
    const byHost = ctx.config.platforms.filter((p) => norm(p.url) === ref.site).map((p) => p.name);
    if (byHost.length === 0) return unavailable();
    platforms = byHost;
  }
  let found: ResolvedCourse[] = [];
  await Promise.all(
    platforms.map(async (platform) => {
      const api = ctx.api(platform);
      let courses: Course[] = [];
      if (ref.id !== undefined) courses = await api.getCoursesByField('id', ref.id);
      else if (ref.text) {
        courses = await api.getCoursesByField('shortname', ref.text);
        if (courses.length === 0) courses = await api.getCoursesByField('idnumber', ref.text);
        if (courses.length === 0) courses = byFullname((await api.searchCourses(ref.text, 0, 50)).courses, ref.text);
      }
      for (const course of courses.filter((c) => c.id !== 1)) found.push({ platform, course, label: `${course.shortname} (${platform})` });
    }),
  );
  // One match: the command's own rights check decides (its refusal reads as `unavailable`). Several:
  // only those the person may use are offered, so a choice never names a course they may not see.
  let usable = found;
  if (found.length > 1 && rule.mayUse) usable = (await Promise.all(found.map(async (f) => ((await rule.mayUse!(f)) ? [f] : [])))).flat();
  if (usable.length === 1) return { ok: true, value: usable[0]! };
  if (usable.length === 0) return unavailable();
  found = usable;
  found.sort((a, b) => a.label.localeCompare(b.label));
  return fail({
    tone: 'warning',
    blocks: [text(ctx.t.courseAmbiguous(ref.raw))],
    buttons: found.slice(0, 10).map((f) => ({ label: `${f.course.shortname} — ${f.course.fullname} (${f.platform})`, payload: rebuild(`${f.platform}:${f.course.shortname}`) })),
  });
}

/** A cohort among those available to the course for the actor: idnumber, étape code, or name. */
export function pickCohort(ctx: HandlerContext, ref: string, available: AvailableCohort[], courseLabel: string, rebuild: (cohortIdnumber: string) => string): Resolution<AvailableCohort> {
  const f = fold(ref.trim());
  const prefix = fold(ctx.config.cohorts.idnumberPrefix);
  const exact =
    available.filter((c) => fold(c.idnumber) === f)[0] ??
    available.filter((c) => fold(c.idnumber) === `${prefix}${f}`)[0] ??
    (available.filter((c) => fold(c.name) === f).length === 1 ? available.filter((c) => fold(c.name) === f)[0] : undefined);
  if (exact) return { ok: true, value: exact };
  const partial = available.filter((c) => fold(c.name).includes(f) || fold(c.idnumber).includes(f));
  if (partial.length === 1) return { ok: true, value: partial[0]! };
  if (partial.length === 0) return fail({ tone: 'error', blocks: [text(ctx.t.cohortNotFound(ref, courseLabel))] });
  const buttons: Button[] = partial.slice(0, 10).map((c) => ({ label: `${c.name} — ${c.idnumber || '(sans idnumber)'} (${c.memberCount})`, payload: rebuild(c.idnumber || String(c.id)) }));
  return fail({ tone: 'warning', blocks: [text(ctx.t.cohortAmbiguous(ref))], buttons });
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
export const q = (s: string): string => (/\s/.test(s) ? `"${s.replace(/"/g, "'")}"` : s);
