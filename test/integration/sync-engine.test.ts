/** The sync engine end to end against the simulator over HTTP, on the demo fixtures. */
import path from 'node:path';
import { LdifSource } from '../../src/directory/ldif';
import { LdapSource } from '../../src/directory/ldap';
import type { Student } from '../../src/directory/types';
import type { Site } from '../../src/simulator/model';
import { MemoryDirectory } from '../helpers/directory';
import { SUPPORT, botFor, converse } from '../helpers/bot';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { REPO_FIXTURES } from '../helpers/simulator';
import { LIMITED_DN, LIMITED_PW, BASE_DN, Slapd, startSlapd } from '../helpers/slapd';
import fs from 'node:fs';
import { englishGuard } from '../../src/i18n/codes';
import { expectedCohorts, managedCohorts } from '../helpers/cohort-truth';

const rules = { keyAttribute: 'uid', keyField: 'username' as const, uai: '0141408E' };

async function demoStudents(): Promise<Student[]> {
  return (await new LdifSource({ path: path.join(REPO_FIXTURES, 'demo-directory.ldif'), rules, maxFileAgeHours: 0 }).students());
}


const manualSnapshot = (site: Site) =>
  JSON.stringify(site.cohorts.all().filter((c) => !c.idnumber.startsWith('etp:')).map((c) => ({ c, members: site.members.find('cohort', c.id).map((m) => m.userid).sort() })));

