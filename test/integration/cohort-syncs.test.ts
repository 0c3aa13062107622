/** Cohort-sync methods through src/moodle/cohort-syncs.ts against the simulator, as teachers would use them. */
import { CohortSyncRefused, CohortSyncUnavailable, CohortSyncs, PluginCohortSyncs, WsEnrolcohortSyncs, cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import type { Site } from '../../src/simulator/model';
import { demoSeedWith } from '../helpers/engine';
import { RunningSimulator, cid, errorCode, startSimulator, uid } from '../helpers/simulator';
import { en } from '../../src/i18n/en';

const seedWith = demoSeedWith;

describe('cohort syncs through local_cohortbot', () => {
  let s: RunningSimulator;
  let site: Site;
  let syncs: CohortSyncs;
  let course: number;
  let mdurand: number;
  beforeEach(async () => {
    s = await startSimulator(seedWith('local_cohortbot'));
    site = s.sim.site('ecampus');
    syncs = await cohortSyncsFor(s.api('ecampus'));
    course = cid(site, 'PHA-L2-101');
    mdurand = uid(site, 'mdurand');
  });
  afterEach(() => s.stop());

  it('is chosen from the functions the token offers', () => {
    expect(syncs).toBeInstanceOf(PluginCohortSyncs);
  });

  it("a teacher adds a cohort to their own course: its students are enrolled at once, as Moodle would", async () => {
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    const members = site.members.find('cohort', cohort.id).map((m) => m.userid);
    const r = await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, role: { shortname: 'student' }, groupId: 0, onBehalfOf: mdurand });
    expect(r.created).toBe(true);
    for (const m of members) expect(site.isActiveParticipant(course, m)).toBe(true);
    const list = await syncs.list(course, mdurand);
    const mine = list.find((i) => i.id === r.id)!;
    expect(mine).toMatchObject({ cohortIdnumber: 'etp:L2PHA1', roleName: 'student', groupId: 0, enabled: true, memberCount: members.length });
    expect((await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, role: { shortname: 'student' }, onBehalfOf: mdurand })).created).toBe(false);
  });

  it('refuses a teacher of another course, without saying more', async () => {
    expect(await errorCode(syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: uid(site, 'pmartin') }))).toBe('onbehalfnopermission');
    expect(await errorCode(syncs.availableCohorts(course, '', 10, uid(site, 'pmartin')))).toBe('onbehalfnopermission');
    expect(await errorCode(syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: uid(site, 'e21900001') }))).toBe('onbehalfnopermission');
  });

  it("refuses a cohort that is not available to the course's category branch", async () => {
    site.transaction(() => site.cohorts.insert({ contextlevel: 'coursecat', categoryid: site.categories.first('idnumber', 'DROIT')!.id, name: 'Moot court', idnumber: 'moot', description: '', descriptionformat: 1, visible: true, component: '', theme: '', timecreated: 0 }));
    expect(await errorCode(syncs.add({ courseId: course, cohort: { idnumber: 'moot' }, onBehalfOf: mdurand }))).toBe('cohortnotavailable');
    const available = await syncs.availableCohorts(course, '', 100, mdurand);
    expect(available.cohorts.map((c) => c.idnumber)).toContain('tuteurs-l2-pharma');
    expect(available.cohorts.map((c) => c.idnumber)).not.toContain('moot');
  });

  it('refuses a role the teacher may not assign, and lists those they may', async () => {
    expect(await errorCode(syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, role: { shortname: 'manager' }, onBehalfOf: mdurand }))).toBe('rolenotassignable');
    const roles = await syncs.assignableRoles(course, mdurand);
    expect(roles.roles.map((r) => r.shortname).sort()).toEqual(['student', 'teacher']);
    expect(roles.defaultRoleId).toBe(5);
  });

  it('creates a group named after the cohort with group -1, and puts the members in it', async () => {
    const r = await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, groupId: -1, onBehalfOf: mdurand });
    const group = site.groups.get(r.groupId)!;
    expect(group.name).toBe('Licence 2 Pharmacie (L2PHA1) cohort');
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    expect(site.groupMembers.find('group', group.id).length).toBe(site.members.find('cohort', cohort.id).length);
  });

  it('updates role and status, and deletes the method with its enrolments', async () => {
    const r = await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: mdurand });
    const member = site.members.find('cohort', site.cohorts.first('idnumber', 'etp:L2PHA1')!.id)[0]!.userid;
    await syncs.update(r.id, { roleId: 4 }, mdurand);
    expect(site.rolesIn(member, { level: 'course', instanceid: course }).map((x) => x.shortname)).toEqual(['teacher']);
    await syncs.update(r.id, { enabled: false }, mdurand);
    expect(site.isActiveParticipant(course, member)).toBe(false);
    expect(site.enrolmentsOf(course, member)).toHaveLength(1); // disabled: the enrolment stays, the role goes
    await syncs.update(r.id, { enabled: true }, mdurand);
    expect(site.isActiveParticipant(course, member)).toBe(true);
    expect(await errorCode(syncs.update(r.id, { enabled: false }, uid(site, 'pmartin')))).toBe('onbehalfnopermission');
    await syncs.remove(r.id, mdurand);
    expect(site.enrol.get(r.id)).toBeUndefined();
    expect(site.enrolmentsOf(course, member)).toHaveLength(0);
  });

  it('refuses to delete a method that is not a cohort sync', async () => {
    const manual = site.enrol.find('course', course).find((i) => i.enrol === 'manual')!;
    expect(await errorCode(syncs.remove(manual.id, mdurand))).toBe('notcohortinstance');
  });

  it("explains a student's enrolments for the diagnosis", async () => {
    await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: mdurand });
    const member = site.members.find('cohort', site.cohorts.first('idnumber', 'etp:L2PHA1')!.id)[0]!.userid;
    const d = await syncs.userEnrolments(course, member);
    expect(d.canAccess).toBe(true);
    expect(d.enrolments).toEqual([expect.objectContaining({ method: 'cohort', instanceEnabled: true, active: true, roles: ['student'] })]);
    expect(d.cohorts).toContainEqual(expect.objectContaining({ idnumber: 'etp:L2PHA1', synced: true }));
  });

  it('read for a teacher, the diagnosis names only the cohorts the course syncs; for support, the user’s cohorts; for a student, nothing', async () => {
    await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: mdurand });
    const member = site.members.find('cohort', site.cohorts.first('idnumber', 'etp:L2PHA1')!.id)[0]!.userid;
    const synced = new Set(site.enrol.find('course', course).filter((i) => i.enrol === 'cohort').map((i) => i.customint1));
    const other = site.cohorts.all().find((c) => !synced.has(c.id) && !site.isMember(c.id, member))!;
    site.transaction(() => site.addMember(other.id, member));
    const courseOnes = site.members.find('user', member).map((m) => site.cohorts.get(m.cohortid)!).filter((c) => synced.has(c.id)).map((c) => c.idnumber).sort();
    const teacher = await syncs.userEnrolments(course, member, mdurand);
    expect(teacher.cohorts.map((c) => c.idnumber).sort()).toEqual(courseOnes);
    expect(teacher.cohorts.map((c) => c.idnumber)).not.toContain(other.idnumber);
    expect(teacher.enrolments).toEqual([expect.objectContaining({ method: 'cohort', cohortIdnumber: 'etp:L2PHA1' })]);
    expect(teacher.userSuspended).toBe(false);
    const support = await syncs.userEnrolments(course, member, uid(site, 'cmoreau'));
    expect(support.cohorts.map((c) => c.idnumber)).toEqual(expect.arrayContaining([...courseOnes, other.idnumber]));
    expect(await errorCode(syncs.userEnrolments(course, member, member))).toBe('onbehalfnopermission');
  });
});

