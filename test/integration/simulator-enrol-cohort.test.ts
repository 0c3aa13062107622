/** enrol_cohort's behaviour in the simulator (docs/moodle.md §4, §6), observed over REST. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MoodleApi } from '../../src/moodle/api';
import { Site } from '../../src/simulator/model';
import { MoodleSimulator } from '../../src/simulator/server';
import { parseSeed } from '../../src/simulator/seed';
import { RunningSimulator, startSimulator } from '../helpers/simulator';

/** A small site: one course syncing cohort C1 (student), one teacher, three students. */
function seed(unenrolaction: 0 | 2 | 3 = 0) {
  return {
    platforms: [
      {
        name: 'p',
        settings: { unenrolaction },
        categories: [{ name: 'Sciences', idnumber: 'SCI' }, { name: 'Other', idnumber: 'OTHER' }],
        courses: [
          { shortname: 'BIO1', fullname: 'Biology 1', category: 'SCI' },
          { shortname: 'BIO2', fullname: 'Biology 2', category: 'SCI' },
        ],
        users: [
          { username: 'svc', firstname: 'Service', lastname: 'Account', email: 'svc@x.fr' },
          { username: 'prof', firstname: 'Pat', lastname: 'Prof', email: 'prof@x.fr' },
          { username: 's1', firstname: 'Ann', lastname: 'A', email: 's1@x.fr' },
          { username: 's2', firstname: 'Bob', lastname: 'B', email: 's2@x.fr' },
          { username: 's3', firstname: 'Cid', lastname: 'C', email: 's3@x.fr' },
        ],
        admins: ['svc'],
        enrolments: [{ user: 'prof', course: 'BIO1', role: 'editingteacher' }],
        groups: [{ course: 'BIO1', name: 'C1 cohort' }],
        cohorts: [
          { idnumber: 'C1', name: 'C1', members: ['s1'] },
          { idnumber: 'C2', name: 'C2', members: [] },
        ],
        cohortSyncs: [
          { course: 'BIO1', cohort: 'C1', role: 'student' },
          { course: 'BIO2', cohort: 'C1', role: 'student', status: 1 },
        ],
        tokens: [{ token: 'svc-token-000000', user: 'svc' }],
      },
    ],
  };
}

const courseId = (site: Site, shortname: string) => site.courses.first('shortname', shortname)!.id;
const userId = (site: Site, username: string) => site.users.first('username', username)!.id;
const enrolled = async (api: MoodleApi, site: Site, course: string) =>
  (await api.getEnrolledUsers(courseId(site, course))).map((u) => ({ username: u.username, roles: (u.roles ?? []).map((r) => r.shortname).sort() }));
const active = async (api: MoodleApi, site: Site, course: string) =>
  (await api.getEnrolledUsers(courseId(site, course), [{ name: 'onlyactive', value: 1 }])).map((u) => u.username).sort();

describe.each([0, 2, 3] as const)('enrol_cohort with unenrolaction=%i', (action) => {
  let s: RunningSimulator;
  let api: MoodleApi;
  let site: Site;
  beforeEach(async () => {
    s = await startSimulator(seed(action));
    api = s.api('p');
    site = s.sim.site('p');
  });
  afterEach(() => s.stop());

  it('enrols an added member at once in enabled instances only', async () => {
    await api.addCohortMembers([{ cohortIdnumber: 'C1', username: 's2' }]);
    expect(await active(api, site, 'BIO1')).toEqual(['prof', 's1', 's2']);
    expect(await enrolled(api, site, 'BIO2')).toEqual([]);
  });

  it('applies unenrolaction at once to a removed member', async () => {
    await api.deleteCohortMembers([{ cohortid: site.cohorts.first('idnumber', 'C1')!.id, userid: userId(site, 's1') }]);
    const all = await enrolled(api, site, 'BIO1');
    if (action === 0) {
      expect(all.map((u) => u.username)).toEqual(['prof']);
    } else {
      expect(all.find((u) => u.username === 's1')).toEqual({ username: 's1', roles: action === 2 ? ['student'] : [] });
      expect(await active(api, site, 'BIO1')).toEqual(['prof']);
    }
  });

  it('deletes (0) or disables (2, 3) the instances of a deleted cohort', async () => {
    const c1 = site.cohorts.first('idnumber', 'C1')!.id;
    await api.deleteCohorts([c1]);
    const instances = site.enrol.find('course', courseId(site, 'BIO1')).filter((i) => i.enrol === 'cohort');
    if (action === 0) {
      expect(instances).toHaveLength(0);
      expect((await enrolled(api, site, 'BIO1')).map((u) => u.username)).toEqual(['prof']);
    } else {
      expect(instances.map((i) => i.status)).toEqual([1]);
      expect(await active(api, site, 'BIO1')).toEqual(['prof']);
    }
  });
});

