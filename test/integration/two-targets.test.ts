/**
 * One integration suite, two targets: the same test code against the simulator and against a real
 * Moodle — 4.5.6 (LTS) and 5.1.3, each with our plugin upgraded from its previous release. Where they
 * disagree, the simulator is wrong. The simulator runs a second time adding fields the client does not
 * know to every reply, as later Moodles do. `npm run test:fast` skips the real-Moodle targets (they
 * take one to two minutes each to install).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { diagnose } from '../../src/diagnosis/why';
import { MoodleApi } from '../../src/moodle/api';
import { MoodleClient } from '../../src/moodle/client';
import { CourseCohorts, PluginCohortSyncs, cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import { ManualCohorts } from '../../src/moodle/manual-cohorts';
import { MoodleError } from '../../src/moodle/errors';
import { z } from 'zod';
import { createPlatformApis } from '../../src/moodle/platforms';
import { SqliteStore } from '../../src/store/sqlite';
import { SyncEngine } from '../../src/sync/engine';
import { Site } from '../../src/simulator/model';
import { CORE_SERVICE_FUNCTIONS, PLUGIN_FUNCTIONS } from '../../src/simulator/seed';
import { MemoryDirectory } from '../helpers/directory';
import { MOODLE_VERSIONS, RealMoodle, SERVICE_ROLE, startRealMoodle } from '../helpers/moodle';
import { seededRandom, startSimulator } from '../helpers/simulator';

/** What a target offers the suite: the real Moodle helper's interface, less its timings. */
type Target = Omit<RealMoodle, 'timings' | 'root' | 'pgPort' | 'php' | 'snapshot' | 'version' | 'pluginVersion' | 'webroot'>;

/** The simulator seeded like the real Moodle's fixture (test/helpers/moodle/setup.php). */
async function simulatorTarget(knobs: { unknownFields?: boolean } = {}): Promise<Target> {
  const role = JSON.parse(fs.readFileSync(SERVICE_ROLE, 'utf8')) as { shortname: string; name: string; capabilities: string[]; canassign: string[] };
  const users = [
    { username: 'admin', firstname: 'Admin', lastname: 'User', email: 'admin@example.org' },
    { username: 'cohortbot', firstname: 'cohortbot', lastname: 'Service', email: 'cohortbot@univ-demo.fr' },
    { username: 'mdurand', firstname: 'Marie', lastname: 'Durand', email: 'mdurand@univ-demo.fr', idnumber: 'MDURAND' },
    { username: 'pmartin', firstname: 'Paul', lastname: 'Martin', email: 'pmartin@univ-demo.fr', idnumber: 'PMARTIN' },
    ...Array.from({ length: 300 }, (_, i) => ({ username: `e2190${String(i + 1).padStart(4, '0')}`, firstname: `Student${i + 1}`, lastname: `Name${String(i + 1).padStart(2, '0')}`, email: `e2190${String(i + 1).padStart(4, '0')}@univ-demo.fr`, idnumber: `E2190${String(i + 1).padStart(4, '0')}` })),
  ];
  const s = await startSimulator({
    platforms: [
      {
        name: 't',
        settings: { maxInputVars: 5000 },
        categories: [{ name: 'UFR Santé', idnumber: 'SANTE' }, { name: 'Pharmacie', idnumber: 'PHA', parent: 'SANTE' }, { name: 'UFR Droit', idnumber: 'DROIT' }],
        courses: [{ shortname: 'PHA-L2-101', fullname: 'Pharmacologie générale', category: 'PHA', idnumber: 'PHA-L2-101' }, { shortname: 'DRT-L1-101', fullname: 'Introduction au droit', category: 'DROIT' }],
        users,
        admins: ['admin'],
        roles: [{ shortname: role.shortname, name: role.name, capabilities: role.capabilities, canassign: role.canassign }],
        roleAssignments: [{ user: 'cohortbot', role: role.shortname }],
        enrolments: [{ user: 'mdurand', course: 'PHA-L2-101', role: 'editingteacher' }, { user: 'pmartin', course: 'DRT-L1-101', role: 'editingteacher' }],
        tokens: [
          // The predefined service plus the core functions the real fixture adds for these tests (setup.php).
          { token: 'simulated-token-000000', user: 'cohortbot', functions: [...CORE_SERVICE_FUNCTIONS, ...PLUGIN_FUNCTIONS.local_cohortbot, 'core_enrol_get_course_enrolment_methods', 'enrol_manual_unenrol_users'] },
          { token: 'simulated-admin-token-0', user: 'admin', functions: 'all' },
        ],
      },
    ],
  }, { knobs });
  const site = s.sim.site('t');
  const snapshot = JSON.stringify(site.dump());
  return {
    url: s.platforms[0]!.url,
    async maxInputVars(n: number) {
      s.sim.site('t').settings.maxInputVars = n;
    },
    token: 'simulated-token-000000',
    adminToken: 'simulated-admin-token-0',
    serviceUserId: site.users.first('username', 'cohortbot')!.id,
    courseid: site.courses.first('shortname', 'PHA-L2-101')!.id,
    teacherid: site.users.first('username', 'mdurand')!.id,
    colleagueid: site.users.first('username', 'pmartin')!.id,
    async restore() {
      s.sim.replaceSite(Site.restore(JSON.parse(snapshot) as ReturnType<Site['dump']>));
    },
    async grantServiceRole(capabilities: string[]) {
      const site = s.sim.site('t');
      const r = site.roles.first('shortname', role.shortname)!;
      site.roles.update(r.id, { capabilities: [...new Set([...r.capabilities, ...capabilities])] });
    },
    stop: () => s.stop(),
  };
}

