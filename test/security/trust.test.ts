/**
 * Trust at the edges (#28), one test per hole, against the demo university on the simulator through
 * the same core the channels use: support acts with its own Moodle rights, a teacher must be an active
 * participant, and nothing is told before the right is known. (The Teams edge: teams-tenant.test.ts;
 * names: hostile-names.test.ts; files: store-files.test.ts; the plugin rules on a real Moodle:
 * two-targets.test.ts.)
 */
import { BotCore } from '../../src/bot/core';
import type { Site } from '../../src/simulator/model';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER, botFor, converse } from '../helpers/bot';
import { SyncHarness, demoSeedWith, startSyncHarness } from '../helpers/engine';
import { cid, uid } from '../helpers/simulator';

/** Luc Petit, made support in cohortbot's settings, whose Moodle role is read-only (no cohort rights). */
const READONLY_SUPPORT = 'luc.petit@univ-demo.fr';

const members = (site: Site, idnumber: string) => site.members.find('cohort', site.cohorts.first('idnumber', idnumber)!.id).map((m) => m.userid).sort((a, b) => a - b);
/** What Moodle holds (rows by id, whatever order an update left them in). */
const snapshot = (site: Site) => JSON.stringify([site.cohorts, site.members, site.enrol, site.userEnrolments, site.roleAssignments].map((t) => [...t.all()].sort((a, b) => a.id - b.id)));

