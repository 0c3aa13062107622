/**
 * Whether a person teaches: Moodle lets them configure cohort sync in one of their courses (asked as
 * them, through the plugin). Help's examples, a student's refusals and the notices' opt-in ask it;
 * authorisation depends on it, so it lives beside it rather than in a handler.
 */
import type { HandlerContext } from './context';
import { refusalCode } from '../moodle/cohort-syncs';

/** How many of a person's courses are asked about, per platform (help, refusals, `chercher` without a course). */
export const TEACHING_PROBE = 30;

/**
 * Whether Moodle lets this person configure cohort sync in at least one of their courses (as them): a
 * teacher somewhere. Someone who teaches nothing (a student) is answered in their own words.
 */
export async function teachesSomewhere(ctx: HandlerContext): Promise<boolean> {
  const mine = ctx.config.platforms.filter((p) => ctx.actor.hasAccount(p.name)).map((p) => p.name);
  return (await Promise.all(mine.map((platform) => taughtOn(ctx, platform)))).some((c) => c !== undefined);
}

/** `platform:shortname` of the person's first course there where Moodle lets them configure cohort sync, if any. */
export async function firstTaught(ctx: HandlerContext, platform: string): Promise<string | undefined> {
  // Help never fails for want of an example.
  return taughtOn(ctx, platform).catch(() => undefined);
}

/** The same, Moodle's errors thrown (a question that cannot be answered is not "no"). */
async function taughtOn(ctx: HandlerContext, platform: string): Promise<string | undefined> {
  const me = ctx.actor.account(platform);
  // Moodle refusing the person their courses' cohorts (onbehalfof): they teach none of them.
  const refused = (err: unknown) => {
    if (refusalCode(err) !== undefined) return undefined;
    throw err;
  };
  const [all, syncs] = await Promise.all([ctx.api(platform).getUsersCourses(me.id), ctx.cohortSyncs(platform).catch(() => undefined)]);
  const courses = all.filter((c) => c.id !== 1).sort((a, b) => a.shortname.localeCompare(b.shortname)).slice(0, TEACHING_PROBE);
  if (courses.length === 0 || !syncs) return undefined;
  if (syncs.manyAtOnce) {
    const answered = (await syncs.availableCohortsMany(courses.map((c) => c.id), '', 1, me.id).catch(refused)) ?? [];
    const first = courses.find((c) => answered.some((a) => a.courseId === c.id && !a.refused));
    return first ? `${platform}:${first.shortname}` : undefined;
  }
  // A plugin before 1.4: course after course, until one is theirs (usually the first).
  for (const c of courses) {
    const [answer] = (await syncs.availableCohortsMany([c.id], '', 1, me.id).catch(refused)) ?? [];
    if (answer && !answer.refused) return `${platform}:${c.shortname}`;
  }
  return undefined;
}