const targets: Array<[string, () => Promise<Target>]> = [['simulator', simulatorTarget], ['the simulator adding unknown fields to every reply', () => simulatorTarget({ unknownFields: true })]];
if (process.env.COHORTBOT_SKIP_REAL_MOODLE) process.stderr.write('test:fast — the real-Moodle targets are skipped\n');
else for (const version of MOODLE_VERSIONS) targets.push([`real Moodle ${version}`, () => startRealMoodle({ version })]);

describe.each(targets)('against %s', (name, start) => {
  let t: Target;
  let api: MoodleApi;
  let started = 0;
  // A record that does not exist: 4.5 says which table (invalidrecord, invaliduser for a user); 5.x names
  // none unless debugging is on (dml_missing_record_exception: invalidrecordunknown for every table).
  const missing = (code45: string) => (/^real Moodle [5-9]\./.test(name) ? 'invalidrecordunknown' : code45);
  const missingRecord = missing('invalidrecord');
  beforeAll(async () => {
    started = Date.now();
    t = await start();
    api = new MoodleApi(new MoodleClient({ platform: 't', url: t.url, token: t.token, maxInputVars: 5000 }));
    if (name.startsWith('real')) process.stderr.write(`real Moodle ready in ${Date.now() - started} ms: ${JSON.stringify((t as unknown as { timings: unknown }).timings)}\n`);
  }, 1_200_000);
  afterAll(async () => {
    await t?.stop();
    if (name.startsWith('real')) process.stderr.write(`${name}: ${Math.round((Date.now() - started) / 1000)} s in all (set-up, scenarios, stop)\n`);
  });
  // Each scenario starts from the fixture: a database dump and dataroot copy restored (real Moodle).
  beforeEach(async () => {
    await t.restore();
  }, 60_000);

  it('batches under max_input_vars: a server at 1000 truncates an oversized POST, batched calls pass', async () => {
    const users = Array.from({ length: 30 }, (_, i) => `e2190${String(i + 1).padStart(4, '0')}`);
    const [c] = await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Big', idnumber: 'tt-big' }]);
    await t.maxInputVars(1000);
    try {
    // 30 members × 4 variables, repeated to 270 items: over 1000 variables in one POST.
    const members = Array.from({ length: 9 }, () => users).flat().map((username) => ({ cohortId: c!.id, username }));
    const careless = new MoodleApi(new MoodleClient({ platform: 't', url: t.url, token: t.token, maxInputVars: 5000 }));
    expect(await code(careless.addCohortMembers(members))).toBe('invalidparameter');
    expect((await api.getCohortMembers([c!.id])).get(c!.id)).toHaveLength(0);
    const careful = new MoodleApi(new MoodleClient({ platform: 't', url: t.url, token: t.token, maxInputVars: 1000 }));
    const warnings = await careful.addCohortMembers(members);
    expect(careful.client.stats.byFunction.core_cohort_add_cohort_members).toBe(2);
    expect(warnings.filter((w) => w.warningcode === '3')).toHaveLength(240);
    expect((await careful.getCohortMembers([c!.id])).get(c!.id)).toHaveLength(30);
    } finally {
      await t.maxInputVars(5000);
    }
  }, 60_000);

  const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof MoodleError ? (e.errorcode ?? e.kind) : (e as Error).message));
  const student = async (n: number) => (await api.getUsersByField('username', [`e2190${String(n).padStart(4, '0')}`]))[0]!.id;
  const active = async () => new Set((await api.getEnrolledUsers(t.courseid, [{ name: 'onlyactive', value: 1 }])).map((u) => u.id));

  it('runs with the least-privilege service account of the plugin README, not a site admin', async () => {
    const info = await api.siteInfo();
    expect(info).toMatchObject({ username: 'cohortbot', userid: t.serviceUserId });
    expect((info as { userissiteadmin?: boolean }).userissiteadmin).toBe(false);
    const names = info.functions.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['local_cohortbot_add_cohort_sync', 'local_cohortbot_get_enrolment_diagnosis', 'core_cohort_add_cohort_members', 'core_enrol_get_enrolled_users_with_capability']));
  });

  it('the plugin refuses a call made for nobody (onbehalfof 0 or missing), a student, and says nothing of instance ids', async () => {
    const call = (fn: string, params: Record<string, unknown>) => code(api.client.call(fn, params as never, z.unknown()));
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: t.courseid, onbehalfof: 0 })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: t.courseid })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_add_cohort_sync', { courseid: t.courseid, cohortidnumber: 'x' })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_get_assignable_roles', { courseid: t.courseid, onbehalfof: 0 })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_get_available_cohorts_many', { courseids: [t.courseid], onbehalfof: 0 })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: t.courseid, onbehalfof: await student(1) })).toBe('onbehalfnopermission');
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: t.courseid, onbehalfof: t.colleagueid })).toBe('onbehalfnopermission');
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: t.courseid, onbehalfof: t.teacherid })).toBe('ok');
    // The course's manual instance and an id that does not exist: the same answer to a colleague.
    // The teacher's own enrolment is a manual instance of the course (the diagnosis names it).
    const manual = (await (await cohortSyncsFor(api)).userEnrolments(t.courseid, t.teacherid)).enrolments.find((e) => e.method === 'manual')!;
    for (const id of [manual.instanceId, 987654]) {
      expect(await call('local_cohortbot_delete_cohort_sync', { instanceid: id, onbehalfof: t.colleagueid })).toBe('onbehalfnopermission');
      expect(await call('local_cohortbot_update_cohort_sync', { instanceid: id, status: 1, onbehalfof: t.colleagueid })).toBe('onbehalfnopermission');
    }
    expect(await call('local_cohortbot_delete_cohort_sync', { instanceid: manual.instanceId, onbehalfof: t.teacherid })).toBe('notcohortinstance');
  });

  it('who holds a capability in a course: Moodle core answers with moodle/role:review (fallback sites), not without', async () => {
    // The plugin README's role alone (plugin sites) may not review others' permissions.
    expect(await code(api.getEnrolledUsersWithCapability(t.courseid, 'enrol/cohort:config'))).toBe('nopermissions');
    const role = JSON.parse(fs.readFileSync(SERVICE_ROLE, 'utf8')) as { fallbackCapabilities: string[] };
    await t.grantServiceRole(role.fallbackCapabilities);
    const holders = await api.getEnrolledUsersWithCapability(t.courseid, 'enrol/cohort:config');
    expect(holders.has(t.teacherid)).toBe(true);
    expect(holders.has(t.colleagueid)).toBe(false);
    expect(holders.has(await student(1))).toBe(false);
  });

  it('cohorts: create, duplicate, members with every error case, batching, delete', async () => {
    const [c] = await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Two targets', idnumber: 'tt-1' }]);
    expect(await code(api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Dup', idnumber: 'tt-1' }]))).toBe('invalidparameter');
    expect(await code(api.createCohorts([{ categorytype: { type: 'idnumber', value: 'NO-SUCH-CAT' }, name: 'X', idnumber: 'tt-x' }]))).toBe('invalidparameter');
    expect(await code(api.getCohortMembers([999999]))).toBe(missingRecord);
    const warnings = await api.addCohortMembers([{ cohortIdnumber: 'tt-1', username: 'nosuchuser' }, { cohortIdnumber: 'NO-SUCH', username: 'e21900001' }]);
    expect(warnings.map((w) => w.warningcode)).toEqual(['2', '2']);
    // 30 members through a client limited to 10 per call.
    const small = new MoodleApi(new MoodleClient({ platform: 't', url: t.url, token: t.token, maxInputVars: 43 }));
    expect(await small.addCohortMembers(Array.from({ length: 30 }, (_, i) => ({ cohortId: c!.id, username: `e2190${String(i + 1).padStart(4, '0')}` })))).toEqual([]);
    expect(small.client.stats.byFunction.core_cohort_add_cohort_members).toBe(3);
    expect((await api.getCohortMembers([c!.id])).get(c!.id)).toHaveLength(30);
    expect(await code(api.deleteCohortMembers([{ cohortid: c!.id, userid: 999999 }]))).toBe(missing('invaliduser'));
    await api.deleteCohortMembers([{ cohortid: c!.id, userid: await student(1) }]);
    expect((await api.getCohortMembers([c!.id])).get(c!.id)).toHaveLength(29);
    await api.updateCohorts([{ id: c!.id, categorytype: { type: 'system', value: '' }, name: 'Two targets renamed', idnumber: 'tt-1' }]);
    expect((await api.getCohorts([c!.id]))[0]!.name).toBe('Two targets renamed');
    await api.deleteCohorts([c!.id]);
    expect(await code(api.deleteCohorts([c!.id]))).toBe(missingRecord);
  });

  it('cohort syncs as a teacher: immediate enrolment, group -1, refusals, update, delete', async () => {
    const [c] = await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'L2 pharma', idnumber: 'tt-l2' }]);
    const ids = await Promise.all([1, 2, 3].map(student));
    await api.addCohortMembers(ids.map((userId) => ({ cohortId: c!.id, userId })));
    const syncs = await cohortSyncsFor(api);
    expect(await code(syncs.add({ courseId: t.courseid, cohort: { id: c!.id }, onBehalfOf: ids[0] }))).toBe('onbehalfnopermission');
    expect(await code(syncs.add({ courseId: t.courseid, cohort: { id: c!.id }, onBehalfOf: t.colleagueid }))).toBe('onbehalfnopermission');
    // A cohort of another category branch is never available to the course.
    const [law] = await api.createCohorts([{ categorytype: { type: 'idnumber', value: 'DROIT' }, name: 'Law cohort', idnumber: 'tt-law' }]);
    expect(await code(syncs.add({ courseId: t.courseid, cohort: { id: law!.id }, onBehalfOf: t.teacherid }))).toBe('cohortnotavailable');
    const r = await syncs.add({ courseId: t.courseid, cohort: { idnumber: 'tt-l2' }, role: { shortname: 'student' }, groupId: -1, onBehalfOf: t.teacherid });
    expect(r.created).toBe(true);
    const groups = await api.getCourseGroups(t.courseid);
    expect(groups.find((g) => g.id === r.groupId)?.name).toBe('L2 pharma cohort');
    for (const id of ids) expect((await active()).has(id)).toBe(true);
    expect((await syncs.add({ courseId: t.courseid, cohort: { idnumber: 'tt-l2' }, role: { shortname: 'student' }, onBehalfOf: t.teacherid })).created).toBe(false);
    const list = await syncs.list(t.courseid, t.teacherid);
    expect(list.find((i) => i.id === r.id)).toMatchObject({ cohortIdnumber: 'tt-l2', enabled: true, memberCount: 3 });
    const roles = await syncs.assignableRoles(t.courseid, t.teacherid);
    expect(roles.roles.map((x) => x.shortname).sort()).toEqual(['student', 'teacher']);
    expect(await code(syncs.add({ courseId: t.courseid, cohort: { idnumber: 'tt-l2' }, role: { shortname: 'manager' }, onBehalfOf: t.teacherid }))).toBe('rolenotassignable');
    // Immediate in both directions: a member who leaves the cohort loses the course at once.
    await api.deleteCohortMembers([{ cohortid: c!.id, userid: ids[2]! }]);
    expect((await active()).has(ids[2]!)).toBe(false);
    await syncs.update(r.id, { enabled: false }, t.teacherid);
    expect((await active()).has(ids[0]!)).toBe(false);
    const d = await syncs.userEnrolments(t.courseid, ids[0]!);
    expect(d.enrolments.map((e) => [e.method, e.instanceEnabled])).toEqual([['cohort', false]]);
    await syncs.remove(r.id, t.teacherid);
    expect((await api.getEnrolledUsers(t.courseid)).map((u) => u.id)).not.toContain(ids[0]);
  });

  it('the available cohorts of many courses in one call (plugin 1.4): each course answered as the single call answers it, a refusal per course', async () => {
    await api.createCohorts([
      { categorytype: { type: 'idnumber', value: 'PHA' }, name: 'Pharma tutors', idnumber: 'tt-pha' },
      { categorytype: { type: 'idnumber', value: 'DROIT' }, name: 'Law cohort', idnumber: 'tt-law' },
      { categorytype: { type: 'system', value: '' }, name: 'Everyone L2', idnumber: 'tt-all' },
    ]);
    const [law] = await api.getCoursesByField('shortname', 'DRT-L1-101');
    const syncs = await cohortSyncsFor(api);
    expect(syncs.manyAtOnce).toBe(true);
    // The same questions course by course, as a 1.3.0 plugin is asked.
    const one = new PluginCohortSyncs(api);
    const plain = (r: CourseCohorts[]) => r.map((c) => ({ courseId: c.courseId, cohorts: c.cohorts, truncated: c.truncated, refused: c.refused ? (c.refused as MoodleError).errorcode : undefined }));
    // Her course, her colleague's, the front page, one that does not exist, hers again.
    const asked = [t.courseid, law!.id, 1, 987_654, t.courseid];
    for (const [person, query, limit] of [[t.teacherid, '', 100], [t.teacherid, 'l2', 1], [t.colleagueid, '', 100], [await student(1), '', 100]] as const) {
      const many = await syncs.availableCohortsMany(asked, query, limit, person);
      expect(many.map((c) => c.courseId)).toEqual([t.courseid, law!.id, 1, 987_654]);
      expect({ person, query, limit, answers: plain(many) }).toEqual({ person, query, limit, answers: plain(await one.availableCohortsMany(asked, query, limit, person)) });
    }
    const mine = await syncs.availableCohortsMany(asked, '', 100, t.teacherid);
    expect(mine.map((c) => (c.refused as MoodleError | undefined)?.errorcode)).toEqual([undefined, 'onbehalfnopermission', 'invalidparameter', missingRecord]);
    expect(mine[0]!.cohorts.map((c) => c.idnumber)).toEqual(expect.arrayContaining(['tt-pha', 'tt-all']));
    expect(mine[0]!.cohorts.map((c) => c.idnumber)).not.toContain('tt-law');
  });

  // #28: Moodle keeps a teacher's role when her enrolment is suspended or ends, but its own pages then
  // refuse her (require_login: an active participant); the plugin must too, on every cohort-sync call.
  for (const [label, change] of [
    ['suspended', (now: number) => ({ suspend: true, timestart: 0, timeend: 0, now })],
    ['ended', (now: number) => ({ suspend: false, timestart: now - 86_400 * 30, timeend: now - 86_400, now })],
  ] as const) {
    it(`an active participant, as Moodle asks: a teacher whose enrolment is ${label} is refused by every cohort-sync function, and nothing changes`, async () => {
      const [c] = await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: `Active ${label}`, idnumber: `tt-active-${label}` }]);
      const syncs = await cohortSyncsFor(api);
      const r = await syncs.add({ courseId: t.courseid, cohort: { id: c!.id }, role: { shortname: 'student' }, onBehalfOf: t.teacherid });
      const teacherRole = (await api.getEnrolledUsers(t.courseid)).find((u) => u.id === t.teacherid)!.roles!.find((x) => x.shortname === 'editingteacher')!.roleid;
      const e = change(Math.floor(Date.now() / 1000));
      await api.manualEnrolUsers([{ roleid: teacherRole, userid: t.teacherid, courseid: t.courseid, timestart: e.timestart, timeend: e.timeend, suspend: e.suspend }]);
      // Her role is still there; only her participation ended.
      expect((await api.getEnrolledUsers(t.courseid)).find((u) => u.id === t.teacherid)?.roles?.map((x) => x.shortname)).toContain('editingteacher');
      expect(await code(syncs.list(t.courseid, t.teacherid))).toBe('onbehalfnopermission');
      expect(await code(syncs.availableCohorts(t.courseid, '', 10, t.teacherid))).toBe('onbehalfnopermission');
      expect(await code(syncs.assignableRoles(t.courseid, t.teacherid))).toBe('onbehalfnopermission');
      expect(await code(syncs.add({ courseId: t.courseid, cohort: { id: c!.id }, role: { shortname: 'teacher' }, onBehalfOf: t.teacherid }))).toBe('onbehalfnopermission');
      expect(await code(syncs.update(r.id, { enabled: false }, t.teacherid))).toBe('onbehalfnopermission');
      expect(await code(syncs.remove(r.id, t.teacherid))).toBe('onbehalfnopermission');
      // Active again: she may, and the method was never touched meanwhile.
      await api.manualEnrolUsers([{ roleid: teacherRole, userid: t.teacherid, courseid: t.courseid, timestart: 0, timeend: 0, suspend: false }]);
      expect((await syncs.list(t.courseid, t.teacherid)).filter((i) => i.cohortId === c!.id).map((i) => [i.id, i.enabled, i.roleShortname])).toEqual([[r.id, true, 'student']]);
    });
  }

  it("support acts as itself: the plugin's manual-cohort functions check the person's own cohort rights, and say nothing more to someone without them", async () => {
    const manual = await ManualCohorts.for(api);
    const [admin] = await api.getUsersByField('username', ['admin']);
    const [c] = await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Tuteurs', idnumber: 'tt-tuteurs' }]);
    const syncs = await cohortSyncsFor(api);
    await syncs.add({ courseId: t.courseid, cohort: { id: c!.id }, role: { shortname: 'teacher' }, onBehalfOf: t.teacherid });
    const u1 = await student(1);
    // A teacher holds no cohort right: refused for every function, and an unknown cohort reads the same.
    for (const cohortId of [c!.id, 987_654]) {
      expect(await code(manual.courses(cohortId, t.colleagueid))).toBe('onbehalfnopermission');
      expect(await code(manual.change('add', cohortId, [u1], t.colleagueid))).toBe('onbehalfnopermission');
      expect(await code(manual.change('remove', cohortId, [u1], t.colleagueid))).toBe('onbehalfnopermission');
    }
    expect(await code(manual.create({ name: 'Pirates', idnumber: 'tt-pirates' }, t.colleagueid))).toBe('onbehalfnopermission');
    expect(await code(manual.create({ name: 'Pirates', idnumber: 'tt-pirates' }, 0))).toBe(`create_cohort: no acting Moodle user (onbehalfof must be a user id); refusing to act with the service account's rights`);
    expect((await api.getCohorts()).map((x) => x.idnumber)).not.toContain('tt-pirates');
    expect((await api.getCohortMembers([c!.id])).get(c!.id)).toEqual([]);
    // Someone Moodle lets manage cohorts (here the site administrator) may, and is told which courses sync it with which role.
    expect(await manual.courses(c!.id, admin!.id)).toEqual([expect.objectContaining({ courseId: t.courseid, shortname: 'PHA-L2-101', roleShortname: 'teacher', roleArchetype: 'teacher', enabled: true })]);
    expect(await manual.change('add', c!.id, [u1], admin!.id)).toBe(1);
    expect((await api.getCohortMembers([c!.id])).get(c!.id)).toEqual([u1]);
    const made = await manual.create({ name: 'Tuteurs 2', idnumber: 'tt-tuteurs-2' }, admin!.id);
    expect((await api.getCohorts([made.id]))[0]).toMatchObject({ name: 'Tuteurs 2', idnumber: 'tt-tuteurs-2', visible: true });
  });

  it('counts what Moodle says: active through this method, and who has no other way in (another method, another cohort; expired and suspended ones do not count)', async () => {
    const ids = await Promise.all([1, 2, 3, 4].map(student));
    const [c, d] = await api.createCohorts([
      { categorytype: { type: 'system', value: '' }, name: 'Counted', idnumber: 'tt-c' },
      { categorytype: { type: 'system', value: '' }, name: 'Other way', idnumber: 'tt-d' },
    ]);
    await api.addCohortMembers([...ids.map((userId) => ({ cohortId: c!.id, userId })), { cohortId: d!.id, userId: ids[1]! }]);
    const syncs = await cohortSyncsFor(api);
    const studentRole = (await syncs.assignableRoles(t.courseid, t.teacherid)).roles.find((r) => r.shortname === 'student')!.id;
    const r = await syncs.add({ courseId: t.courseid, cohort: { id: c!.id }, role: { shortname: 'student' }, onBehalfOf: t.teacherid });
    await syncs.add({ courseId: t.courseid, cohort: { id: d!.id }, role: { shortname: 'student' }, onBehalfOf: t.teacherid });
    const now = Math.floor(Date.now() / 1000);
    await api.manualEnrolUsers([
      { roleid: studentRole, userid: ids[0]!, courseid: t.courseid },
      { roleid: studentRole, userid: ids[2]!, courseid: t.courseid, timestart: now - 86_400 * 30, timeend: now - 86_400 },
      { roleid: studentRole, userid: ids[3]!, courseid: t.courseid, suspend: true },
    ]);
    const mine = async () => (await syncs.list(t.courseid, t.teacherid)).find((i) => i.id === r.id)!;
    expect(await mine()).toMatchObject({ roleShortname: 'student', memberCount: 4, activeCount: 4, onlyAccessCount: 2 });
    // Disabled, the method lets nobody in: students 3 and 4 lose the course, 1 and 2 keep it.
    await syncs.update(r.id, { enabled: false }, t.teacherid);
    expect(await mine()).toMatchObject({ enabled: false, memberCount: 4, activeCount: 0, onlyAccessCount: 0 });
    const now2 = await active();
    expect([ids[0], ids[1]].every((id) => now2.has(id!))).toBe(true);
    expect([ids[2], ids[3]].some((id) => now2.has(id!))).toBe(false);
  });

  it("the plugin's sync reads: managed cohorts with counts, members with their keys, accounts by key — what core says, without profiles", async () => {
    const created = await api.createCohorts([
      { categorytype: { type: 'system', value: '' }, name: 'Managed A', idnumber: 'etp:SRA' },
      { categorytype: { type: 'system', value: '' }, name: 'Managed B', idnumber: 'etp:SRB' },
      { categorytype: { type: 'system', value: '' }, name: 'Manual', idnumber: 'manual-sr' },
    ]);
    const [a, b, manual] = created.map((c) => c.id) as [number, number, number];
    const users = await api.getUsersByField('username', ['e21900001', 'e21900002', 'e21900003', 'e21900004']);
    const id = (u: string) => users.find((x) => x.username === u)!.id;
    await api.addCohortMembers([
      { cohortId: a, userId: id('e21900001') },
      { cohortId: a, userId: id('e21900002') },
      { cohortId: b, userId: id('e21900002') },
      { cohortId: b, userId: id('e21900003') },
      { cohortId: manual, userId: id('e21900004') },
    ]);
    const managed = await api.getManagedCohorts('etp:SR');
    expect(managed.map((c) => [c.idnumber, c.name, c.visible, c.membercount])).toEqual([['etp:SRA', 'Managed A', true, 2], ['etp:SRB', 'Managed B', true, 2]]);
    const { members, users: keyed } = await api.getCohortMemberKeys([a, b], 'username');
    // The same members as core's get_cohort_members, and each member once with only what the sync needs.
    const core = await api.getCohortMembers([a, b]);
    for (const c of [a, b]) expect([...members.get(c)!].sort()).toEqual([...core.get(c)!].sort());
    expect(keyed).toEqual(['e21900001', 'e21900002', 'e21900003'].map((u) => ({ id: id(u), key: u, suspended: false })).sort((x, y) => x.id - y.id));
    for (const u of keyed) expect(Object.keys(u).sort()).toEqual(['id', 'key', 'suspended']);
    // By idnumber and e-mail too (e-mails in lower case, as cohortbot keys them).
    expect((await api.getCohortMemberKeys([a], 'idnumber')).users.map((u) => u.key)).toEqual(['E21900001', 'E21900002']);
    expect((await api.getUsersByKeys('email', ['E21900003@UNIV-DEMO.FR', 'nobody@univ-demo.fr'])).map((u) => [u.id, u.key])).toEqual([[id('e21900003'), 'e21900003@univ-demo.fr']]);
    expect((await api.getUsersByKeys('username', ['e21900004', 'e21999999', 'e21900001'])).map((u) => u.id)).toEqual([id('e21900001'), id('e21900004')].sort((x, y) => x - y));
    // An unknown cohort id and an unknown field are errors, never an empty answer.
    await expect(api.getCohortMemberKeys([a, 999_999], 'username')).rejects.toMatchObject({ errorcode: missingRecord });
    await expect(api.getUsersByKeys('firstname' as 'username', ['x'])).rejects.toMatchObject({ errorcode: 'invalidparameter' });
  });

  it("the plugin's bulk membership: core's rights and events (enrol_cohort enrols and unenrols), a warning naming each member refused", async () => {
    const [cohort] = await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Bulk', idnumber: 'etp:BW' }]);
    const syncs = await cohortSyncsFor(api);
    await syncs.add({ courseId: t.courseid, cohort: { idnumber: 'etp:BW' }, onBehalfOf: t.teacherid });
    const users = await api.getUsersByField('username', ['e21900101', 'e21900102', 'e21900103']);
    const [u1, u2, u3] = ['e21900101', 'e21900102', 'e21900103'].map((u) => users.find((x) => x.username === u)!.id) as [number, number, number];
    const c = cohort!.id;
    const added = await api.changeMembersBulk('add', [{ cohortId: c, userId: u1 }, { cohortId: c, userId: u2 }, { cohortId: c, userId: u1 }, { cohortId: c, userId: 999_999 }, { cohortId: 999_999, userId: u3 }]);
    expect(added.changed).toBe(2);
    expect(added.warnings.map((w) => [w.warningcode, w.cohortid, w.userid])).toEqual([['2', c, 999_999], ['2', 999_999, u3]]);
    expect((await api.changeMembersBulk('add', [{ cohortId: c, userId: u1 }])).warnings.map((w) => w.warningcode)).toEqual(['3']);
    const enrolled = async () => new Set((await api.getEnrolledUsers(t.courseid, [{ name: 'onlyactive', value: 1 }])).map((u) => u.id));
    const before = await enrolled();
    expect(before.has(u1) && before.has(u2) && !before.has(u3)).toBe(true);
    const removed = await api.changeMembersBulk('remove', [{ cohortId: c, userId: u1 }, { cohortId: c, userId: u3 }]);
    expect(removed.changed).toBe(1);
    expect(removed.warnings.map((w) => [w.warningcode, w.userid])).toEqual([['3', u3]]);
    expect([...(await api.getCohortMembers([c])).get(c)!]).toEqual([u2]);
    const after = await enrolled();
    expect(after.has(u1)).toBe(false);
    expect(after.has(u2)).toBe(true);
  });

  it('the sync engine: a full sync, a no-op rerun with zero writes, departures; then why for a healthy student', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-2t-'));
    const config = loadConfig({ MOODLE_PLATFORMS: 't', MOODLE_T_URL: t.url, MOODLE_T_TOKEN: t.token, MOODLE_T_MAX_INPUT_VARS: '5000', DIRECTORY_FILE: 'unused.ldif', ACADEMIC_YEAR: '2026', SYNC_MAX_REMOVAL_PERCENT: '100', LOG_LEVEL: 'silent' });
    const store = new SqliteStore(path.join(dir, 'db.sqlite'));
    const directory = new MemoryDirectory();
    // 300 students over 15 étapes, a few in two.
    const etape = (i: number) => `TT${String(i % 15).padStart(2, '0')}`;
    directory.students = Array.from({ length: 300 }, (_, i) => MemoryDirectory.student(`e2190${String(i + 1).padStart(4, '0')}`, i % 20 === 0 ? [etape(i), etape(i + 1)] : [etape(i)]));
    const engine = new SyncEngine({ config, directory, apis: createPlatformApis(config), store });
    try {
      const first = await engine.run();
      expect(first.platforms[0]).toMatchObject({ cohortsCreated: 15, membersAdded: 315, errors: [] });
      const second = await engine.run();
      expect(second.platforms[0]!.writeCalls).toBe(0);
      directory.students = directory.students.slice(10);
      const third = await engine.run();
      expect(third.platforms[0]!.membersRemoved).toBe(11);
      const cohorts = (await api.getCohorts()).filter((c) => c.idnumber.startsWith('etp:TT'));
      const members = await api.getCohortMembers(cohorts.map((c) => c.id));
      expect([...members.values()].reduce((n, m) => n + m.length, 0)).toBe(304);
      const syncs = await cohortSyncsFor(api);
      await syncs.add({ courseId: t.courseid, cohort: { idnumber: 'etp:TT14' }, onBehalfOf: t.teacherid });
      const [course] = await api.getCoursesByField('id', t.courseid);
      const healthy = await diagnose({ config, directory, api, syncs, store, now: new Date(), actingUserId: t.teacherid }, 'e21900015', 't', course!);
      expect(healthy).toMatchObject({ verdict: 'access', fixes: [] });
      expect(healthy.access).toMatchObject({ has: true, account: 'live' });
      expect(healthy.access.via).toContainEqual(expect.objectContaining({ method: 'cohort', cohort: 'etp:TT14', gives: true }));
      const notSynced = await diagnose({ config, directory, api, syncs, store, now: new Date(), actingUserId: t.teacherid }, 'e21900012', 't', course!);
      // Moodle says no first; the fix syncs only the student's own étape, with its full effect, and the narrower way beside it.
      expect(notSynced).toMatchObject({ verdict: 'course-not-syncing', access: { has: false } });
      const wide = notSynced.fixes.find((f) => f.action === 'add-cohort-sync')!;
      expect(wide).toMatchObject({ cohort: expect.stringMatching(/^etp:TT/), by: 'teacher' });
      expect(wide.effect.adds).toBeGreaterThan(1);
      expect(notSynced.fixes.map((f) => f.action)).toContain('enrol-manually');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('why, on a seeded sample: access is Moodle’s own answer, and each fix applied does exactly what it announces', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-2t-why-'));
    const config = loadConfig({ MOODLE_PLATFORMS: 't', MOODLE_T_URL: t.url, MOODLE_T_TOKEN: t.token, MOODLE_T_MAX_INPUT_VARS: '5000', DIRECTORY_FILE: 'unused.ldif', ACADEMIC_YEAR: '2026', SYNC_MAX_REMOVAL_PERCENT: '100', LOG_LEVEL: 'silent' });
    const store = new SqliteStore(path.join(dir, 'db.sqlite'));
    const admin = new MoodleApi(new MoodleClient({ platform: 't', url: t.url, token: t.adminToken, maxInputVars: 5000 }));
    const rnd = seededRandom(20261203);
    const directory = new MemoryDirectory();
    // 60 students over 6 étapes, some cancelled, some of last year only.
    directory.students = Array.from({ length: 60 }, (_, i) => {
      const s = MemoryDirectory.student(`e2190${String(i + 1).padStart(4, '0')}`, [`TW${Math.floor(rnd() * 6)}`], rnd() < 0.15 ? 2025 : 2026);
      if (rnd() < 0.1) s.inscriptions[0]!.status = 'A';
      return s;
    });
    try {
      await new SyncEngine({ config, directory, apis: createPlatformApis(config), store }).run();
      const syncs = await cohortSyncsFor(api);
      // The course syncs three étapes, one disabled; some students are enrolled by hand, some suspended, some ended.
      for (const e of ['TW0', 'TW1', 'TW2']) await syncs.add({ courseId: t.courseid, cohort: { idnumber: `etp:${e}` }, onBehalfOf: t.teacherid, enabled: e !== 'TW2' });
      const users = await api.getUsersByField('username', directory.students.map((s) => s.key));
      const now = Math.floor(Date.now() / 1000);
      const manual = users.filter(() => rnd() < 0.15).map((u) => ({ roleid: 5, userid: u.id, courseid: t.courseid, ...(rnd() < 0.4 ? { timeend: now - 86_400 } : {}), ...(rnd() < 0.4 ? { suspend: true } : {}) }));
      if (manual.length) await admin.manualEnrolUsers(manual);
      const active = async () => new Set((await admin.getEnrolledUsers(t.courseid, [{ name: 'onlyactive', value: 1 }])).map((u) => u.id));
      const [course] = await api.getCoursesByField('id', t.courseid);
      let checked = 0;
      for (const s of directory.students.filter(() => rnd() < 0.4).slice(0, 12)) {
        const d = await diagnose({ config, directory, api, syncs, store, now: new Date(), actingUserId: t.teacherid }, s.key, 't', course!);
        const u = users.find((x) => x.username === s.key)!;
        const before = await active();
        expect({ student: s.key, has: d.access.has }).toEqual({ student: s.key, has: before.has(u.id) });
        // One fix per student, applied for real: the next question sees the state it left.
        const f = d.fixes.find((x) => ['add-cohort-sync', 'enable-cohort-sync', 'reactivate-enrolment', 'enrol-manually', 'sync-student'].includes(x.action));
        if (!f) continue;
        for (const a of [...(f.first ?? []), f]) {
          if (a.action === 'add-cohort-sync') await syncs.add({ courseId: t.courseid, cohort: { id: a.cohortId }, role: { shortname: 'student' }, onBehalfOf: t.teacherid });
          else if (a.action === 'enable-cohort-sync') await syncs.update(a.instanceId, { enabled: true }, t.teacherid);
          else if (a.action === 'reactivate-enrolment' || a.action === 'enrol-manually') await admin.manualEnrolUsers([{ roleid: 5, userid: u.id, courseid: t.courseid, timestart: 0, timeend: a.until ? Math.floor(Date.parse(a.until) / 1000) : 0, suspend: false }]);
          else if (a.action === 'sync-student') await api.changeMembersBulk('add', [{ cohortId: (await api.getCohorts()).find((c) => c.idnumber === a.cohort)!.id, userId: u.id }]);
        }
        const after = await active();
        expect({ student: s.key, fix: f.action, access: after.has(u.id), adds: [...after].filter((x) => !before.has(x)).length, removes: [...before].filter((x) => !after.has(x)).length }).toEqual({ student: s.key, fix: f.action, access: true, adds: f.effect.adds, removes: f.effect.removes });
        checked++;
      }
      process.stderr.write(`${name}: why sample, ${checked} fixes applied and checked\n`);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