describe('trust at the edges (simulator, local_cohortbot)', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;
  beforeAll(async () => {
    h = await startSyncHarness({ env: { SUPPORT_USERS: `claire.moreau@univ-demo.fr,${READONLY_SUPPORT}` } });
    await h.engine.run();
    bot = botFor(h);
    site = h.sim.sim.site('ecampus');
    site.roleAssignments.insert({ roleid: site.roles.first('shortname', 'supportpedago')!.id, userid: uid(site, 'lpetit'), contextlevel: 'system', instanceid: 0, component: '', itemid: 0 });
  });
  afterAll(() => h.stop());

  describe('support acts as itself', () => {
    it('a support person whose Moodle role is read-only cannot create a cohort, add or remove members: refused, Moodle unchanged', async () => {
      const before = snapshot(site);
      const [create, add, remove] = await converse(bot, READONLY_SUPPORT, ['créer cohorte "Tuteurs pirates" tut-pirates dans ecampus', `ajouter membres tuteurs-l2-pharma lpetit e21900001`, 'retirer membres tuteurs-l2-pharma e21900019']);
      expect(create!.view.tone).toBe('error');
      expect(create!.text).toMatch(/ne peut pas créer de cohorte sur ecampus/);
      for (const r of [add!, remove!]) {
        expect(r.view.tone).toBe('error');
        expect(r.view.buttons ?? []).toEqual([]);
        expect(r.text).toMatch(/Aucune cohorte manuelle « tuteurs-l2-pharma » que vous puissiez modifier/);
      }
      expect(snapshot(site)).toBe(before);
      const audit = (await h.store.auditEntries(20)).filter((a) => a.actor === READONLY_SUPPORT);
      expect(audit.map((a) => [a.command, a.outcome]).sort()).toEqual([['addMembers', 'refused'], ['createCohort', 'refused'], ['removeMembers', 'refused']]);
    });

    it('the same support person with Moodle’s cohort rights may (the demo’s support), and a confirmation comes first', async () => {
      const [create] = await converse(bot, SUPPORT, ['créer cohorte "Tuteurs L1 pharma" tut-l1-pharma sur ecampus']);
      expect(create!.view.tone).toBe('success');
      expect(site.cohorts.first('idnumber', 'tut-l1-pharma')).toMatchObject({ name: 'Tuteurs L1 pharma', contextlevel: 'system' });
      const [ask, yes] = await converse(bot, SUPPORT, ['ajouter membres tut-l1-pharma e21900001', 'oui']);
      expect(ask!.view.buttons?.[0]?.label).toBe('Confirmer');
      expect(yes!.view.tone).toBe('success');
      expect(members(site, 'tut-l1-pharma')).toEqual([uid(site, 'e21900001')]);
    });

    it('créer cohorte never guesses: with several platforms and none named it offers them, and a word it cannot read is refused; nothing is created', async () => {
      const before = snapshot(site);
      const [choice, extra, misplaced] = await converse(bot, SUPPORT, ['créer cohorte "Sans plateforme" sans-plateforme', 'créer cohorte "X" x-id dans nulle-part', 'créer cohorte "Col test" coltest dans collegium en plus']);
      expect(choice!.view.tone).toBe('warning');
      expect(choice!.view.buttons?.map((b) => b.payload)).toEqual(['créer cohorte "Sans plateforme" ecampus:sans-plateforme', 'créer cohorte "Sans plateforme" collegium:sans-plateforme']);
      for (const r of [extra, misplaced]) expect(r!.view.tone).toBe('error');
      expect(snapshot(site)).toBe(before);
      expect(h.sim.sim.site('collegium').cohorts.first('idnumber', 'coltest')).toBeUndefined();
    });

    it('a cohort synced into a course with a teacher role is changed only after a confirmation naming the courses and the role', async () => {
      // The demo syncs "Tuteurs L2 pharma" into PHA-L2-101 as non-editing teachers; add an editing-teacher sync elsewhere.
      const cohort = site.cohorts.first('idnumber', 'tuteurs-l2-pharma')!;
      site.addInstance(cid(site, 'PHA-L3-201'), cohort.id, site.roles.first('shortname', 'editingteacher')!.id, 0, 0, '');
      const before = members(site, 'tuteurs-l2-pharma');
      const [ask] = await converse(bot, SUPPORT, ['ajouter membres tuteurs-l2-pharma cmoreau']);
      expect(ask!.text).toMatch(/Attention : cette cohorte est synchronisée avec un rôle autre qu’étudiant — PHA-L2-101 \(Pharmacologie générale\) : rôle enseignant non éditeur ; PHA-L3-201 \(.*\) : rôle enseignant\. Ces personnes y recevront ce rôle/);
      expect(members(site, 'tuteurs-l2-pharma')).toEqual(before);
      const [remove] = await converse(bot, SUPPORT, ['non', 'retirer membres tuteurs-l2-pharma e21900019']).then((r) => r.slice(1));
      expect(remove!.text).toMatch(/PHA-L2-101 .* rôle enseignant non éditeur ; PHA-L3-201 .* rôle enseignant/);
      await converse(bot, SUPPORT, ['non']);
      // A student-role sync alone asks no such warning.
      const [plain] = await converse(bot, SUPPORT, ['ajouter membres tut-l1-pharma e21900002']);
      expect(plain!.text).not.toMatch(/Attention/);
      await converse(bot, SUPPORT, ['non']);
      expect(members(site, 'tuteurs-l2-pharma')).toEqual(before);
    });

    it('hidden cohorts are hidden from support in every command, as if they did not exist; admins see them', async () => {
      const pha = site.categories.first('idnumber', 'PHA')!;
      site.cohorts.insert({ contextlevel: 'coursecat', categoryid: pha.id, name: 'Jury secret', idnumber: 'jury-secret', description: '', descriptionformat: 1, visible: false, component: '', theme: '', timecreated: 0 });
      site.addMember(site.cohorts.first('idnumber', 'jury-secret')!.id, uid(site, 'e21900003'));
      const [list, add, unknownList, unknownAdd] = await converse(bot, SUPPORT, ['membres jury-secret', 'ajouter membres jury-secret e21900001', 'membres nope-nope', 'ajouter membres nope-nope e21900001']);
      expect(list!.text.replaceAll('jury-secret', 'X')).toBe(unknownList!.text.replaceAll('nope-nope', 'X'));
      expect(add!.text.replaceAll('jury-secret', 'X')).toBe(unknownAdd!.text.replaceAll('nope-nope', 'X'));
      expect(list!.text).not.toContain('Student3');
      const [admin] = await converse(bot, ADMIN, ['membres jury-secret']);
      expect(admin!.text).toContain('jury-secret');
    });

    it('membres reads as the person: without moodle/cohort:view in Moodle, a cohort reads as one that does not exist; with it (the read-only support role), the members', async () => {
      const lpetit = uid(site, 'lpetit');
      const support = site.roleAssignments.find('user', lpetit).find((ra) => ra.roleid === site.roles.first('shortname', 'supportpedago')!.id)!;
      site.roleAssignments.delete(support.id);
      try {
        const [list, unknown] = await converse(bot, READONLY_SUPPORT, ['membres tuteurs-l2-pharma', 'membres nope-nope']);
        expect(list!.view.tone).toBe('error');
        expect(list!.text.replaceAll('tuteurs-l2-pharma', 'X')).toBe(unknown!.text.replaceAll('nope-nope', 'X'));
        for (const u of members(site, 'tuteurs-l2-pharma').map((id) => site.users.get(id)!)) {
          expect(list!.text).not.toContain(u.email);
          expect(list!.text).not.toContain(u.lastname);
        }
        const audit = (await h.store.auditEntries(20)).filter((a) => a.actor === READONLY_SUPPORT && a.command === 'members');
        expect(audit.map((a) => [a.target, a.outcome, a.detail])).toContainEqual(['tuteurs-l2-pharma', 'refused', 'onbehalfnopermission']);
      } finally {
        site.roleAssignments.insert({ ...support, id: undefined });
      }
      // Moodle grants him reading (moodle/cohort:view at site level): the same command lists the members.
      const [allowed] = await converse(bot, READONLY_SUPPORT, ['membres tuteurs-l2-pharma']);
      expect(allowed!.view.tone).not.toBe('error');
      const shown = members(site, 'tuteurs-l2-pharma').map((id) => site.users.get(id)!);
      expect(shown.length).toBeGreaterThan(0);
      for (const u of shown) expect(allowed!.text).toContain(u.email);
    });
  });

  describe('an active participant, as Moodle asks', () => {
    const enrolment = () => {
      const course = cid(site, 'PHA-L2-102');
      const manual = site.enrol.find('course', course).find((i) => i.enrol === 'manual')!;
      return site.userEnrolments.first('pair', `${manual.id}:${uid(site, 'mdurand')}`)!;
    };
    const commands = ['méthodes PHA-L2-102', 'chercher pharma dans PHA-L2-102', 'ajouter etp:L3PHA1 à PHA-L2-102', 'modifier etp:L2PHA1 dans PHA-L2-102 désactiver', 'retirer etp:L2PHA1 de PHA-L2-102', 'pourquoi e21900001 PHA-L2-102'];
    for (const [label, change] of [
      ['suspended', { status: 1 }],
      ['ended', { timestart: 1, timeend: 86_400 }],
    ] as const) {
      it(`a teacher whose enrolment is ${label} keeps her role in Moodle but no cohort-sync action: every command refused, Moodle unchanged`, async () => {
        const ue = enrolment();
        const saved = { status: ue.status, timestart: ue.timestart, timeend: ue.timeend };
        site.userEnrolments.update(ue.id, change);
        try {
          expect(site.rolesIn(uid(site, 'mdurand'), { level: 'course', instanceid: cid(site, 'PHA-L2-102') }).map((r) => r.shortname)).toContain('editingteacher');
          const before = snapshot(site);
          const replies = await converse(bot, TEACHER, commands);
          for (const r of replies) {
            expect(r.view.tone).toBe('error');
            expect(r.view.buttons ?? []).toEqual([]);
            expect(r.text).not.toMatch(/L2PHA1 .*inscrits|Compte Moodle|Ajouter une synchronisation/);
          }
          expect(snapshot(site)).toBe(before);
        } finally {
          site.userEnrolments.update(ue.id, saved);
        }
        // Active again: she may.
        const [ok] = await converse(bot, TEACHER, ['méthodes PHA-L2-102']);
        expect(ok!.view.tone).not.toBe('error');
      });
    }
  });

  describe('nothing is told before the right is known', () => {
    it('"no such course" and "not your course" read the same, for questions and for changes', async () => {
      for (const [mine, none] of [
        ['méthodes PHA-L2-101', 'méthodes PHA-NOPE-1'],
        ['ajouter etp:L2PHA1 à PHA-L2-101', 'ajouter etp:L2PHA1 à PHA-NOPE-1'],
        ['chercher pharma dans PHA-L2-101', 'chercher pharma dans PHA-NOPE-1'],
        ['pourquoi e21900001 PHA-L2-101', 'pourquoi e21900001 PHA-NOPE-1'],
      ]) {
        const [a, b] = await converse(bot, COLLEAGUE, [mine!, none!]);
        expect(a!.view.tone).toBe('error');
        expect(a!.text.replaceAll('PHA-L2-101', 'X')).toBe(b!.text.replaceAll('PHA-NOPE-1', 'X'));
      }
    });

    it('course choices are offered only among the courses the person may use; a hidden course is never named', async () => {
      const cat = site.categories.first('idnumber', 'PHA')!;
      const mk = (shortname: string, visible: boolean) => {
        const c = site.courses.insert({ fullname: 'Zoologie marine', shortname, idnumber: '', categoryid: cat.id, visible, summary: '', format: 'topics', startdate: 0, enddate: 0, timecreated: 0 });
        site.enrol.insert({ courseid: c.id, enrol: 'manual', status: 0, name: '', roleid: 5, customint1: 0, customint2: 0, sortorder: 0 });
        return c;
      };
      const mine = mk('ZOO-MINE', true);
      mk('ZOO-SECRET', false);
      mk('ZOO-OTHER', true);
      site.enrolUser(site.enrol.find('course', mine.id)[0]!, uid(site, 'mdurand'), site.roles.first('shortname', 'editingteacher')!.id);
      const [teacher] = await converse(bot, TEACHER, ['méthodes "Zoologie marine"']);
      expect(teacher!.text).toMatch(/^ZOO-MINE \(ecampus\) ne synchronise aucune cohorte/);
      expect(teacher!.text).not.toMatch(/ZOO-SECRET|ZOO-OTHER/);
      const [colleague, none] = await converse(bot, COLLEAGUE, ['méthodes "Zoologie marine"', 'méthodes "Zoologie lunaire"']);
      expect(JSON.stringify(colleague!.view)).not.toMatch(/ZOO-/);
      expect(colleague!.text.replaceAll('Zoologie marine', 'X')).toBe(none!.text.replaceAll('Zoologie lunaire', 'X'));
    });
  });
});