describe('sync engine on the demo fixtures', () => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  beforeEach(async () => {
    dir = new MemoryDirectory();
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir });
  });
  afterEach(() => h.stop());

  it('first run creates and fills, second run makes zero write calls, cohorts equal the directory', async () => {
    const manualBefore = manualSnapshot(h.sim.sim.site('ecampus'));
    const first = await h.engine.run();
    expect(first.status).toBe('applied');
    const e = first.platforms.find((p) => p.name === 'ecampus')!;
    expect(e.cohortsCreated).toBe(9);
    expect(e.membersRemoved).toBe(1); // the student who left last year
    expect(e.pendingAccounts).toBeGreaterThan(0);
    expect(e.errors).toEqual([]);
    h.sim.sim.resetCounters();
    const second = await h.engine.run();
    expect(second.platforms.map((p) => p.writeCalls)).toEqual([0, 0]);
    expect(h.sim.sim.writeCalls()).toBe(0);
    for (const p of ['ecampus', 'collegium']) {
      const site = h.sim.sim.site(p);
      expect(managedCohorts(site)).toEqual(expectedCohorts(dir.students, site, p));
    }
    expect(manualSnapshot(h.sim.sim.site('ecampus'))).toBe(manualBefore);
    // The journal says who was added, and why.
    const site = h.sim.sim.site('ecampus');
    const newcomer = dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === 'L3PHA1') && site.users.first('username', s.key))!;
    const history = await h.store.studentHistory(newcomer.key);
    expect(history.map((j) => [j.action, j.cohortIdnumber, j.reason])).toContainEqual(['add', 'etp:L3PHA1', { code: 'inscription', year: 2026, etape: 'L3PHA1' }]);
  });

  it('removes a student who left, and enrol_cohort unenrols them from the course syncing the cohort', async () => {
    await h.engine.run();
    const site = h.sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-102')!;
    const leaving = dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && site.users.first('username', s.key))!;
    const uid = site.users.first('username', leaving.key)!.id;
    expect(site.isActiveParticipant(course.id, uid)).toBe(true);
    dir.students = dir.students.filter((s) => s !== leaving);
    const run = await h.engine.run();
    expect(run.platforms[0]!.membersRemoved).toBe(1);
    expect(site.isMember(site.cohorts.first('idnumber', 'etp:L2PHA1')!.id, uid)).toBe(false);
    // ecampus runs unenrolaction=3: the enrolment is suspended and the role removed.
    expect(site.isActiveParticipant(course.id, uid)).toBe(false);
    const last = (await h.store.studentHistory(leaving.key))[0]!;
    // Deleted from the directory: no longer a student, not "no registration to L2PHA1".
    expect(last).toMatchObject({ action: 'remove', cohortIdnumber: 'etp:L2PHA1', reason: { code: 'notStudent' } });
    // Support's `historique` says it in the notices' and `changements`' words: no longer a student.
    const bot = botFor(h);
    const [fr] = await converse(bot, SUPPORT, [`historique ${leaving.key}`]);
    const [en] = await converse(bot, SUPPORT, [`history ${leaving.key}`], { locale: 'en' });
    expect(fr!.text).toContain('n’est plus étudiant dans l’annuaire');
    expect(en!.text).toContain('no longer a student in the directory');
    expect(fr!.text).not.toContain('n’est pas étudiant');
    expect(en!.text).not.toMatch(/(?<!longer )a student in the directory/);
  });

  it('with 10 % injected faults, then a rerun, ends in exactly the directory state', async () => {
    h.sim.sim.knobs.faultRate = 0.1;
    h.sim.sim.knobs.hangMs = 300;
    for (const s of ['ecampus', 'collegium']) h.sim.sim.site(s).settings.maxInputVars = 43; // many small batches
    const faulty = h.newEngine(dir);
    (h.config.platforms as Array<{ maxInputVars: number }>).forEach((p) => (p.maxInputVars = 43));
    const { createPlatformApis } = await import('../../src/moodle/platforms');
    const apis = createPlatformApis({ ...h.config, moodle: { ...h.config.moodle, timeoutMs: 200, retries: 1, retryBaseMs: 2 } });
    const engine = new (faulty.constructor as typeof import('../../src/sync/engine').SyncEngine)({ config: h.config, directory: dir, apis, store: h.store });
    await engine.run().catch(() => undefined);
    h.sim.sim.knobs.faultRate = 0;
    await engine.run();
    for (const p of ['ecampus', 'collegium']) {
      const site = h.sim.sim.site(p);
      expect(managedCohorts(site)).toEqual(expectedCohorts(dir.students, site, p));
    }
    h.sim.sim.resetCounters();
    await engine.run();
    expect(h.sim.sim.writeCalls()).toBe(0);
  });

  it('holds removals over the threshold; approve applies them, reject drops them', async () => {
    await h.engine.run();
    // L1DRT1 and L3DRT1 leave at once: over 10 % of managed memberships.
    const leaving = new Set(dir.students.filter((s) => s.inscriptions.some((i) => i.year === 2026 && (i.etape === 'L1DRT1' || i.etape === 'L3DRT1'))).map((s) => s.key));
    const kept = dir.students;
    dir.students = kept.filter((s) => !leaving.has(s.key));
    const held = await h.engine.run();
    expect(held.status).toBe('held');
    const e = held.platforms.find((p) => p.name === 'ecampus')!;
    expect(e.removalsHeld).toBeGreaterThan(0);
    expect(e.membersRemoved).toBe(0);
    expect(englishGuard(held.guardReasons)[0]).toMatch(/removals held for approval/);
    const site = h.sim.sim.site('ecampus');
    const sizes = () => ['etp:L1DRT1', 'etp:L3DRT1'].map((i) => site.members.find('cohort', site.cohorts.first('idnumber', i)!.id).length);
    const [a, b] = sizes();
    const approved = await h.engine.approve(held.runId, 'admin.moodle@univ-demo.fr');
    expect(approved.platforms.find((p) => p.name === 'ecampus')!.membersRemoved).toBe(e.removalsHeld);
    expect(a! + b!).toBe(e.removalsHeld);
    expect(sizes()).toEqual([0, 0]);
    await expect(h.engine.approve(held.runId, 'someone')).rejects.toThrow(/already approved by admin.moodle/);
    // One state of truth: the held run is resolved everywhere (its run record, the held list).
    expect((await h.store.getRun(held.runId))!.status).toBe('applied');
    expect(await h.store.heldPlans()).toEqual([]);
    // A second wave, rejected: nothing removed, and the plan cannot be approved afterwards.
    // (few enough students leave that the source stays above SYNC_MIN_SOURCE_RATIO of the last run)
    dir.students = dir.students.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L2DRT1', 'M1DRT2'].includes(i.etape)));
    const held2 = await h.engine.run();
    expect(held2.status).toBe('held');
    const l2 = site.cohorts.first('idnumber', 'etp:L2DRT1')!;
    const count = site.members.find('cohort', l2.id).length;
    expect(await h.engine.reject(held2.runId, 'admin')).toMatchObject({ status: 'rejected' });
    expect(site.members.find('cohort', l2.id).length).toBe(count);
    await expect(h.engine.approve(held2.runId, 'admin')).rejects.toThrow(/already rejected/);
  });

  it('an approval that fails mid-way leaves the plan held and recorded with its error; a retry completes it', async () => {
    await h.engine.run();
    dir.students = dir.students.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && (i.etape === 'L1DRT1' || i.etape === 'L3DRT1')));
    const held = await h.engine.run();
    expect(held.status).toBe('held');
    const removals = held.platforms.reduce((n, p) => n + p.removalsHeld, 0);
    // Moodle fails every call during the first approval.
    h.sim.sim.knobs.faultRate = 1;
    const failing = h.newEngine(dir);
    const { createPlatformApis } = await import('../../src/moodle/platforms');
    const apis = createPlatformApis({ ...h.config, moodle: { ...h.config.moodle, retries: 0, timeoutMs: 500 } });
    const first = await new (failing.constructor as typeof import('../../src/sync/engine').SyncEngine)({ config: h.config, directory: dir, apis, store: h.store }).approve(held.runId, 'admin.moodle@univ-demo.fr', 'teams');
    h.sim.sim.knobs.faultRate = 0;
    expect(['failed', 'partial']).toContain(first.status);
    expect(await h.store.getHeldPlan(held.runId)).toMatchObject({ status: 'held' });
    expect((await h.store.getRun(first.runId))!.status).toBe(first.status);
    const audit = (await h.store.auditEntries(20)).filter((a) => a.command === 'approve' && a.target === held.runId);
    expect(audit).toEqual([expect.objectContaining({ channel: 'teams', outcome: first.status })]);
    // The retry applies what is left, and only then is the plan approved and its run resolved.
    const second = await h.engine.approve(held.runId, 'admin.moodle@univ-demo.fr');
    expect(second.status).toBe('applied');
    expect(first.platforms.reduce((n, p) => n + p.membersRemoved, 0) + second.platforms.reduce((n, p) => n + p.membersRemoved, 0)).toBe(removals);
    expect(await h.store.getHeldPlan(held.runId)).toMatchObject({ status: 'approved' });
    expect((await h.store.getRun(held.runId))!.status).toBe('applied');
  });

  it('counts its own calls only, whatever else uses the same Moodle clients meanwhile', async () => {
    const { createPlatformApis } = await import('../../src/moodle/platforms');
    const { SyncEngine } = await import('../../src/sync/engine');
    const apis = createPlatformApis(h.config);
    const engine = new SyncEngine({ config: h.config, directory: dir, apis, store: h.store });
    await engine.run();
    const quiet = await engine.run();
    // A chat command (say) reading through the same client while the next run is under way.
    const noise = Promise.all(Array.from({ length: 20 }, () => apis.get('ecampus')!.getCohorts()));
    const busy = await engine.run();
    await noise;
    expect(busy.platforms.map((p) => [p.readCalls, p.writeCalls])).toEqual(quiet.platforms.map((p) => [p.readCalls, p.writeCalls]));
  });

  it('a newer held plan for the same platforms supersedes the older one; the older run is no longer held', async () => {
    await h.engine.run();
    dir.students = dir.students.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && (i.etape === 'L1DRT1' || i.etape === 'L3DRT1')));
    const first = await h.engine.run();
    expect(first.status).toBe('held');
    const second = await h.engine.run();
    expect(second.status).toBe('held');
    expect((await h.store.heldPlans()).map((p) => p.runId)).toEqual([second.runId]);
    expect(await h.store.getHeldPlan(first.runId)).toMatchObject({ status: 'superseded', decidedBy: second.runId });
    expect((await h.store.getRun(first.runId))!.status).toBe('applied');
    await expect(h.engine.approve(first.runId, 'admin')).rejects.toThrow(/already superseded/);
    // A scoped run re-plans one student only: it supersedes nothing.
    await h.engine.run({ user: dir.students[0]!.key });
    expect((await h.store.heldPlans()).map((p) => p.runId)).toEqual([second.runId]);
  });

  it('a process that lost the run lease writes nothing more (fencing), and its run says why', async () => {
    h.sim.sim.knobs.latencyMs = 30;
    for (const s of ['ecampus', 'collegium']) h.sim.sim.site(s).settings.maxInputVars = 43;
    (h.config.platforms as Array<{ maxInputVars: number; concurrency: number }>).forEach((p) => ((p.maxInputVars = 43), (p.concurrency = 1)));
    try {
      const engine = h.newEngine(dir);
      h.sim.sim.resetCounters();
      const running = engine.run();
      while (h.sim.sim.writeCalls() < 2) await new Promise((r) => setTimeout(r, 5));
      // Another replica takes the lease over (this one was paused past its TTL, say).
      await h.store.releaseLease('sync', engine.holder);
      expect(await h.store.acquireLease('sync', 'other-replica', new Date(), 120_000)).toBe(true);
      const writesAtTakeover = h.sim.sim.writeCalls();
      // The run ends failed (or partial): with an error of its own, or thrown from a phase that stops the run.
      const thrown = await running.then(() => undefined, (e: Error) => e);
      // At most the requests already on the wire when the lease changed hands.
      expect(h.sim.sim.writeCalls() - writesAtTakeover).toBeLessThanOrEqual(2);
      const [run] = await h.store.lastRuns(1);
      expect(['failed', 'partial']).toContain(run!.status);
      expect([thrown?.message ?? '', ...englishGuard(run!.guardReasons), ...run!.platforms.flatMap((p) => p.errors)].join(' ')).toMatch(/run lease is no longer held/);
      expect((await h.store.leaseHolder('sync', new Date()))!.holder).toBe('other-replica');
    } finally {
      h.sim.sim.knobs.latencyMs = 0;
      await h.store.releaseLease('sync', 'other-replica');
    }
  });

  it('a scoped run for one student touches only that student', async () => {
    await h.engine.run();
    const site = h.sim.sim.site('ecampus');
    const s = dir.students.find((x) => x.key === 'e21900001')!;
    s.inscriptions = [{ year: 2026, etape: 'L3PHA1' }];
    const other = dir.students.find((x) => x.key === 'e21900002')!;
    other.inscriptions = [{ year: 2026, etape: 'M1PHA1' }];
    h.sim.sim.resetCounters();
    const run = await h.engine.run({ user: 'e21900001' });
    expect(run.scope).toBe('user:e21900001');
    const e = run.platforms.find((p) => p.name === 'ecampus')!;
    expect([e.membersAdded, e.membersRemoved]).toEqual([1, 1]);
    const uid = site.users.first('username', 'e21900001')!.id;
    expect(site.isMember(site.cohorts.first('idnumber', 'etp:L3PHA1')!.id, uid)).toBe(true);
    expect(site.isMember(site.cohorts.first('idnumber', 'etp:L2PHA1')!.id, uid)).toBe(false);
    const uid2 = site.users.first('username', 'e21900002')!.id;
    expect(site.isMember(site.cohorts.first('idnumber', 'etp:L2PHA1')!.id, uid2)).toBe(true);
    // A scoped run for a cohort fixes the other student.
    const c = await h.engine.run({ cohort: 'etp:L2PHA1' });
    expect(c.platforms.find((p) => p.name === 'ecampus')!.membersRemoved).toBe(1);
    expect(site.isMember(site.cohorts.first('idnumber', 'etp:L2PHA1')!.id, uid2)).toBe(false);
  });

  it('a doubtful source removes no one', async () => {
    await h.engine.run();
    dir.warnings = ['the read returned exactly 500 entries'];
    dir.students = dir.students.slice(0, 150);
    const run = await h.engine.run();
    expect(run.status).toBe('applied');
    expect(run.platforms.every((p) => p.membersRemoved === 0)).toBe(true);
    expect(run.platforms.some((p) => p.removalsSkipped > 0)).toBe(true);
    // A student who enrols in another étape, read by an incomplete read: added all the same.
    const newcomer = dir.students.find((x) => x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1'))!;
    newcomer.inscriptions.push({ year: 2026, etape: 'M1PHA1' });
    dir.complete = false;
    dir.incompleteReason = 'connection reset';
    const partial = await h.engine.run();
    expect(partial.status).toBe('applied');
    expect(partial.platforms.find((p) => p.name === 'ecampus')!.membersAdded).toBeGreaterThanOrEqual(1);
    const m1 = h.sim.sim.site('ecampus').cohorts.first('idnumber', 'etp:M1PHA1')!;
    expect(h.sim.sim.site('ecampus').members.find('cohort', m1.id).map((x) => h.sim.sim.site('ecampus').users.get(x.userid)!.username)).toContain(newcomer.key);
    expect(englishGuard(partial.guardReasons)[0]).toMatch(/connection reset; adds applied, removals withheld/);
    expect(partial.platforms.every((p) => p.membersRemoved === 0)).toBe(true);
  });
});

