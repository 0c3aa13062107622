/**
 * local_cohortbot_get_available_cohorts_many (plugin 1.4) against the simulator: for each course asked,
 * exactly what get_available_cohorts answers for it — its cohorts, or its refusal as that course's
 * error code — while what concerns the whole call (nobody to act for, a person who may not act, the
 * kill switch, enrol_cohort disabled, too many courses) fails it. Then the client: one call where the
 * site has the function, one per course on a 1.3.0 plugin, the same answers both ways.
 */
import { z } from 'zod';
import { AVAILABLE_MANY, CohortSyncs, CourseCohorts, PluginCohortSyncs, cohortSyncsFor, refusalCode } from '../../src/moodle/cohort-syncs';
import type { MoodleApi } from '../../src/moodle/api';
import { CALL_BASE_MS, callCostMs } from '../../src/simulator/cost';
import type { Site } from '../../src/simulator/model';
import { demoSeedWith } from '../helpers/engine';
import { RunningSimulator, errorCode, startSimulator, uid } from '../helpers/simulator';

const SINGLE = 'local_cohortbot_get_available_cohorts';
const anything = z.any();

type Reply = { courseid: number; cohorts: unknown[]; truncated: boolean; error?: string };

describe('local_cohortbot_get_available_cohorts_many on the simulator', () => {
  let s: RunningSimulator;
  let site: Site;
  let api: MoodleApi;
  beforeAll(async () => {
    s = await startSimulator(demoSeedWith('local_cohortbot'));
    site = s.sim.site('ecampus');
    api = s.api('ecampus');
  });
  afterAll(() => s.stop());

  const many = (courseids: number[], query: string, limit: number, onbehalfof: number): Promise<Reply[]> =>
    api.client.call(AVAILABLE_MANY, { courseids, query, limit, onbehalfof }, anything).then((r: { courses: Reply[] }) => r.courses);
  /** The single call's answer for one course, shaped as one course of the many call's reply. */
  const single = (courseid: number, query: string, limit: number, onbehalfof: number): Promise<Reply> =>
    api.client.call(SINGLE, { courseid, query, limit, onbehalfof }, anything).then(
      (r: { cohorts: unknown[]; truncated: boolean }) => ({ courseid, ...r }),
      async (err: unknown) => ({ courseid, cohorts: [], truncated: false, error: await errorCode(Promise.reject(err)) }),
    );

  it('answers every course as the single call does, refusals included, in the order asked and each once', async () => {
    const courses = site.courses.all().map((c) => c.id);
    const missing = Math.max(...courses) + 1000;
    // Every course of the site (the front page among them), one that does not exist, and courses asked twice.
    const asked = [...courses, missing, courses[2]!, courses[0]!];
    const people = ['mdurand', 'pmartin', 'sbernard', 'e21900001'].map((u) => uid(site, u));
    for (const person of people) {
      for (const [query, limit] of [['', 1000], ['pharma', 1000], ['', 1], ['L2', 2]] as const) {
        const r = await many(asked, query, limit, person);
        expect(r.map((c) => c.courseid)).toEqual([...courses, missing]);
        const expected = await Promise.all(r.map((c) => single(c.courseid, query, limit, person)));
        expect({ person, query, limit, r }).toEqual({ person, query, limit, r: expected });
      }
    }
    // What the refusals are, for a teacher of the PHA courses: the other courses are not hers, the front page is no course.
    const r = await many([site.courses.first('shortname', 'PHA-L2-101')!.id, site.courses.first('shortname', 'DRT-L1-101')!.id, 1, missing], '', 1000, uid(site, 'mdurand'));
    expect(r.map((c) => c.error)).toEqual([undefined, 'onbehalfnopermission', 'invalidparameter', 'invalidrecord']);
    expect(r[0]!.cohorts.length).toBeGreaterThan(0);
    expect(r.slice(1).every((c) => c.cohorts.length === 0 && !c.truncated)).toBe(true);
  });

  it('refuses the whole call for nobody, for someone who may not act, past 100 courses, without the kill switch or with enrol_cohort off', async () => {
    const course = site.courses.first('shortname', 'PHA-L2-101')!.id;
    const marie = uid(site, 'mdurand');
    expect(await errorCode(many([course], '', 10, 0))).toBe('onbehalfrequired');
    expect(await errorCode(many(Array.from({ length: 101 }, (_, i) => i + 2), '', 10, marie))).toBe('invalidparameter');
    site.users.update(marie, { suspended: true });
    try {
      expect(await errorCode(many([course], '', 10, marie))).toBe('onbehalfnopermission');
    } finally {
      site.users.update(marie, { suspended: false });
    }
    site.settings.cohortPluginEnabled = false;
    try {
      expect(await errorCode(many([course], '', 10, marie))).toBe('plugindisabled');
    } finally {
      site.settings.cohortPluginEnabled = true;
    }
    const role = site.roles.first('shortname', 'cohortbotws')!;
    site.roles.update(role.id, { capabilities: role.capabilities.filter((c) => c !== 'local/cohortbot:use') });
    try {
      expect(await errorCode(many([course], '', 10, marie))).toBe('nopermissions');
    } finally {
      site.roles.update(role.id, { capabilities: [...role.capabilities, 'local/cohortbot:use'] });
    }
    expect((await many([course], '', 10, marie))[0]!.error).toBeUndefined();
  });

  it('costs, under --cost moodle, a boot and a little per course asked', () => {
    const ids = (n: number) => ({ courseids: Array.from({ length: n }, (_, i) => i + 2) });
    const one = callCostMs('moodle', AVAILABLE_MANY, ids(1), {});
    const thirty = callCostMs('moodle', AVAILABLE_MANY, ids(30), {});
    expect(one).toBeGreaterThan(CALL_BASE_MS);
    expect(thirty).toBeGreaterThan(one);
    // Thirty courses in one call cost less than thirty single calls, each a boot.
    expect(thirty).toBeLessThan(30 * callCostMs('moodle', SINGLE, {}, {}));
    expect(callCostMs('none', AVAILABLE_MANY, ids(30), {})).toBe(0);
  });
});

