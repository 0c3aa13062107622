/**
 * Issue 30: a no-op costs what changed. With local_cohortbot, cohorts whose fingerprint matches the
 * directory are not read member by member; with core functions only, the keys learnt by earlier runs
 * (the store's moodle_keys) are not asked again — and neither shortcut ever leaves the sync inexact.
 */
import path from 'node:path';
import { LdifSource } from '../../src/directory/ldif';
import type { Student } from '../../src/directory/types';
import { createPlatformApis } from '../../src/moodle/platforms';
import { SyncEngine } from '../../src/sync/engine';
import { MemoryDirectory } from '../helpers/directory';
import { SyncHarness, demoSeedWith, startSyncHarness } from '../helpers/engine';
import { REPO_FIXTURES } from '../helpers/simulator';
import { expectedCohorts, managedCohorts } from '../helpers/cohort-truth';

const rules = { keyAttribute: 'uid', keyField: 'username' as const, uai: '0141408E' };

const demoStudents = async (): Promise<Student[]> => new LdifSource({ path: path.join(REPO_FIXTURES, 'demo-directory.ldif'), rules, maxFileAgeHours: 0 }).students();


const calls = (h: SyncHarness, fn: string) => h.sim.sim.counters().ecampus![fn] ?? 0;

/** A member of a managed ecampus cohort the directory wants there, with the cohort. */
function aMember(h: SyncHarness, dir: MemoryDirectory, etape = 'L2PHA1') {
  const site = h.sim.sim.site('ecampus');
  const cohort = site.cohorts.first('idnumber', `etp:${etape}`)!;
  const student = dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === etape) && site.isMember(cohort.id, site.users.first('username', s.key)?.id ?? -1))!;
  return { site, cohort, student, user: site.users.first('username', student.key)! };
}

describe.each([
  ['with local_cohortbot (fingerprints)', 'local_cohortbot' as const],
  ['with core functions only (learnt keys)', 'none' as const],
])('a no-op costs what changed, %s', (_name, plugin) => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  beforeEach(async () => {
    dir = new MemoryDirectory();
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir, seed: demoSeedWith(plugin) });
    const first = await h.engine.run();
    expect(first.status).toBe('applied');
    h.sim.sim.resetCounters();
  });
  afterEach(() => h.stop());

  const exact = () => {
    for (const p of ['ecampus', 'collegium']) {
      const site = h.sim.sim.site(p);
      expect(managedCohorts(site)).toEqual(expectedCohorts(dir.students, site, p));
    }
  };

  it('a nightly no-op writes nothing and reads no member key', async () => {
    const run = await h.engine.run();
    expect(run.status).toBe('applied');
    expect(h.sim.sim.writeCalls()).toBe(0);
    if (plugin === 'local_cohortbot') expect(calls(h, 'local_cohortbot_get_cohort_members')).toBe(0);
    // Core only: ids never seen are the only ones asked for (here the pending students' keys, none by id).
    else expect(h.sim.sim.counters().ecampus!.core_user_get_users_by_field ?? 0).toBeLessThanOrEqual(1);
    exact();
  });

  it('a cohort changed behind its back (a member removed, another added) is read and put right; the others are not read', async () => {
    const { site, cohort, user } = aMember(h, dir);
    site.removeMember(cohort.id, user.id);
    const stranger = site.users.all().find((u) => !u.deleted && !dir.students.some((s) => s.key === u.username))!;
    site.addMember(cohort.id, stranger.id);
    const run = await h.engine.run();
    const e = run.platforms.find((p) => p.name === 'ecampus')!;
    expect([e.membersAdded, e.membersRemoved]).toEqual([1, 1]);
    exact();
    h.sim.sim.resetCounters();
    await h.engine.run();
    expect(h.sim.sim.writeCalls()).toBe(0);
  });

  it('a suspended member stays a member: the fingerprint still matches and nothing is written', async () => {
    const { site, user } = aMember(h, dir);
    site.users.update(user.id, { suspended: true });
    const run = await h.engine.run();
    expect(h.sim.sim.writeCalls()).toBe(0);
    if (plugin === 'local_cohortbot') expect(calls(h, 'local_cohortbot_get_cohort_members')).toBe(0);
    expect(run.platforms.every((p) => p.errors.length === 0)).toBe(true);
    exact();
  });

  it('a deleted account is no member: its cohort looks changed, and the student waits for an account', async () => {
    const { site, student, user } = aMember(h, dir);
    // Moodle's delete_user(): the account is marked deleted and renamed; (a member row may survive a failed clean-up).
    site.users.update(user.id, { deleted: true, username: `${user.email}.1767225600` });
    const run = await h.engine.run();
    const e = run.platforms.find((p) => p.name === 'ecampus')!;
    expect(e.pendingAccounts).toBeGreaterThan(0);
    expect(site.users.first('username', student.key)).toBeUndefined();
    exact();
  });

  it('a renamed account never puts the wrong person in a cohort, and the student it was is added once found', async () => {
    const { site, cohort, student, user } = aMember(h, dir);
    // The account of `student` becomes someone else's (renamed to a name outside the directory),
    // and a new account is made for the student.
    site.users.update(user.id, { username: 'x-renamed-account' });
    site.removeMember(cohort.id, user.id);
    const { id: _id, ...profile } = user;
    const fresh = site.users.insert({ ...profile, username: student.key, email: `new.${user.email}` });
    await h.engine.run();
    const members = site.members.find('cohort', cohort.id).map((m) => m.userid);
    expect(members).toContain(fresh.id);
    expect(members).not.toContain(user.id);
    exact();
  });
});