describe('cohort syncs through local_ws_enrolcohort (the fallback)', () => {
  let s: RunningSimulator;
  let site: Site;
  let syncs: CohortSyncs;
  beforeEach(async () => {
    s = await startSimulator(seedWith('local_ws_enrolcohort'));
    site = s.sim.site('ecampus');
    syncs = await cohortSyncsFor(s.api('ecampus'));
  });
  afterEach(() => s.stop());

  it('checks the teacher itself, since the plugin does not', async () => {
    expect(syncs).toBeInstanceOf(WsEnrolcohortSyncs);
    const course = cid(site, 'PHA-L2-101');
    await expect(syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: uid(site, 'pmartin') })).rejects.toBeInstanceOf(CohortSyncRefused);
    expect(site.enrol.find('course', course).filter((i) => i.enrol === 'cohort' && i.customint1 === site.cohorts.first('idnumber', 'etp:L2PHA1')!.id)).toHaveLength(0);
    const r = await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, enabled: false, onBehalfOf: uid(site, 'mdurand') });
    expect(site.enrol.get(r.id)!.status).toBe(1);
    expect((await syncs.list(course, uid(site, 'mdurand'))).find((i) => i.id === r.id)).toMatchObject({ cohortIdnumber: 'etp:L2PHA1', enabled: false });
    await syncs.remove(r.id, uid(site, 'mdurand'));
    expect(site.enrol.get(r.id)).toBeUndefined();
  });
});

describe('a site with neither plugin', () => {
  it('gives a message for the teacher and one for the admin', async () => {
    const s = await startSimulator(seedWith('none'));
    try {
      const err = await cohortSyncsFor(s.api('ecampus')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CohortSyncUnavailable);
      // Words come from the presentation layer: the platform is all the error carries.
      expect((err as CohortSyncUnavailable).platform).toBe('ecampus');
      expect(en.moodle.unavailable.teacher('ecampus')).toMatch(/Enrolment methods › Add method › Cohort sync/);
      expect(en.moodle.unavailable.admin('ecampus')).toMatch(/Install moodle-plugin\/local_cohortbot/);
      // And the plugin's functions are unknown to the site, as on a real Moodle without it.
      await expect(s.api('ecampus').client.call('local_cohortbot_get_cohort_syncs', { courseid: 2 }, (await import('zod')).z.unknown())).rejects.toMatchObject({ errorcode: 'invalidrecord' });
    } finally {
      await s.stop();
    }
  });
});
