/**
 * Who to tell what after a run — pure: a run's membership changes, the courses that sync each
 * cohort and each course's editing teachers in, one notice per teacher out (all her courses in it),
 * with counts grouped by reason and never a student's name. A course without a change is not in any
 * notice, and a teacher without a changed course gets none.
 */
import type { JournalReason } from '../domain/codes';
import type { ChangeReason } from '../i18n/fr/notices';
import type { RunChange } from '../store/notices';

/** A course syncing a cohort, as Moodle says it now. */
export interface SyncingCourse {
  platform: string;
  courseId: number;
  shortname: string;
  fullname: string;
}

export interface CourseChanges extends SyncingCourse {
  arrived: number;
  left: number;
  held: number;
  reasons: Partial<Record<ChangeReason, number>>;
}

/** What a teacher's notice says: stored as the queue row's body and rendered in her language when sent. */
export interface TeacherNoticeBody {
  kind: 'teacher';
  runId: string;
  startedAt: string;
  courses: CourseChanges[];
}

/** The reason a change is counted under, from the journal's reason code. */
export function reasonOf(c: RunChange): ChangeReason {
  if (c.action === 'held') return 'held';
  if (c.action === 'add') return c.accountCreated ? 'accountCreated' : 'newInscription';
  return departureOf(c.reason);
}

/** Why a student left a cohort (or would, held): no longer a student at all, or out of the étape (moved, the étape gone). */
export const departureOf = (r: JournalReason): 'leftDirectory' | 'leftEtape' => (r.code === 'notStudent' ? 'leftDirectory' : 'leftEtape');

/** One held removal: a member of a cohort on a platform. */
export const heldKey = (platform: string, cohortIdnumber: string, userId: number): string => `${platform}\n${cohortIdnumber}\n${userId}`;

/**
 * A held removal is told to teachers once: the run's held changes that an earlier, still undecided
 * plan held already (this run superseded it and holds the same removals again) are left out.
 * `heldBefore`: heldKey of each removal of the plans this run superseded.
 */
export function withoutHeldAgain(changes: RunChange[], heldBefore: ReadonlySet<string>): RunChange[] {
  if (heldBefore.size === 0) return changes;
  return changes.filter((c) => c.action !== 'held' || c.userId === undefined || !heldBefore.has(heldKey(c.platform, c.cohortIdnumber, c.userId)));
}

export const cohortKey = (platform: string, cohortIdnumber: string): string => `${platform}\n${cohortIdnumber}`;
export const courseKey = (c: Pick<SyncingCourse, 'platform' | 'courseId'>): string => `${c.platform}\n${c.courseId}`;

/** Per course, the changes of the cohorts it syncs: courses without a change are left out. */
export function courseChanges(changes: RunChange[], coursesOf: ReadonlyMap<string, SyncingCourse[]>): CourseChanges[] {
  const out = new Map<string, CourseChanges>();
  for (const c of changes) {
    for (const course of coursesOf.get(cohortKey(c.platform, c.cohortIdnumber)) ?? []) {
      const k = courseKey(course);
      let row = out.get(k);
      if (!row) out.set(k, (row = { ...course, arrived: 0, left: 0, held: 0, reasons: {} }));
      if (c.action === 'add') row.arrived++;
      else if (c.action === 'remove') row.left++;
      else row.held++;
      const r = reasonOf(c);
      row.reasons[r] = (row.reasons[r] ?? 0) + 1;
    }
  }
  return [...out.values()].sort((a, b) => a.platform.localeCompare(b.platform) || a.shortname.localeCompare(b.shortname));
}

/**
 * One notice per teacher (e-mail, lower case) for all her changed courses. `wants` says whether the
 * person is to be told (NOTIFY_TEACHERS and her own choice).
 */
export function teacherNotices(runId: string, startedAt: string, courses: CourseChanges[], teachersOf: ReadonlyMap<string, string[]>, wants: (email: string) => boolean): Array<{ recipient: string; body: TeacherNoticeBody }> {
  const per = new Map<string, CourseChanges[]>();
  for (const course of courses) {
    for (const raw of teachersOf.get(courseKey(course)) ?? []) {
      const email = raw.trim().toLowerCase();
      if (!email || !wants(email)) continue;
      const list = per.get(email) ?? [];
      if (!list.some((c) => courseKey(c) === courseKey(course))) list.push(course);
      per.set(email, list);
    }
  }
  return [...per.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([recipient, list]) => ({ recipient, body: { kind: 'teacher', runId, startedAt, courses: list } }));
}
