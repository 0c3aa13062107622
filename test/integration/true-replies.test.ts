/**
 * What the bot says is true (#26): adds and changes say what will really happen, status shows the
 * state now (a held run's decision, a scoped run as such), help is per person — every figure checked
 * against Moodle's state as its REST API gives it (the simulator's web services, not its model).
 */
import type { BotCore } from '../../src/bot/core';
import type { MoodleApi } from '../../src/moodle/api';
import { createPlatformApis } from '../../src/moodle/platforms';
import { ADMIN, SUPPORT, TEACHER, botFor, converse, plainSpaces } from '../helpers/bot';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

describe('replies true to the state (#26)', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let api: MoodleApi;
  const dir = new MemoryDirectory();

  beforeAll(async () => {
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir });
    await h.engine.run();
    bot = botFor(h);
    api = createPlatformApis(h.config).get('ecampus')!;
  });
  afterAll(() => h.stop());

  const courseId = async (shortname: string) => (await api.getCoursesByField('shortname', shortname))[0]!.id;
  const cohortId = async (idnumber: string) => (await api.getCohorts()).find((c) => c.idnumber === idnumber)!.id;
  const apis = () => [...createPlatformApis(h.config).values()];
  /** Every cohort membership on every platform, as the REST API lists them. */
  const allMemberships = async () => {
    let n = 0;
    for (const a of apis()) {
      const ids = (await a.getCohorts()).map((c) => c.id);
      for (const list of (await a.getCohortMembers(ids)).values()) n += list.length;
    }
    return n;
  };
  const members = async (idnumber: string) => (await api.getCohortMembers([await cohortId(idnumber)])).get(await cohortId(idnumber)) ?? [];
  /** Active participants of a course (as core_enrol_get_enrolled_users onlyactive lists them), with their roles. */
  const active = async (shortname: string) => api.getEnrolledUsers(await courseId(shortname), [{ name: 'onlyactive', value: 1 }]);
  const cohortMethods = async (shortname: string) => (await api.getCourseEnrolmentMethods(await courseId(shortname))).filter((m) => m.type === 'cohort');
  const yes = (v: { view: { buttons?: Array<{ payload: string }> } }) => v.view.buttons!.find((b) => b.payload.startsWith('oui '))!.payload;

  it('an existing disabled sync is said to exist, with the command that enables it; nobody is said to be enrolled', async () => {
    const [ask] = await converse(bot, TEACHER, ['ajouter etp:L3PHA1 à PHA-L2-102 inactive nom "L3 en attente"']);
    expect(ask!.text).toMatch(/sera ajoutée à PHA-L2-102 \(ecampus\), désactivée : personne ne sera inscrit/);
    expect(ask!.text).toContain('Nom de la méthode : L3 en attente');
    const before = (await active('PHA-L2-102')).length;
    const [done] = await converse(bot, TEACHER, [yes(ask!)]);
    expect(done!.text).toContain('`modifier etp:L3PHA1 dans ecampus:PHA-L2-102 activer`');
    expect((await active('PHA-L2-102')).length).toBe(before);
    const methods = (await cohortMethods('PHA-L2-102')).length;
    const [again] = await converse(bot, TEACHER, ['ajouter etp:L3PHA1 à PHA-L2-102']);
    expect(again!.text).toMatch(/est déjà synchronisée avec PHA-L2-102 \(ecampus\) \(rôle étudiant, désactivée\) : rien ne sera ajouté/);
    expect(again!.text).toContain('`modifier etp:L3PHA1 dans ecampus:PHA-L2-102 activer`');
    expect(again!.view.buttons ?? []).toEqual([]);
    expect((await cohortMethods('PHA-L2-102')).length).toBe(methods);
  });

  it('enabling a disabled sync whose role is a teacher role is confirmed with how many get that role, as Moodle then shows', async () => {
    const [role] = await converse(bot, TEACHER, ['modifier etp:L3PHA1 dans PHA-L2-102 rôle tuteur']);
    expect(plainSpaces(role!.view.title ?? '')).toBe('Changer le rôle ?');
    await converse(bot, TEACHER, [yes(role!)]);
    const n = (await members('etp:L3PHA1')).length;
    expect(n).toBeGreaterThan(1);
    const [ask] = await converse(bot, TEACHER, ['modifier etp:L3PHA1 dans PHA-L2-102 activer']);
    expect(plainSpaces(ask!.view.title ?? '')).toBe('Activer la synchronisation ?');
    expect(ask!.text).toContain(`${n} membres de la cohorte seront inscrits au cours avec le rôle « enseignant non éditeur »`);
    // Nothing changed before the "yes".
    const cohort = new Set(await members('etp:L3PHA1'));
    expect((await active('PHA-L2-102')).filter((u) => cohort.has(u.id) && u.roles?.some((r) => r.shortname === 'teacher'))).toHaveLength(0);
    await converse(bot, TEACHER, [yes(ask!)]);
    expect((await active('PHA-L2-102')).filter((u) => cohort.has(u.id) && u.roles?.some((r) => r.shortname === 'teacher'))).toHaveLength(n);
  });

  it('removing a tutors\' cohort says who loses their role, not only who loses access', async () => {
    const tutors = new Set(await members('tuteurs-l2-pharma'));
    const withRole = (await active('PHA-L2-101')).filter((u) => tutors.has(u.id) && u.roles?.some((r) => r.shortname === 'teacher')).length;
    expect(withRole).toBeGreaterThan(0);
    const [ask] = await converse(bot, TEACHER, ['retirer tuteurs-l2-pharma de PHA-L2-101']);
    expect(ask!.text).toContain(`${withRole} tuteurs (enseignants non éditeurs) perdront leur rôle « enseignant non éditeur » dans le cours`);
    const [en] = await converse(bot, TEACHER, ['remove tuteurs-l2-pharma from PHA-L2-101'], { locale: 'en' });
    expect(en!.text).toContain(`${withRole} tutors (non-editing teachers) will lose their role “non-editing teacher” in the course`);
    await converse(bot, TEACHER, [yes(ask!)]);
    expect((await active('PHA-L2-101')).filter((u) => tutors.has(u.id) && u.roles?.some((r) => r.shortname === 'teacher'))).toHaveLength(0);
  });

  it('annuler with nothing pending says there was nothing to cancel', async () => {
    await converse(bot, TEACHER, ['annuler']); // whatever an earlier card left waiting
    const [r] = await converse(bot, TEACHER, ['annuler']);
    expect(r!.text).toBe('Il n’y avait rien en attente de confirmation : rien n’a été annulé.');
  });

  it('a scoped run is said to be one, never shown as platform totals', async () => {
    const [before] = await converse(bot, ADMIN, ['état']);
    await converse(bot, SUPPORT, ['synchroniser étudiant e21900001']);
    const [after] = await converse(bot, ADMIN, ['état']);
    expect(after!.text).toMatch(/Dernière synchronisation ciblée \(un étudiant\)/);
    expect(after!.text).not.toContain('e21900001');
    // The table is still the last full run's.
    expect(after!.view.blocks.find((b) => b.type === 'table')).toEqual(before!.view.blocks.find((b) => b.type === 'table'));
  });

  /** Removals held: two étapes gone from the directory, so the guard holds the run. */
  async function held(): Promise<{ runId: string; count: number }> {
    const keep = dir.students;
    dir.students = keep.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L1DRT1', 'L3DRT1'].includes(i.etape)));
    try {
      const run = await h.engine.run();
      expect(run.status).toBe('held');
      return { runId: run.runId, count: run.platforms.reduce((n, p) => n + p.removalsHeld, 0) };
    } finally {
      dir.students = keep;
    }
  }

  it('rejeter shows its summary and asks first; status then shows the rejection', async () => {
    const run = await held();
    const [ask] = await converse(bot, ADMIN, [`rejeter ${run.runId}`]);
    expect(plainSpaces(ask!.view.title ?? '')).toBe(`Rejeter les retraits retenus de ${run.runId} ?`);
    expect(ask!.text).toContain(`${run.count} retraits retenus seront abandonnés`);
    expect((await h.store.getHeldPlan(run.runId))!.status).toBe('held');
    await converse(bot, ADMIN, [yes(ask!)]);
    expect((await h.store.getHeldPlan(run.runId))!.status).toBe('rejected');
    const [st] = await converse(bot, ADMIN, ['état']);
    expect(st!.text).toMatch(new RegExp(`Retraits retenus de ${run.runId} rejetés par ${ADMIN} le .+ : ${run.count} personnes restent dans leur cohorte`));
    // The run's line says the decision, never a bare "appliquée" its table (held, not removed) would contradict.
    expect(st!.text).toMatch(new RegExp(`Dernière synchronisation : [^\\n]*Retraits retenus de ${run.runId} rejetés`));
    expect(st!.text).not.toMatch(/appliquée/);
  });

  it('status after an approval shows the decision: by whom, when, how many removed — as many as Moodle lost', async () => {
    const before = await allMemberships();
    // The removals are held against the directory without those étapes: keep it so while deciding.
    const keep = dir.students;
    const run = await held();
    dir.students = keep.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L1DRT1', 'L3DRT1'].includes(i.etape)));
    try {
      const [waiting] = await converse(bot, ADMIN, ['état']);
      expect(waiting!.text).toContain(`approuver ${run.runId}`);
      const [ask] = await converse(bot, ADMIN, [`approuver ${run.runId}`]);
      await converse(bot, ADMIN, [yes(ask!)]);
    } finally {
      dir.students = keep;
    }
    const removed = before - (await allMemberships());
    expect(removed).toBeGreaterThan(0);
    const [st] = await converse(bot, ADMIN, ['état']);
    expect(st!.text).toMatch(new RegExp(`Retraits retenus de ${run.runId} approuvés par ${ADMIN} le .+ : ${removed} retirés \\(synchronisation `));
    expect(st!.text).not.toMatch(/Garde-fou/);
    expect(st!.text).toMatch(new RegExp(`Dernière synchronisation : [^\\n]*Retraits retenus de ${run.runId} approuvés`));
    expect(st!.text).not.toMatch(/appliquée/);
    const [en] = await converse(bot, ADMIN, ['status'], { locale: 'en' });
    expect(en!.text).toMatch(new RegExp(`Held removals of ${run.runId} approved by ${ADMIN} on .+: ${removed} people removed`));
  });

  it('help lists what each person may do, in their language', async () => {
    const text = async (who: string, line: string, locale = 'fr') => (await converse(bot, who, [line], { locale }))[0]!.text;
    const teacher = await text(TEACHER, 'aide');
    expect(teacher).toContain('`pourquoi <étudiant> <cours>`');
    expect(teacher).not.toMatch(/historique|approuver|créer cohorte/);
    expect(teacher).toMatch(/\(ex\. `méthodes ecampus:[A-Z]/);
    const support = await text(SUPPORT, 'aide');
    for (const c of ['pourquoi', 'synchroniser étudiant', 'historique', 'créer cohorte', 'ajouter membres', 'membres <cohorte>']) expect(support).toContain(`\`${c}`);
    expect(support).not.toContain('approuver');
    const admin = await text(ADMIN, 'help', 'en');
    for (const c of ['approve <run>', 'reject <run>', 'sync cohort', 'why <student>', 'history <student>']) expect(admin).toContain(c);
    expect(admin).not.toMatch(/chercher|méthodes|aide/);
    expect(admin).toMatch(/Apogée is the university’s student records system; a code étape/);
    // TextRuns and the terminal show asterisks as they are: the help writes none.
    expect(admin).not.toMatch(/\*Apogée|\*code étape/);
    const stranger = await text('stranger@nowhere.example', 'aide');
    expect(stranger).toContain('`aide`');
    expect(stranger).not.toMatch(/chercher|méthodes|pourquoi/);
  });

  it('a teacher refused `pourquoi` or `chercher … dans` on a course not theirs hears nothing of its enrolment methods', async () => {
    for (const q of ['pourquoi e21900001 PHA-L2-101', 'chercher pharma dans PHA-L2-101']) {
      const [r] = await converse(bot, 'paul.martin@univ-demo.fr', [q]);
      expect(r!.view.tone).toBe('error');
      expect(r!.text).not.toMatch(/méthodes|inscription/);
      expect(r!.text).toContain('Aucun cours « PHA-L2-101 » parmi ceux que vous enseignez');
    }
  });

  it('courses as people write them: the rest of the line, any case, accents aside, near misses', async () => {
    for (const q of ['méthodes Pharmacologie generale', 'méthodes pha-l2-101', 'méthodes PHARMACOLOGIE GÉNÉRALE']) {
      const [r] = await converse(bot, TEACHER, [q]);
      // The tutors' sync was removed above: the course's answer, whichever it is, names PHA-L2-101.
      expect([q, r!.view.tone ?? 'info', (r!.view.title ?? r!.text).split('\n')[0]]).toEqual([q, 'info', expect.stringContaining('PHA-L2-101 (ecampus)')]);
    }
    const [near] = await converse(bot, TEACHER, ['méthodes PHA-L2-10']);
    expect(near!.text).toContain('Vouliez-vous dire `méthodes ecampus:PHA-L2-101`');
    const [q] = await converse(bot, SUPPORT, ["pourquoi e21900001 n'est pas inscrit à PHA-L2-102"]);
    expect(q!.view.title).toMatch(/e21900001.*PHA-L2-102/);
  });
});
