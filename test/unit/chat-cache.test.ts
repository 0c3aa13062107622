/**
 * What the chat keeps about a person, and when it lets go (#33): an account is taken without asking
 * Moodle only when the caller allows it and Moodle confirmed it moments ago; otherwise Moodle is asked
 * every time. "Unreachable" and failed look-ups are never kept; `forget` (a refusal, `qui suis-je`)
 * drops the person's accounts and courses on every platform; every entry expires. The clock is moved
 * by hand: no time passes. Within one command, what it read of a course is asked once (oneListPerCommand).
 */
import { ACCOUNT_TRUST_MS, ChatCache, PERSON_TTL_MS, oneListPerCommand } from '../../src/bot/cache';
import { CohortSyncRefused, CohortSyncs, CourseCohorts } from '../../src/moodle/cohort-syncs';
import type { AccountResolution } from '../../src/bot/identity';
import type { Course, MoodleUser } from '../../src/moodle/api';

const user = (id: number): MoodleUser => ({ id, username: `u${id}`, email: `u${id}@univ.fr`, suspended: false, auth: 'cas' }) as MoodleUser;
const course = (id: number): Course => ({ id, shortname: `C${id}`, fullname: `Course ${id}`, categoryid: 1 }) as Course;

function setup() {
  let clock = 1_000_000;
  const cache = new ChatCache(() => clock);
  const asked: string[] = [];
  /** Moodle's answer for each lookup, changed by the tests (a suspension, an outage). */
  const moodle = new Map<string, AccountResolution>();
  const account = (person: string, platform = 'ecampus', trustMs = 0) => {
    const lookup = `email:${person}`;
    return cache.account(platform, person, lookup, async () => {
      asked.push(`${platform}:${person}`);
      return moodle.get(`${platform}:${person}`) ?? { ok: false, problem: 'none' };
    }, trustMs);
  };
  const courses = (platform: string, userId: number) => {
    return cache.usersCourses(platform, userId, async () => {
      asked.push(`courses:${platform}:${userId}`);
      return [course(userId * 10)];
    });
  };
  return { cache, asked, moodle, account, courses, tick: (ms: number) => (clock += ms) };
}

describe('ChatCache: the person', () => {
  it('asks Moodle for the account every time the caller does not allow trust, answering at once from what it last saw', async () => {
    const h = setup();
    h.moodle.set('ecampus:marie', { ok: true, user: user(7) });
    const first = h.account('marie');
    expect(await first.known).toEqual({ ok: true, user: user(7) });
    const second = h.account('marie');
    // What it last saw, at once; and Moodle asked again, in parallel.
    await expect(second.known).resolves.toEqual({ ok: true, user: user(7) });
    await second.fresh;
    expect(h.asked).toEqual(['ecampus:marie', 'ecampus:marie']);
  });

  it('takes an account without asking only when trust is allowed and Moodle confirmed it less than ACCOUNT_TRUST_MS ago', async () => {
    const h = setup();
    h.moodle.set('ecampus:marie', { ok: true, user: user(7) });
    await h.account('marie').fresh;
    h.tick(ACCOUNT_TRUST_MS - 1);
    const trusted = h.account('marie', 'ecampus', ACCOUNT_TRUST_MS);
    expect(trusted.fresh).toBe(trusted.known);
    expect(h.asked).toHaveLength(1);
    // A moment later the confirmation is too old: Moodle is asked, and says she is suspended now.
    h.tick(2);
    h.moodle.set('ecampus:marie', { ok: false, problem: 'suspended' });
    const later = h.account('marie', 'ecampus', ACCOUNT_TRUST_MS);
    expect(await later.fresh).toEqual({ ok: false, problem: 'suspended' });
    expect(h.asked).toHaveLength(2);
    // What is kept now is the suspension: trusted or not, nobody acts on the old account.
    expect(await h.account('marie', 'ecampus', ACCOUNT_TRUST_MS).known).toEqual({ ok: false, problem: 'suspended' });
  });

  it('never keeps "unreachable" nor a failed look-up: the next message asks again', async () => {
    const h = setup();
    h.moodle.set('ecampus:paul', { ok: false, problem: 'unreachable' });
    await h.account('paul').fresh;
    h.moodle.set('ecampus:paul', { ok: true, user: user(9) });
    const next = h.account('paul', 'ecampus', ACCOUNT_TRUST_MS);
    expect(await next.known).toEqual({ ok: true, user: user(9) });
    expect(h.asked).toEqual(['ecampus:paul', 'ecampus:paul']);
    let fail = true;
    const flaky = () => h.cache.usersCourses('collegium', 3, async () => {
      h.asked.push('courses:collegium:3');
      if (fail) throw new Error('network');
      return [course(30)];
    });
    await expect(flaky()).rejects.toThrow('network');
    fail = false;
    await expect(flaky()).resolves.toEqual([course(30)]);
  });

  it('forget drops the person\'s accounts and courses on every platform, and nobody else\'s', async () => {
    const h = setup();
    h.moodle.set('ecampus:marie', { ok: true, user: user(7) });
    h.moodle.set('collegium:marie', { ok: true, user: user(8) });
    h.moodle.set('ecampus:paul', { ok: true, user: user(9) });
    await Promise.all([h.account('marie').fresh, h.account('marie', 'collegium').fresh, h.account('paul').fresh]);
    await Promise.all([h.courses('ecampus', 7), h.courses('collegium', 8), h.courses('ecampus', 9)]);
    h.asked.length = 0;
    h.cache.forget('marie');
    // Marie: trust no longer applies (nothing kept), her courses are asked again; Paul's are still kept.
    await h.account('marie', 'ecampus', ACCOUNT_TRUST_MS).fresh;
    await h.account('paul', 'ecampus', ACCOUNT_TRUST_MS).fresh;
    await Promise.all([h.courses('ecampus', 7), h.courses('collegium', 8), h.courses('ecampus', 9)]);
    expect(h.asked.sort()).toEqual(['courses:collegium:8', 'courses:ecampus:7', 'ecampus:marie'].sort());
  });

  it('a person\'s courses expire after PERSON_TTL_MS', async () => {
    const h = setup();
    await h.courses('ecampus', 7);
    h.tick(PERSON_TTL_MS - 1);
    await h.courses('ecampus', 7);
    expect(h.asked).toEqual(['courses:ecampus:7']);
    h.tick(1);
    await h.courses('ecampus', 7);
    expect(h.asked).toEqual(['courses:ecampus:7', 'courses:ecampus:7']);
  });

  it('the person\'s commands arriving together share one look-up', async () => {
    const h = setup();
    h.moodle.set('ecampus:luc', { ok: true, user: user(4) });
    const all = [h.account('luc'), h.account('luc'), h.account('luc')];
    await Promise.all(all.map((a) => a.fresh));
    expect(h.asked).toEqual(['ecampus:luc']);
  });
});