describe('the client: one call on a 1.4 plugin, one per course on 1.3.0, the same answers', () => {
  let s: RunningSimulator;
  let site: Site;
  beforeAll(async () => {
    s = await startSimulator(demoSeedWith('local_cohortbot'));
    site = s.sim.site('ecampus');
  });
  afterAll(() => s.stop());

  /** The site's token as a 1.3.0 plugin's service has it: without the many function. */
  const asPlugin130 = () => {
    const token = site.tokens.all()[0]!;
    site.tokens.update(token.id, { functions: token.functions.filter((f) => f !== AVAILABLE_MANY) });
    return () => site.tokens.update(token.id, { functions: token.functions });
  };
  const calls = async <T>(work: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> => {
    s.sim.resetCounters();
    const result = await work();
    return { result, calls: s.sim.counters().ecampus! };
  };
  /** Answers as comparable data: a refusal by its code. */
  const plain = (r: CourseCohorts[]) => r.map((c) => ({ courseId: c.courseId, cohorts: c.cohorts, truncated: c.truncated, refused: c.refused ? refusalCode(c.refused) : undefined }));

  it('asks every course in one call where the site has the function, course by course otherwise, and says the same', async () => {
    const marie = uid(site, 'mdurand');
    const courses = ['PHA-L2-101', 'PHA-L3-201', 'DRT-L1-101', 'ESP-L2PHA1-2026', 'SCI-L1-101'].map((c) => site.courses.first('shortname', c)!.id);
    const syncs: CohortSyncs = await cohortSyncsFor(s.api('ecampus'));
    const now = await calls(() => syncs.availableCohortsMany([...courses, courses[0]!], '', 1000, marie));
    expect(now.calls).toEqual({ [AVAILABLE_MANY]: 1 });
    expect(now.result.map((c) => c.courseId)).toEqual(courses);
    expect(plain(now.result).map((c) => c.refused)).toEqual([undefined, undefined, 'onbehalfnopermission', undefined, 'onbehalfnopermission']);
    // The refusal is the error the single call throws: the chat's own refusal handling reads it alike.
    expect(now.result[2]!.refused).toMatchObject({ kind: 'exception', errorcode: 'onbehalfnopermission', platform: 'ecampus' });

    const restore = asPlugin130();
    try {
      const old = await cohortSyncsFor(s.api('ecampus'));
      expect(old).toBeInstanceOf(PluginCohortSyncs);
      const before = await calls(() => old.availableCohortsMany([...courses, courses[0]!], '', 1000, marie));
      expect(before.calls).toEqual({ [SINGLE]: courses.length });
      expect(plain(before.result)).toEqual(plain(now.result));
    } finally {
      restore();
    }
  });

  it('never asks for nobody, and asks nothing for no course', async () => {
    const syncs = await cohortSyncsFor(s.api('ecampus'));
    await expect(syncs.availableCohortsMany([2], '', 10, 0)).rejects.toThrow(/no acting Moodle user/);
    const none = await calls(() => syncs.availableCohortsMany([], '', 10, uid(site, 'mdurand')));
    expect(none).toEqual({ result: [], calls: {} });
  });

  it('throws what concerns the whole call rather than answering each course with it', async () => {
    const marie = uid(site, 'mdurand');
    const syncs = await cohortSyncsFor(s.api('ecampus'));
    site.users.update(marie, { suspended: true });
    try {
      expect(await errorCode(syncs.availableCohortsMany([site.courses.first('shortname', 'PHA-L2-101')!.id], '', 10, marie))).toBe('onbehalfnopermission');
    } finally {
      site.users.update(marie, { suspended: false });
    }
  });
});