describe('learnt keys (core path) through a rename the store does not know yet', () => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  afterEach(() => h.stop());

  it('a stale entry is checked before an add, and the periodic check (SYNC_FULL_CHECK_DAYS=0) finds a rename that changed nothing else', async () => {
    dir = new MemoryDirectory();
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir, seed: demoSeedWith('none') });
    await h.engine.run();
    const { site, cohort, student, user } = aMember(h, dir);
    const rows = await h.store.moodleKeys('ecampus', 'username');
    expect(rows.find((r) => r.userId === user.id)?.key).toBe(student.key);

    // Stale: the account becomes someone else's (renamed), while the directory gives the student a second étape.
    site.users.update(user.id, { username: 'x-renamed-account' });
    const i0 = student.inscriptions.find((i) => i.year === 2026 && i.etape === 'L2PHA1')!;
    student.inscriptions.push({ ...i0, etape: 'L3PHA1' });
    const second = site.cohorts.first('idnumber', 'etp:L3PHA1')!;
    const run = await h.engine.run();
    // The store said user.id is the student: Moodle, asked before the add, said otherwise.
    expect(site.isMember(second.id, user.id)).toBe(false);
    expect(site.isMember(cohort.id, user.id)).toBe(false);
    expect(run.platforms.find((p) => p.name === 'ecampus')!.errors).toEqual([]);
    expect((await h.store.moodleKeys('ecampus', 'username')).find((r) => r.userId === user.id)?.key).toBe('x-renamed-account');
    exact(h, dir);

    // A rename of a member that changes no plan: only the periodic check sees it.
    const other = aMember(h, dir, 'L3PHA1');
    other.site.users.update(other.user.id, { username: 'y-renamed-account' });
    const cached = h.newEngine(dir);
    await cached.run();
    expect(other.site.isMember(other.cohort.id, other.user.id)).toBe(true); // trusted until checked
    const config = { ...h.config, fullCheckDays: 0 };
    const checking = new SyncEngine({ config, directory: dir, apis: createPlatformApis(config), store: h.store });
    await checking.run();
    expect(other.site.isMember(other.cohort.id, other.user.id)).toBe(false);
    exact(h, dir);
  });

  it('forget erases what was learnt of the person', async () => {
    dir = new MemoryDirectory();
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir, seed: demoSeedWith('none') });
    await h.engine.run();
    const { student } = aMember(h, dir);
    const erased = await h.store.forget([student.key]);
    expect(erased.moodleKeys).toBe(1);
    expect((await h.store.moodleKeys('ecampus', 'username')).some((r) => r.key === student.key)).toBe(false);
  });
});

function exact(h: SyncHarness, dir: MemoryDirectory) {
  for (const p of ['ecampus', 'collegium']) {
    const site = h.sim.sim.site(p);
    expect(managedCohorts(site)).toEqual(expectedCohorts(dir.students, site, p));
  }
}