describe('oneListPerCommand: what a command read of its courses is asked once', () => {
  /** Cohort syncs that count what they are asked, course 3 refused to the person. */
  function counted() {
    const asked: string[] = [];
    const cohorts = (courseId: number) => ({ cohorts: [{ id: courseId * 100, idnumber: `c${courseId}`, name: `C${courseId}`, visible: true, contextLevel: 'system', memberCount: 1 }], truncated: false });
    const refusal = new CohortSyncRefused('onbehalfnopermission', 'not hers');
    const syncs = {
      kind: 'local_cohortbot',
      manyAtOnce: true,
      checkRights: async () => undefined,
      list: async () => [],
      async availableCohorts(courseId: number) {
        asked.push(`one:${courseId}`);
        if (courseId === 3) throw refusal;
        return cohorts(courseId);
      },
      async availableCohortsMany(courseIds: number[]): Promise<CourseCohorts[]> {
        asked.push(`many:${courseIds.join(',')}`);
        return courseIds.map((courseId) => (courseId === 3 ? { courseId, cohorts: [], truncated: false, refused: refusal } : { courseId, ...cohorts(courseId) }));
      },
      assignableRoles: async () => ({ roles: [], defaultRoleId: 5 }),
      add: async () => ({ id: 1, groupId: 0, created: true }),
      update: async () => ({ id: 1, groupId: 0 }),
      remove: async () => undefined,
      userEnrolments: async () => ({ enrolments: [], cohorts: [], canAccess: false }),
    } as unknown as CohortSyncs;
    return { syncs: oneListPerCommand(syncs), asked };
  }

  it('asks the same courses once, answers a course among them without asking it again, and asks afresh after a change', async () => {
    const { syncs, asked } = counted();
    const first = await syncs.availableCohortsMany([1, 2, 3], '', 1000, 7);
    expect(first.map((c) => [c.courseId, !!c.refused])).toEqual([[1, false], [2, false], [3, true]]);
    await syncs.availableCohortsMany([1, 2, 3], '', 1000, 7);
    // Course 2's list, asked alone with the same question, is the one already read; a refused course is asked again (its refusal then thrown).
    expect((await syncs.availableCohorts(2, '', 1000, 7)).cohorts.map((c) => c.idnumber)).toEqual(['c2']);
    await expect(syncs.availableCohorts(3, '', 1000, 7)).rejects.toThrow('not hers');
    // Another question (a limit, a person) is asked.
    await syncs.availableCohorts(2, '', 1, 7);
    expect(asked).toEqual(['many:1,2,3', 'one:3', 'one:2']);
    // A change the command makes drops everything read.
    await syncs.add({ courseId: 2, cohort: { id: 200 }, onBehalfOf: 7 });
    await syncs.availableCohorts(2, '', 1000, 7);
    await syncs.availableCohortsMany([1, 2, 3], '', 1000, 7);
    expect(asked.slice(3)).toEqual(['one:2', 'many:1,2,3']);
  });
});
