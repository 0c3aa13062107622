/** The "why" diagnosis: one scenario per broken link, healthy students, privacy and rights. */
import path from 'node:path';
import type { BotCore } from '../../src/bot/core';
import { diagnose, Diagnosis } from '../../src/diagnosis/why';
import { LdifSource } from '../../src/directory/ldif';
import { cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import { createPlatformApis } from '../../src/moodle/platforms';
import type { Site } from '../../src/simulator/model';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER, botFor, converse } from '../helpers/bot';
import { MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { REPO_FIXTURES } from '../helpers/simulator';

/** The demo directory and a sync harness on the demo seed; `synced`: after a first run, as most scenarios need. */
function demoWorld(synced: boolean) {
  const w = {} as { h: SyncHarness; dir: MemoryDirectory; site: Site };
  const times: number[] = [];
  beforeAll(async () => {
    w.dir = new MemoryDirectory();
    w.dir.students = await new LdifSource({ path: path.join(REPO_FIXTURES, 'demo-directory.ldif'), rules: { keyAttribute: 'uid', keyField: 'username' }, maxFileAgeHours: 0 }).students();
    w.dir.etapes = {};
    w.h = await startSyncHarness({ directory: w.dir });
    w.site = w.h.sim.sim.site('ecampus');
    if (synced) await w.h.engine.run();
  });
  afterAll(async () => {
    await w.h.stop();
    // A figure for the reader, not a limit: this machine's speed varies.
    if (times.length > 0) process.stderr.write(`why: ${times.length} answers, max ${Math.max(...times)} ms, mean ${Math.round(times.reduce((a, b) => a + b, 0) / times.length)} ms\n`);
  });
  const why = async (student: string, course: string): Promise<Diagnosis> => {
    const api = createPlatformApis(w.h.config).get('ecampus')!;
    const c = w.site.courses.first('shortname', course)!;
    const d = await diagnose({ config: w.h.config, directory: w.dir, api, syncs: await cohortSyncsFor(api), store: w.h.store, now: new Date(), actingUserId: w.site.users.first('username', 'cmoreau')!.id }, student, 'ecampus', { id: c.id, shortname: c.shortname, fullname: c.fullname, categoryid: c.categoryid });
    times.push(d.durationMs);
    return d;
  };
  const studentOf = (etape: string, pred: (uid: string) => boolean = () => true) => w.dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === etape) && pred(s.key))!.key;
  const account = (uid: string) => w.site.users.first('username', uid);
  return { w, why, studentOf, account };
}