describe('sync engine with a real slapd whose size limit cuts the read', () => {
  let slapd: Slapd;
  let h: SyncHarness;
  beforeAll(async () => {
    const people = fs.readFileSync(path.join(REPO_FIXTURES, 'demo-directory.ldif'), 'utf8');
    const limited = `\ndn: ${LIMITED_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: limited\nuserPassword: ${LIMITED_PW}\n`;
    slapd = await startSlapd(people + limited, { sizelimit: 50 });
  }, 60_000);
  afterAll(() => slapd?.stop());
  beforeEach(async () => {
    h = await startSyncHarness();
  });
  afterEach(() => h.stop());

  it('an incomplete LDAP read makes no removal and says why in the run summary', async () => {
    await h.engine.run(); // a good run from the LDIF first
    const ldap = new LdapSource({ url: slapd.url, bindDn: LIMITED_DN, bindPassword: LIMITED_PW, baseDn: `ou=people,${BASE_DN}`, filter: '(eduPersonAffiliation=student)', pageSize: 20, startTls: false, timeoutMs: 10_000, connectTimeoutMs: 2_000, timeLimitSeconds: 30, rules });
    const before = JSON.stringify(managedCohorts(h.sim.sim.site('ecampus')));
    const run = await h.newEngine(ldap).run();
    // What was read is applied (nothing new here), nobody is removed, and the summary says why.
    expect(run.status).toBe('applied');
    expect(run.directoryComplete).toBe(false);
    expect(englishGuard(run.guardReasons).join(' ')).toMatch(/size limit.*removals withheld/);
    expect(run.platforms.every((p) => p.membersRemoved === 0 && p.writeCalls === 0)).toBe(true);
    expect(run.platforms.some((p) => p.removalsSkipped > 0)).toBe(true);
    expect(JSON.stringify(managedCohorts(h.sim.sim.site('ecampus')))).toBe(before);
    const stored = await h.store.getRun(run.runId);
    expect(englishGuard(stored?.guardReasons).join(' ')).toMatch(/size limit/);
  });
});