describe('a local_ws_enrolcohort site (the fallback path)', () => {
  it('support’s créer cohorte, ajouter and retirer membres are refused (rights cannot be checked) and change nothing; a suspended or ended teacher is refused', async () => {
    const h = await startSyncHarness({ seed: demoSeedWith('local_ws_enrolcohort') });
    try {
      await h.engine.run();
      const site = h.sim.sim.site('ecampus');
      const before = snapshot(site);
      const replies = await converse(botFor(h), SUPPORT, ['créer cohorte "Tuteurs X" ecampus:tut-x', 'ajouter membres tuteurs-l2-pharma e21900001', 'retirer membres tuteurs-l2-pharma e21900019']);
      for (const r of replies) {
        expect(r.view.tone).toBe('error');
        expect(r.text).toMatch(/ne peut pas vérifier vos droits Moodle sur les cohortes/);
      }
      expect(snapshot(site)).toBe(before);
      // The fallback path asks Moodle core for active holders only: a suspended or ended teacher enrolment is refused too.
      const course = cid(site, 'PHA-L2-102');
      const ue = site.userEnrolments.first('pair', `${site.enrol.find('course', course).find((i) => i.enrol === 'manual')!.id}:${uid(site, 'mdurand')}`)!;
      for (const change of [{ status: 1 }, { timestart: 1, timeend: 86_400 }]) {
        site.userEnrolments.update(ue.id, change);
        const changed = snapshot(site);
        const replies = await converse(botFor(h), TEACHER, ['méthodes PHA-L2-102', 'ajouter etp:L3PHA1 à PHA-L2-102', 'oui', 'retirer etp:L2PHA1 de PHA-L2-102', 'oui']);
        for (const r of replies) expect(r.view.tone).toBe('error');
        expect(snapshot(site)).toBe(changed);
        site.userEnrolments.update(ue.id, { status: 0, timestart: 0, timeend: 0 });
      }
      const [ok] = await converse(botFor(h), TEACHER, ['méthodes PHA-L2-102']);
      expect(ok!.view.tone).not.toBe('error');
    } finally {
      await h.stop();
    }
  });
});