describe('simulator fidelity details', () => {
  let s: RunningSimulator;
  let api: MoodleApi;
  let site: Site;
  beforeEach(async () => {
    s = await startSimulator(seed(0));
    api = s.api('p');
    site = s.sim.site('p');
  });
  afterEach(() => s.stop());

  it('a disabled instance keeps its enrolments but loses its roles; enabling gives them back', async () => {
    const inst = site.enrol.find('course', courseId(site, 'BIO1')).find((i) => i.enrol === 'cohort')!;
    site.transaction(() => site.updateInstanceStatus(inst.id, 1));
    expect(await enrolled(api, site, 'BIO1')).toContainEqual({ username: 's1', roles: [] });
    site.transaction(() => site.updateInstanceStatus(inst.id, 0));
    expect(await enrolled(api, site, 'BIO1')).toContainEqual({ username: 's1', roles: ['student'] });
  });

  it('removing a non-member succeeds and still fires the removal logic', async () => {
    const c1 = site.cohorts.first('idnumber', 'C1')!.id;
    // s2 was enrolled by the instance while a member, then left the cohort table behind Moodle's back:
    site.transaction(() => site.enrolUser(site.enrol.find('course', courseId(site, 'BIO1')).find((i) => i.enrol === 'cohort')!, userId(site, 's2'), 5));
    await api.deleteCohortMembers([{ cohortid: c1, userid: userId(site, 's2') }]);
    expect((await enrolled(api, site, 'BIO1')).map((u) => u.username)).not.toContain('s2');
  });

  it('a full reconcile (the hourly task) repairs what missed events left behind', async () => {
    const c1 = site.cohorts.first('idnumber', 'C1')!;
    site.transaction(() => site.members.insert({ cohortid: c1.id, userid: userId(site, 's3'), timeadded: 0 })); // no event fired
    expect(await active(api, site, 'BIO1')).not.toContain('s3');
    site.transaction(() => site.cohortSync());
    expect(await active(api, site, 'BIO1')).toContain('s3');
  });

  it('creates a new group "<cohort> cohort (2)" when the name is taken, as enrol_cohort does', () => {
    const g = site.transaction(() => site.createCohortGroup(courseId(site, 'BIO1'), site.cohorts.first('idnumber', 'C1')!.id));
    expect(site.groups.get(g)!.name).toBe('C1 cohort (2)');
  });

  it('rolls back a whole add_cohort_members batch when the caller lacks a capability', async () => {
    const prof = s.sim.site('p');
    prof.transaction(() => prof.tokens.insert({ token: 'prof-token-0000', userid: userId(site, 'prof'), functions: ['core_cohort_add_cohort_members'] }));
    const asProf = new MoodleApi(new (await import('../../src/moodle/client')).MoodleClient({ platform: 'p', url: s.platforms[0]!.url, token: 'prof-token-0000' }));
    await expect(asProf.addCohortMembers([{ cohortIdnumber: 'C2', username: 's1' }])).rejects.toMatchObject({ errorcode: 'nopermissions' });
    expect(site.members.find('cohort', site.cohorts.first('idnumber', 'C2')!.id)).toHaveLength(0);
  });

  it('lists cohort members in name order, not id order', async () => {
    await api.addCohortMembers(['s3', 's2'].map((username) => ({ cohortIdnumber: 'C2', username })));
    const ids = (await api.getCohortMembers([site.cohorts.first('idnumber', 'C2')!.id])).values().next().value!;
    expect(ids.map((id) => site.users.get(id)!.lastname)).toEqual(['B', 'C']);
  });

  it('counts calls per function on a read-only endpoint', async () => {
    await api.siteInfo();
    const res = await fetch(`${s.url}/_sim/counters`);
    expect(((await res.json()) as Record<string, Record<string, number>>).p!['core_webservice_get_site_info']).toBe(1);
  });
});

describe('simulator state file', () => {
  it('lets a second simulator process see what the first one wrote', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-sim-'));
    const statePath = path.join(dir, 'state.json');
    try {
      const a = await startSimulator(seed(0), { statePath });
      await a.api('p').createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Persisted', idnumber: 'PERSIST' }]);
      await a.stop();
      const b = new MoodleSimulator({ platforms: parseSeed(seed(0)).platforms, statePath });
      expect(b.site('p').cohorts.first('idnumber', 'PERSIST')?.name).toBe('Persisted');
      // Many write calls, few rewrites of the whole state: they are coalesced, and the last one lands at stop.
      const c = await startSimulator(seed(0), { statePath });
      const api = c.api('p');
      for (let i = 0; i < 50; i++) await api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: `Coalesced ${i}`, idnumber: `coal-${i}` }]);
      await c.stop();
      expect(c.sim.stateWrites).toBeLessThan(10);
      const d = new MoodleSimulator({ platforms: parseSeed(seed(0)).platforms, statePath });
      expect(d.site('p').cohorts.first('idnumber', 'coal-49')?.name).toBe('Coalesced 49');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
