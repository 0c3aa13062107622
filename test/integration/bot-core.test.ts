/** The command core's handlers against the simulator, as teachers use them. */
import pino from 'pino';
import { BotCore } from '../../src/bot/core';
import { createDirectorySource } from '../../src/directory';
import { createPlatformApis } from '../../src/moodle/platforms';
import type { Site } from '../../src/simulator/model';
import { COLLEAGUE, TEACHER, converse, plainSpaces, startDemoBot } from '../helpers/bot';
import type { SyncHarness } from '../helpers/engine';
import { HOSTILE } from '../helpers/hostile';

describe('bot core on the demo university', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;
  beforeAll(async () => {
    ({ h, bot, site } = await startDemoBot());
  });
  afterAll(() => h.stop());

  const course = (shortname: string) => site.courses.first('shortname', shortname)!;
  const cohort = (idnumber: string) => site.cohorts.first('idnumber', idnumber)!;
  const instances = (shortname: string) => site.enrol.find('course', course(shortname).id).filter((i) => i.enrol === 'cohort');

  it('searches cohorts with member counts, managed or manual', async () => {
    const [r] = await converse(bot, TEACHER, ['chercher pharma']);
    expect(r!.text).toMatch(/Licence 2 Pharmacie \(L2PHA1\)\s+etp:L2PHA1\s+17\s+générale/);
    expect(r!.text).toMatch(/Tuteurs L2 pharma\s+tuteurs-l2-pharma\s+5\s+manuelle/);
  });

  it('adds a cohort to the teacher\'s own course only after confirmation; its students are then enrolled', async () => {
    const members = site.members.find('cohort', cohort('etp:L3PHA1').id).map((m) => m.userid);
    const [ask] = await converse(bot, TEACHER, ['ajouter L3PHA1 à PHA-L3-201 rôle étudiant groupe aucun']);
    expect(plainSpaces(ask!.view.title!)).toBe('Ajouter une synchronisation de cohorte ?');
    expect(ask!.view.buttons!.map((b) => b.label)).toEqual(['Confirmer', 'Annuler']);
    expect(instances('PHA-L3-201')).toHaveLength(0);
    for (const m of members) expect(site.isActiveParticipant(course('PHA-L3-201').id, m)).toBe(false);
    const [done] = await converse(bot, TEACHER, [ask!.view.buttons![0]!.payload]);
    expect(done!.view.tone).toBe('success');
    // Moodle's truth: its active participants through this sync, as core_enrol_get_enrolled_users(onlyactive) counts them.
    const active = members.filter((m) => site.isActiveParticipant(course('PHA-L3-201').id, m));
    expect(done!.text).toContain(`${active.length} étudiants y sont maintenant inscrits par cette cohorte`);
    // Enrolled, not "access": one of them has a suspended account (e21900021), counted by Moodle, who cannot log in.
    expect(active.some((m) => site.users.get(m)!.suspended)).toBe(true);
    expect(done!.text).not.toMatch(/accès/);
    for (const m of members) expect(site.isActiveParticipant(course('PHA-L3-201').id, m)).toBe(true);
    // The confirmation is used up.
    const [again] = await converse(bot, TEACHER, [ask!.view.buttons![0]!.payload]);
    expect(again!.text).toMatch(/C’est déjà fait : cette confirmation a déjà servi/);
  });

  it('two clicks on the same "yes" at once (a double click, a retried request): one effect, the other "already done"', async () => {
    const [ask] = await converse(bot, TEACHER, ['ajouter etp:L1DRT1 à PHA-L3-201']);
    const yes = ask!.view.buttons!.find((b) => b.payload.startsWith('oui '))!.payload;
    const before = instances('PHA-L3-201').length;
    const [a, b] = await Promise.all([converse(bot, TEACHER, [yes]), converse(bot, TEACHER, [yes])]);
    const texts = [a[0]!.text, b[0]!.text];
    expect(texts.filter((x) => /C’est fait/.test(x))).toHaveLength(1);
    expect(texts.filter((x) => /C’est déjà fait/.test(x))).toHaveLength(1);
    expect(instances('PHA-L3-201').length).toBe(before + 1);
  });

  it('refuses a teacher on a colleague\'s course, and audits the refusal', async () => {
    const before = instances('PHA-L2-102').length;
    const [r] = await converse(bot, COLLEAGUE, ['ajouter etp:L3PHA1 à PHA-L2-102 rôle étudiant']);
    expect(r!.view.tone).toBe('error');
    expect(r!.text).toMatch(/Vous ne pouvez pas modifier les méthodes d’inscription de PHA-L2-102/);
    expect(instances('PHA-L2-102')).toHaveLength(before);
    const audit = await h.store.auditEntries(5);
    expect(audit[0]).toMatchObject({ actor: COLLEAGUE, command: 'add', course: 'PHA-L2-102', outcome: 'refused', detail: 'onbehalfnopermission' });
    const [oui] = await converse(bot, COLLEAGUE, ['oui']);
    expect(oui!.text).toMatch(/Rien à confirmer/);
  });

  it('refuses a teacher\'s question on a colleague\'s course as a question: it says they cannot see, not change', async () => {
    const [syncs] = await converse(bot, COLLEAGUE, ['méthodes PHA-L2-102']);
    expect(syncs!.view.tone).toBe('error');
    expect(syncs!.text).toMatch(/Vous ne pouvez pas voir les méthodes d’inscription de PHA-L2-102/);
    // A question not about enrolment methods says nothing of them (#26).
    for (const q of ['pourquoi e21900001 PHA-L2-102', 'chercher pharma dans PHA-L2-102']) {
      const [r] = await converse(bot, COLLEAGUE, [q]);
      expect(r!.view.tone).toBe('error');
      expect(r!.text).toMatch(/Aucun cours « PHA-L2-102 » parmi ceux que vous enseignez/);
    }
  });

  it('a bare "oui" answers only what the last reply asked: a command in between, or a newer question, leaves the older one to its card', async () => {
    const [ask] = await converse(bot, TEACHER, ['ajouter etp:M1PHA1 à PHA-M1-301']);
    await converse(bot, TEACHER, ['méthodes PHA-M1-301']);
    const [yes] = await converse(bot, TEACHER, ['oui']);
    expect(yes!.text).toMatch(/Rien à confirmer/);
    expect(instances('PHA-M1-301')).toHaveLength(0);
    // A line not understood is a reply that asked nothing, too; so is "ajouter" alone (its form).
    for (const between of ['blablabla zzz', 'ajouter']) {
      await converse(bot, TEACHER, ['ajouter etp:M1PHA1 à PHA-M1-301']);
      await converse(bot, TEACHER, [between]);
      expect((await converse(bot, TEACHER, ['oui']))[0]!.text).toMatch(/Rien à confirmer/);
      expect(instances('PHA-M1-301')).toHaveLength(0);
    }
    // Two questions in a row: "oui" answers the newer one only; "non" then finds nothing waiting, not the older one.
    await converse(bot, TEACHER, ['ajouter etp:L3PHA1 à PHA-M1-301']);
    const [yes2] = await converse(bot, TEACHER, ['oui']);
    expect(yes2!.text).toMatch(/inscrits/);
    expect(instances('PHA-M1-301').map((i) => i.customint1)).toEqual([cohort('etp:L3PHA1').id]);
    expect((await converse(bot, TEACHER, ['non']))[0]!.text).toMatch(/rien en attente de confirmation/);
    expect(instances('PHA-M1-301')).toHaveLength(1);
    // The card left aside still acts through its own button (it names its confirmation).
    const [viaCard] = await converse(bot, TEACHER, [ask!.view.buttons![0]!.payload]);
    expect(viaCard!.text).toMatch(/inscrits/);
    expect(instances('PHA-M1-301')).toHaveLength(2);
    // Put back as it was, for the tests that use this course.
    for (const c of ['etp:M1PHA1', 'etp:L3PHA1']) {
      const [del] = await converse(bot, TEACHER, [`retirer ${c} de PHA-M1-301`]);
      await converse(bot, TEACHER, [del!.view.buttons![0]!.payload]);
    }
    expect(instances('PHA-M1-301')).toHaveLength(0);
  });

  it('a button pressed by someone else does not act', async () => {
    const [ask] = await converse(bot, TEACHER, ['ajouter etp:M1PHA1 à PHA-M1-301']);
    const [other] = await converse(bot, COLLEAGUE, [ask!.view.buttons![0]!.payload]);
    expect(other!.text).toMatch(/appartient à quelqu’un d’autre/);
    expect(instances('PHA-M1-301')).toHaveLength(0);
    const [cancel] = await converse(bot, TEACHER, ['non']);
    expect(cancel!.text).toMatch(/Annulé/);
  });

  it("someone else's Confirm, Cancel or manual-enrolment click is refused and audited like every refusal: who clicked, which button, the card, notYours; no personal data in logs above debug", async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const watched = new BotCore({ config: h.config, apis: createPlatformApis(h.config), store: h.store, engine: h.engine, directory: createDirectorySource(h.config), logger });
    const [ask] = await converse(watched, TEACHER, ['ajouter etp:L2PHA1 à ESP-L2PHA1-2026']);
    const buttons = ask!.view.buttons!;
    const payload = (verb: RegExp) => buttons.find((b) => verb.test(b.payload))!.payload;
    const id = payload(/^oui /).split(' ')[1]!;
    expect(buttons.map((b) => b.payload.split(' ')[1])).toEqual([id, id, id]);
    const seen = (await h.store.auditEntries(1000)).length;
    const clicks = await converse(watched, COLLEAGUE, [payload(/^oui /), payload(/^non /), payload(/^manuel /)]);
    for (const c of clicks) {
      expect(c.view.tone).toBe('error');
      expect(c.text).toMatch(/appartient à quelqu’un d’autre/);
    }
    // Refusals are audited: the clicker, the button, the card's id, the reason code — nothing of the owner's card.
    const all = await h.store.auditEntries(1000);
    const added = all.slice(0, all.length - seen);
    expect(added.map((e) => ({ actor: e.actor, channel: e.channel, command: e.command, target: e.target, outcome: e.outcome, detail: e.detail }))).toEqual(
      ['manual', 'cancel', 'confirm'].map((command) => ({ actor: COLLEAGUE, channel: 'cli', command, target: id, outcome: 'refused', detail: 'notYours' })),
    );
    for (const e of added) expect(JSON.stringify(e)).not.toMatch(/marie\.durand|ESP-L2PHA1|L2PHA1/);
    // The same as the core's other refusals (authorisation, Moodle's onbehalfnopermission): outcome and code.
    const [foreign] = await converse(watched, COLLEAGUE, ['approuver 20260101-000000-abcd']);
    expect(foreign!.view.tone).toBe('error');
    expect((await h.store.auditEntries(1))[0]).toMatchObject({ actor: COLLEAGUE, command: 'approve', outcome: 'refused', detail: 'role' });
    // Nothing was done; the owner's card still works, and their Cancel is theirs.
    expect(instances('ESP-L2PHA1-2026')).toHaveLength(0);
    const [mine] = await converse(watched, TEACHER, [payload(/^non /)]);
    expect(mine!.text).toMatch(/Annulé/);
    expect(lines.join('\n')).not.toMatch(/paul\.martin|marie\.durand/);
  });

  it('warns on an auto-created course space only, and offers manual enrolment with an end date', async () => {
    const [normal] = await converse(bot, TEACHER, ['ajouter etp:L2PHA1 à PHA-M1-301']);
    expect(normal!.text).not.toMatch(/espace de cours créé automatiquement/);
    await converse(bot, TEACHER, ['non']);
    const [auto] = await converse(bot, TEACHER, ['ajouter etp:L2PHA1 à ESP-L2PHA1-2026']);
    expect(auto!.view.tone).toBe('warning');
    expect(auto!.text).toMatch(/espace de cours créé automatiquement : la synchronisation de cohorte y est déconseillée/);
    const manual = auto!.view.buttons!.find((b) => b.payload.startsWith('manuel'))!;
    expect(manual.label).toBe('Inscrire manuellement jusqu’au 15 août 2027');
    const [done] = await converse(bot, TEACHER, [manual.payload]);
    expect(done!.view.tone).toBe('success');
    const members = site.members.find('cohort', cohort('etp:L2PHA1').id).map((m) => m.userid);
    const esp = course('ESP-L2PHA1-2026');
    expect(instances('ESP-L2PHA1-2026')).toHaveLength(0);
    for (const m of members) {
      const e = site.enrolmentsOf(esp.id, m);
      expect(e).toHaveLength(1);
      expect(e[0]!.inst.enrol).toBe('manual');
      // The academic year's end, as support's "why" offers it (diagnosis/effect.ts endOfYear): one date, not two.
      expect(new Date(e[0]!.ue.timeend * 1000).toISOString()).toBe('2027-08-15T00:00:00.000Z');
    }
  });

  it('lists, changes and removes a cohort sync (removal confirmed, saying how many will no longer be enrolled)', async () => {
    const [add] = await converse(bot, TEACHER, ['add etp:L2PHA1 to PHA-L2-101 role student group new']);
    await converse(bot, TEACHER, [add!.view.buttons![0]!.payload]);
    const [list] = await converse(bot, TEACHER, ['méthodes PHA-L2-101']);
    expect(list!.text).toMatch(/Licence 2 Pharmacie \(L2PHA1\).*étudiant\s+Licence 2 Pharmacie \(L2PHA1\) cohort\s+active\s+17/);
    // A role change and disabling change people's access: confirmed first, saying how many.
    const [upd] = await converse(bot, TEACHER, ['modifier L2PHA1 dans PHA-L2-101 rôle enseignant non éditeur désactiver']);
    expect(upd!.view.tone).toBe('warning');
    expect(upd!.text).toMatch(/17 étudiants ne seront plus inscrits au cours jusqu’à sa réactivation/);
    expect(upd!.text).toMatch(/17 étudiants inscrits par .* recevront le rôle « enseignant non éditeur » à la place de « étudiant »/);
    const inst = instances('PHA-L2-101').find((i) => i.customint1 === cohort('etp:L2PHA1').id)!;
    expect([inst.roleid, inst.status]).toEqual([5, 0]);
    const [applied] = await converse(bot, TEACHER, [upd!.view.buttons![0]!.payload]);
    expect(applied!.view.tone).toBe('success');
    // A new group is named once: "nouveau groupe au nom de la cohorte …", not "groupe nouveau groupe …".
    const [regroup] = await converse(bot, TEACHER, ['modifier L2PHA1 dans PHA-L2-101 groupe nouveau']);
    expect(regroup!.text).toMatch(/: nouveau groupe au nom de la cohorte « Licence 2 Pharmacie \(L2PHA1\) »/);
    expect(regroup!.text).not.toMatch(/groupe nouveau/);
    expect([site.enrol.get(inst.id)!.roleid, site.enrol.get(inst.id)!.status]).toEqual([4, 1]);
    // Disabled, the sync lets nobody in: removing it now takes access from nobody.
    const [ask] = await converse(bot, TEACHER, ['retirer etp:L2PHA1 de PHA-L2-101']);
    expect(ask!.text).toMatch(/0 tuteur \(enseignant non éditeur\) ne sera plus inscrit au cours/);
    expect(site.enrol.get(inst.id)).toBeDefined();
    const [done] = await converse(bot, TEACHER, ['oui']);
    expect(done!.view.tone).toBe('success');
    expect(site.enrol.get(inst.id)).toBeUndefined();
  });

  it('gives choices when a name matches several cohorts, and names courses by URL or id', async () => {
    const [amb] = await converse(bot, TEACHER, ['ajouter pharmacie à PHA-L2-102']);
    expect(amb!.view.tone).toBe('warning');
    expect(amb!.view.buttons!.length).toBeGreaterThanOrEqual(2);
    expect(amb!.view.buttons!.every((b) => b.payload.startsWith('ajouter ') && b.payload.includes(' à ecampus:PHA-L2-102'))).toBe(true);
    const url = `${h.env.MOODLE_ECAMPUS_URL}/course/view.php?id=${course('PHA-L2-102').id}`;
    const [byUrl] = await converse(bot, TEACHER, [`méthodes ${url}`, `méthodes ${course('PHA-L2-102').id}`]);
    expect(byUrl!.text).toMatch(/Synchronisations de cohortes — PHA-L2-102 \(ecampus\)/);
  });

  it('reports the last run in status, and answers unknown courses and cohorts clearly', async () => {
    const [st, nocourse, nocohort] = await converse(bot, TEACHER, ['état', 'méthodes NOPE-101', 'ajouter etp:ZZZ9 à PHA-L2-102']);
    expect(st!.text).toMatch(/Dernière synchronisation : .* — appliquée/);
    expect(st!.text).toMatch(/ecampus\s+9\s+110\s+1/);
    expect(st!.text).toMatch(/Prochaine : /);
    // Not found reads like not allowed (#28): the words say to check the name.
    expect(nocourse!.text).toMatch(/Vous ne pouvez pas voir les méthodes d’inscription de NOPE-101 : aucun cours de ce nom .*vérifiez le nom abrégé/);
    expect(nocohort!.text).toMatch(/Aucune cohorte « etp:ZZZ9 » disponible pour PHA-L2-102/);
  });

  it('answers in English for an English locale, and help needs no Moodle account', async () => {
    const [r] = await converse(bot, 'stranger@nowhere.example', ['help', 'syncs PHA-L2-101'], { locale: 'en-GB' });
    expect(r!.text).toMatch(/^cohortbot — help/);
    const [, second] = await converse(bot, 'stranger@nowhere.example', ['help', 'syncs PHA-L2-101'], { locale: 'en-GB' });
    expect(second!.text).toMatch(/No Moodle account matches your address.*only "help" and "whoami"/);
  });

  it(`answers every hostile input (${HOSTILE.length}) with a clear reply, never an exception`, async () => {
    for (const input of HOSTILE) {
      const view = await bot.handle({ channel: 'cli', chatUserId: TEACHER, email: TEACHER }, input);
      expect(view.blocks.length).toBeGreaterThan(0);
      expect(view.blocks.every((b) => b.type !== 'text' || b.text.length > 0)).toBe(true);
    }
  });
});
