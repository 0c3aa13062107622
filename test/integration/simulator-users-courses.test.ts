/**
 * core_enrol_get_users_courses in the simulator, as enrol/externallib.php of Moodle 4.5.6 and 5.1.3
 * (the same code in both): enrol_get_users_courses($userid, true) — only the courses an ACTIVE enrolment
 * lets the user into (enabled instance, active user enrolment, ue.timestart < now, ue.timeend 0 or > now),
 * a hidden course only for someone who may see hidden courses there — and, per course, what the caller
 * may see. A user's `enrolledcourses` (core_enrol_get_enrolled_users) is the same list. Time is the
 * site's clock, fixed here: nothing depends on the wall clock.
 */
import { z } from 'zod';
import { MoodleApi } from '../../src/moodle/api';
import type { Site } from '../../src/simulator/model';
import { RunningSimulator, startSimulator } from '../helpers/simulator';

const NOW = 1_800_000_000;
const enrolledUsers = z.array(z.object({ username: z.string(), enrolledcourses: z.array(z.object({ shortname: z.string() })).optional() }).passthrough());
const DAY = 86_400;

/** One student with an enrolment of every kind, a teacher of a hidden course, the service account. */
function seed() {
  const course = (shortname: string, visible = true) => ({ shortname, fullname: `Course ${shortname}`, category: 'SCI', visible });
  return {
    platforms: [
      {
        name: 'p',
        categories: [{ name: 'Sciences', idnumber: 'SCI' }],
        courses: [course('ACTIVE'), course('SUSPENDED'), course('ENDED'), course('NOTYET'), course('FUTUREEND'), course('DISABLED'), course('MIXED'), course('HIDDEN', false), course('NONE')],
        users: [
          { username: 'svc', firstname: 'Service', lastname: 'Account', email: 'svc@x.fr' },
          { username: 'stu', firstname: 'Ann', lastname: 'Student', email: 'stu@x.fr' },
          { username: 'prof', firstname: 'Pat', lastname: 'Prof', email: 'prof@x.fr' },
          { username: 'other', firstname: 'Oto', lastname: 'Other', email: 'other@x.fr' },
        ],
        admins: ['svc'],
        enrolments: [
          { user: 'stu', course: 'ACTIVE' },
          { user: 'stu', course: 'SUSPENDED', suspended: true },
          { user: 'stu', course: 'ENDED', timestart: NOW - 30 * DAY, timeend: NOW - DAY },
          { user: 'stu', course: 'NOTYET', timestart: NOW + DAY },
          { user: 'stu', course: 'FUTUREEND', timestart: NOW - DAY, timeend: NOW + DAY },
          { user: 'stu', course: 'MIXED', suspended: true },
          { user: 'stu', course: 'HIDDEN' },
          { user: 'prof', course: 'HIDDEN', role: 'editingteacher' },
          { user: 'prof', course: 'ACTIVE', role: 'editingteacher' },
        ],
        cohorts: [{ idnumber: 'C1', name: 'C1', members: ['stu'] }],
        cohortSyncs: [
          // Disabled once its member is enrolled (beforeAll): the enrolment stays, in an instance that gives no access.
          { course: 'DISABLED', cohort: 'C1', role: 'student' },
          // MIXED: a suspended manual enrolment and an active cohort one — one active enrolment is enough.
          { course: 'MIXED', cohort: 'C1', role: 'student' },
        ],
        tokens: [
          { token: 'svc-token-000000', user: 'svc' },
          { token: 'other-token-00000', user: 'other', functions: 'all' as const },
        ],
      },
    ],
  };
}

describe('core_enrol_get_users_courses lists active enrolments only (enrol_get_users_courses($userid, true))', () => {
  let s: RunningSimulator;
  let api: MoodleApi;
  let site: Site;
  const uid = (username: string) => site.users.first('username', username)!.id;
  const listed = async (username: string, as: MoodleApi = api) => (await as.getUsersCourses(uid(username))).map((c) => c.shortname).sort();

  beforeAll(async () => {
    s = await startSimulator(seed());
    site = s.sim.site('p');
    site.now = () => NOW;
    api = s.api('p');
    const disabled = site.enrol.find('course', site.courses.first('shortname', 'DISABLED')!.id).find((i) => i.enrol === 'cohort')!;
    site.enrol.update(disabled.id, { status: 1 });
  });
  afterAll(() => s?.stop());

  it('leaves out a suspended, ended or not yet started enrolment and a disabled method; one active enrolment is enough', async () => {
    // DISABLED: the member's enrolment exists, active, in a disabled instance.
    expect(site.enrolmentsOf(site.courses.first('shortname', 'DISABLED')!.id, uid('stu')).map(({ inst, ue }) => [inst.status, ue.status])).toEqual([[1, 0]]);
    expect(await listed('stu')).toEqual(['ACTIVE', 'FUTUREEND', 'MIXED']);
  });

  it('ue.timestart < now and ue.timeend > now, as the SQL says', async () => {
    const ue = (course: string) => site.enrolmentsOf(site.courses.first('shortname', course)!.id, uid('stu'))[0]!.ue;
    const notYet = ue('NOTYET');
    const ended = ue('ENDED');
    try {
      site.userEnrolments.update(notYet.id, { timestart: NOW });
      site.userEnrolments.update(ended.id, { timeend: NOW });
      expect(await listed('stu')).toEqual(['ACTIVE', 'FUTUREEND', 'MIXED']);
      site.userEnrolments.update(notYet.id, { timestart: NOW - 1 });
      site.userEnrolments.update(ended.id, { timeend: NOW + 1 });
      expect(await listed('stu')).toEqual(['ACTIVE', 'ENDED', 'FUTUREEND', 'MIXED', 'NOTYET']);
    } finally {
      site.userEnrolments.update(notYet.id, { timestart: NOW + DAY });
      site.userEnrolments.update(ended.id, { timeend: NOW - DAY });
    }
  });

  it('a hidden course only for a user who may see hidden courses there (a teacher of it), not for its students', async () => {
    expect(await listed('stu')).not.toContain('HIDDEN');
    expect(await listed('prof')).toEqual(['ACTIVE', 'HIDDEN']);
  });

  it('a caller who may neither enter a course nor see its participants is not told the user is in it', async () => {
    const other = s.api('p', { token: 'other-token-00000' });
    expect(await listed('stu', other)).toEqual([]);
    // Their own list is theirs (the same user): none here.
    expect(await listed('other', other)).toEqual([]);
  });

  it("a user's enrolledcourses (core_enrol_get_enrolled_users) is the same active list, and absent when empty", async () => {
    const course = site.courses.first('shortname', 'ACTIVE')!.id;
    const users = await api.client.call('core_enrol_get_enrolled_users', { courseid: course }, enrolledUsers);
    const stu = users.find((u) => u.username === 'stu')!;
    expect(stu.enrolledcourses!.map((c) => c.shortname).sort()).toEqual(['ACTIVE', 'FUTUREEND', 'MIXED']);
    // Suspended everywhere: Moodle's `if ($mycourses = …)` leaves the key out.
    const all = site.userEnrolments.find('user', uid('stu'));
    const before = all.map((ue) => ue.status);
    try {
      for (const ue of all) site.userEnrolments.update(ue.id, { status: 1 });
      const again = await api.client.call('core_enrol_get_enrolled_users', { courseid: course }, enrolledUsers);
      expect(again.find((u) => u.username === 'stu')).not.toHaveProperty('enrolledcourses');
    } finally {
      all.forEach((ue, i) => site.userEnrolments.update(ue.id, { status: before[i]! }));
    }
  });
});
