/**
 * What the notices need from Moodle, read after the run with the service account as the service
 * itself (the sync's own reads, for nobody's request): the courses syncing each changed cohort (the
 * plugin's get_cohort_courses, asked for the service account, which manages the managed cohorts) and
 * each such course's editing teachers as Moodle says *now* (active enrolments holding
 * moodle/course:enrolreview) — so someone who no longer teaches a course is never told about it.
 * These calls are background calls: a chat command's calls go first (moodle/scheduler.ts).
 */
import { z } from 'zod';
import type { MoodleApi } from '../moodle/api';
import { ManualCohorts } from '../moodle/manual-cohorts';
import { cohortKey, courseKey, SyncingCourse } from './plan';

/** The capability that makes an editing teacher (a non-editing teacher does not review enrolments). */
export const TEACHER_CAPABILITY = 'moodle/course:enrolreview';

export interface NoticeReads {
  coursesOf: Map<string, SyncingCourse[]>;
  teachersOf: Map<string, string[]>;
  /** Platforms whose courses could not be read (the notices of their courses are not sent; logged). */
  failed: Array<{ platform: string; error: string }>;
}

const teachersSchema = z.array(z.object({ id: z.number(), email: z.string().optional() }).passthrough());

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** Reads, per platform, the courses of the changed cohorts and their teachers. */
export async function readNoticeTargets(apis: ReadonlyMap<string, MoodleApi>, cohorts: Array<{ platform: string; cohortIdnumber: string }>): Promise<NoticeReads> {
  const out: NoticeReads = { coursesOf: new Map(), teachersOf: new Map(), failed: [] };
  const byPlatform = new Map<string, Set<string>>();
  for (const c of cohorts) byPlatform.set(c.platform, (byPlatform.get(c.platform) ?? new Set()).add(c.cohortIdnumber));
  for (const [platform, idnumbers] of byPlatform) {
    const api = apis.get(platform);
    if (!api) continue;
    try {
      const [site, all, manual] = await Promise.all([api.siteInfo(), api.getCohorts(), ManualCohorts.for(api)]);
      const wanted = all.filter((c) => idnumbers.has(c.idnumber));
      const courses = new Map<string, SyncingCourse>();
      await pool(wanted, 4, async (cohort) => {
        const list = (await manual.courses(cohort.id, site.userid)).filter((c) => c.enabled);
        const mine = list.map((c) => ({ platform, courseId: c.courseId, shortname: c.shortname, fullname: c.fullname }));
        out.coursesOf.set(cohortKey(platform, cohort.idnumber), mine);
        for (const c of mine) courses.set(courseKey(c), c);
      });
      await pool([...courses.values()], 4, async (course) => {
        // core_enrol_get_enrolled_users with withcapability: the service role's documented capabilities
        // suffice (…_with_capability would also need moodle/role:review).
        const users = await api.client.call(
          'core_enrol_get_enrolled_users',
          { courseid: course.courseId, options: [{ name: 'withcapability', value: TEACHER_CAPABILITY }, { name: 'onlyactive', value: '1' }, { name: 'userfields', value: 'id,email' }] },
          teachersSchema,
        );
        out.teachersOf.set(courseKey(course), users.map((u) => (u.email ?? '').trim().toLowerCase()).filter(Boolean));
      });
    } catch (err) {
      out.failed.push({ platform, error: (err as Error).message });
    }
  }
  return out;
}