describe('why, before the first sync', () => {
  const { why, studentOf, account } = demoWorld(false);

  it('not yet in the cohort, and the next run (or a sync now) will add them', async () => {
    const uid = studentOf('L3PHA1', (u) => !!account(u) && !account(u)!.suspended);
    const d = await why(uid, 'PHA-L3-201');
    expect(d.firstBroken).toBe('cohort');
    expect(d.syncFixes).toBe(true);
    expect(d.steps.find((s) => s.id === 'cohort')!.fix).toMatch(/La synchronisation de .* l’ajoutera ; pour ne pas attendre : `synchroniser /);
    expect(d.actions).toContainEqual({ label: 'Synchroniser cet étudiant maintenant', command: `synchroniser étudiant ${uid}` });
  });
});

describe('why is this student not enrolled? (after a first sync)', () => {
  const { w, why, studentOf, account } = demoWorld(true);
  let h: SyncHarness;
  let dir: MemoryDirectory;
  let site: Site;
  let bot: BotCore;
  beforeAll(() => ({ h, dir, site } = w));

  it('not in the directory', async () => {
    const d = await why('e29999999', 'PHA-L2-102');
    expect(d.firstBroken).toBe('directory');
    expect(d.steps.filter((s) => s.status === 'skipped').length).toBe(6);
  });

  it('a removal held for approval is its own state: still enrolled, which run, who may decide — not "see the registrar"', async () => {
    const key = studentOf('L2PHA1');
    const gone = dir.students.find((x) => x.key === key)!;
    dir.students = dir.students.filter((x) => x !== gone);
    await h.store.saveHeldPlan({ runId: 'r-held-1', createdAt: new Date().toISOString(), status: 'held', reasonCodes: [], removals: [{ platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:L2PHA1', userId: 1, key, reason: { code: 'etapeGone', etape: 'L2PHA1' } }] });
    try {
      const d = await why(key, 'PHA-L2-102');
      expect(d.firstBroken).toBe('held-removal');
      const held = d.steps.find((x) => x.id === 'held-removal')!;
      expect(held.evidence.join(' ')).toMatch(/retenu par la synchronisation r-held-1.*toujours inscrit/);
      expect(held.fix).toMatch(/`approuver r-held-1`.*`rejeter r-held-1`/);
      expect(d.steps.find((x) => x.id === 'directory')!.status).toBe('info');
    } finally {
      await h.store.decideHeldPlan('r-held-1', 'rejected', 'test', new Date().toISOString());
      dir.students.push(gone);
    }
  });

  it('a student asked by name is looked up; a name two students share gives choices', async () => {
    // The demo directory has one "Louis Roux" and two "Sarah Dupont".
    const louis = dir.students.find((x) => x.displayName === 'Louis Roux')!;
    const d = await why('louis roux', 'PHA-L2-102');
    expect(d.steps.find((x) => x.id === 'directory')!.evidence.join(' ')).toContain(louis.key);
    const sarahs = dir.students.filter((x) => x.displayName === 'Sarah Dupont').map((x) => x.key);
    expect(sarahs).toHaveLength(2);
    const amb = await why('Sarah Dupont', 'PHA-L2-102');
    expect(amb.firstBroken).toBe('directory');
    expect(amb.actions.map((a) => a.command).sort()).toEqual(sarahs.map((k) => `pourquoi ${k} ecampus:PHA-L2-102`).sort());
  });

  it('a cancelled inscription', async () => {
    const s = MemoryDirectory.student('ecancel1', []);
    s.inscriptions = [{ year: 2026, etape: 'L2PHA1', status: 'A' }];
    dir.students.push(s);
    const d = await why('ecancel1', 'PHA-L2-102');
    expect(d.firstBroken).toBe('inscription');
    expect(d.steps[1]!.fix).toMatch(/annulée ou pas en vigueur \(état A\)/);
  });

  it("last year's étape only", async () => {
    const d = await why('e21800999', 'PHA-L2-102');
    expect(d.firstBroken).toBe('inscription');
    expect(d.steps[1]!.evidence[0]).toMatch(/2025 L2PHA1/);
    expect(d.steps[1]!.fix).toMatch(/Aucune inscription 2026/);
  });

  it('no Moodle account yet (never logged in)', async () => {
    const uid = studentOf('L2PHA1', (u) => !account(u));
    const d = await why(uid, 'PHA-L2-102');
    expect(d.firstBroken).toBe('account');
    expect(d.steps[2]!.fix).toMatch(/jamais connecté .* sa première connexion/);
  });

  it('a suspended account', async () => {
    const suspended = site.users.all().find((u) => u.suspended)!.username;
    const d = await why(suspended, 'PHA-L3-201');
    expect(d.firstBroken).toBe('account');
    expect(d.steps[2]!.fix).toMatch(/suspendu/);
  });

  it('the cohort is not synced to the course', async () => {
    const d = await why(studentOf('L2PHA1', (u) => !!account(u)), 'PHA-L3-201');
    expect(d.firstBroken).toBe('course-sync');
    expect(d.actions[0]!.command).toMatch(/^ajouter etp:L2PHA1 à ecampus:PHA-L3-201$/);
  });

  it('the sync is disabled', async () => {
    const course = site.courses.first('shortname', 'DRT-L1-101')!;
    const inst = site.enrol.find('course', course.id).find((i) => i.enrol === 'cohort')!;
    site.transaction(() => site.updateInstanceStatus(inst.id, 1));
    try {
      const d = await why(studentOf('L1DRT1', (u) => !!account(u)), 'DRT-L1-101');
      expect(d.firstBroken).toBe('course-sync');
      expect(d.steps[4]!.fix).toMatch(/désactivée : un enseignant peut `modifier etp:L1DRT1 dans ecampus:DRT-L1-101 activer`/);
    } finally {
      site.transaction(() => site.updateInstanceStatus(inst.id, 0));
    }
  });

  it('the enrolment is suspended', async () => {
    const uid = studentOf('L2PHA1', (u) => !!account(u));
    const course = site.courses.first('shortname', 'PHA-L2-102')!;
    const ue = site.enrolmentsOf(course.id, account(uid)!.id)[0]!.ue;
    site.transaction(() => site.userEnrolments.update(ue.id, { status: 1 }));
    try {
      const d = await why(uid, 'PHA-L2-102');
      expect(d.firstBroken).toBe('enrolment');
      expect(d.steps[5]!.fix).toMatch(/inscription par cohorte est suspendue/);
    } finally {
      site.transaction(() => site.userEnrolments.update(ue.id, { status: 0 }));
    }
  });

  it('a manual enrolment that expired on an auto-created space', async () => {
    const uid = studentOf('L2PHA1', (u) => !!account(u));
    const course = site.courses.first('shortname', 'ESP-L2PHA1-2026')!;
    const manual = site.enrol.find('course', course.id).find((i) => i.enrol === 'manual')!;
    site.transaction(() => site.enrolUser(manual, account(uid)!.id, 5, 1_700_000_000, 1_750_000_000));
    const d = await why(uid, 'ESP-L2PHA1-2026');
    expect(d.steps[4]).toMatchObject({ id: 'course-sync', status: 'info' });
    expect(d.firstBroken).toBe('enrolment');
    expect(d.steps[5]!.fix).toMatch(/L’inscription manuelle a expiré le 15 juin 2025/);
  });

  it('a healthy student, and a healthy liste-rouge student, get an all-green answer', async () => {
    const healthy = await why(studentOf('L2PHA1', (u) => !!account(u)), 'PHA-L2-102');
    expect(healthy.firstBroken).toBeUndefined();
    expect(healthy.steps.slice(0, 6).every((s) => s.status === 'ok')).toBe(true);
    const red = dir.students.find((s) => s.listeRouge && s.inscriptions.some((i) => i.year === 2026 && i.etape === 'L1DRT1'))!;
    const d = await why(red.key, 'DRT-L1-101');
    expect(d.firstBroken).toBeUndefined();
    expect(d.listeRouge).toBe(true);
  });

  describe('in the chat', () => {
    beforeAll(() => (bot = botFor({ ...h, engine: h.newEngine(dir) })));

    it('a support person goes from why to sync to a fixed enrolment in three messages', async () => {
      // A student dropped from the cohort behind cohortbot's back.
      const uid = studentOf('L3PHA1', (u) => !!account(u) && !account(u)!.suspended);
      const cohort = site.cohorts.first('idnumber', 'etp:L3PHA1')!;
      site.transaction(() => site.removeMember(cohort.id, account(uid)!.id));
      const course = 'PHA-L3-201';
      await converse(bot, TEACHER, ['ajouter etp:L3PHA1 à PHA-L3-201', 'oui']);
      const [first] = await converse(bot, SUPPORT, [`pourquoi ${uid} ${course}`]);
      expect(first!.view.private).toBe(true);
      expect(first!.text).toMatch(/✗ Membre de la cohorte de son étape/);
      const [second] = await converse(bot, SUPPORT, [first!.view.buttons![0]!.payload]);
      expect(second!.text).toMatch(/Synchronisation de .*: 1 ajout, 0 retrait/);
      const [third] = await converse(bot, SUPPORT, [`pourquoi ${uid} ${course}`]);
      expect(third!.text).toMatch(/Tout est en ordre/);
      expect(site.isActiveParticipant(site.courses.first('shortname', course)!.id, account(uid)!.id)).toBe(true);
    });

    it('a teacher may ask about their own course only; the refusal is audited', async () => {
      const uid = studentOf('L2PHA1', (u) => !!account(u));
      const [own] = await converse(bot, TEACHER, [`pourquoi ${uid} PHA-L2-102`]);
      expect(own!.text).toMatch(/Tout est en ordre/);
      const [other] = await converse(bot, COLLEAGUE, [`pourquoi ${uid} PHA-L2-102`]);
      expect(other!.view.tone).toBe('error');
      expect((await h.store.auditEntries(1))[0]).toMatchObject({ actor: COLLEAGUE, command: 'why', outcome: 'refused' });
    });

    it('history is for support, private; sync of a cohort is for admins', async () => {
      const uid = studentOf('L2PHA1', (u) => !!account(u));
      const [teacherTry] = await converse(bot, TEACHER, [`historique ${uid}`]);
      expect(teacherTry!.text).toMatch(/réservée au support/);
      const [hist] = await converse(bot, SUPPORT, [`historique ${uid}`]);
      expect(hist!.view.private).toBe(true);
      const [notAdmin] = await converse(bot, SUPPORT, ['synchroniser etp:L2PHA1']);
      expect(notAdmin!.text).toMatch(/réservée aux administrateurs/);
      const [admin] = await converse(bot, ADMIN, ['synchroniser etp:L2PHA1']);
      expect(admin!.text).toMatch(/Synchronisation r\d{8}-\d{6}-[0-9a-f]{4} : appliquée/);
    });

    it('manual cohorts: create, add a pasted list (unknown entries refused whole), list; managed cohorts are read-only', async () => {
      const [created] = await converse(bot, SUPPORT, ['créer cohorte "Tuteurs L3 pharma" tuteurs-l3-pharma dans ecampus']);
      expect(created!.view.tone).toBe('success');
      const people = dir.students.filter((s) => account(s.key)).slice(0, 3);
      const list = [people[0]!.key, people[1]!.etuId!, account(people[2]!.key)!.email].join(', ');
      const [bad] = await converse(bot, SUPPORT, [`ajouter membres tuteurs-l3-pharma ${list}, nobody42`]);
      expect(bad!.text).toMatch(/Inconnus, rien n’a été fait : nobody42/);
      const [ask] = await converse(bot, SUPPORT, [`ajouter membres tuteurs-l3-pharma ${list}`]);
      expect(ask!.view.private).toBe(true);
      const [done] = await converse(bot, SUPPORT, ['oui']);
      expect(done!.text).toMatch(/3 membres ajoutés/);
      const [members] = await converse(bot, SUPPORT, ['membres tuteurs-l3-pharma']);
      expect(members!.text).toMatch(/3 membres/);
      const [managed] = await converse(bot, SUPPORT, [`ajouter membres etp:L2PHA1 ${people[0]!.key}`]);
      expect(managed!.text).toMatch(/cohorte générale, tenue par la synchronisation/);
    });

    it('held removals: the admin sees a summary, then approves', async () => {
      const keep = dir.students;
      dir.students = keep.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L1DRT1', 'L3DRT1'].includes(i.etape)));
      const run = await h.newEngine(dir).run();
      expect(run.status).toBe('held');
      const [ask] = await converse(bot, ADMIN, [`approuver ${run.runId}`]);
      expect(ask!.text).toMatch(/retraits? retenus?, par cohorte/);
      expect(ask!.text).toMatch(/ecampus etp:L1DRT1/);
      const [done] = await converse(bot, ADMIN, ['oui']);
      expect(done!.text).toMatch(new RegExp(`Retraits de ${run.runId} appliqués : \\d+ retiré`));
      dir.students = keep;
    });
  });
});
