/**
 * Authority fails closed: one test per attack of issue #17, against the demo university on the
 * simulator, through the same core the channels use.
 */
import { BotCore } from '../../src/bot/core';
import { loadConfig } from '../../src/config';
import { NoActingUserError, PluginCohortSyncs, cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import { createPlatformApis } from '../../src/moodle/platforms';
import { createDirectorySource } from '../../src/directory';
import { silentLogger } from '../../src/log';
import type { Site } from '../../src/simulator/model';
import { z } from 'zod';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER, botFor, converse, startDemoBot } from '../helpers/bot';
import { cid, errorCode, uid } from '../helpers/simulator';
import { SyncHarness, demoSeedWith, startSyncHarness } from '../helpers/engine';


describe('authority fails closed (simulator)', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;
  beforeAll(async () => {
    ({ h, bot, site } = await startDemoBot());
  });
  afterAll(() => h.stop());

  it('a teacher asking why about her own student whose account is suspended learns the enrolment, never the account’s state (support does)', async () => {
    const student = site.users.get(site.members.find('cohort', site.cohorts.first('idnumber', 'etp:L2PHA1')!.id).map((m) => site.users.get(m.userid)!).find((u) => !u.suspended)!.id)!;
    site.users.update(student.id, { suspended: true });
    try {
      const [teacher, support] = [...(await converse(bot, TEACHER, [`pourquoi ${student.username} PHA-L2-102`])), ...(await converse(bot, SUPPORT, [`pourquoi ${student.username} PHA-L2-102`]))];
      expect(teacher!.text).toMatch(/Inscription active au cours/);
      expect(teacher!.text).not.toMatch(/suspendu|se connecter|a accès|A accès|Rien à faire/i);
      expect(support!.text).toMatch(/ne peut pas se connecter \(compte Moodle suspendu\)/);
    } finally {
      site.users.update(student.id, { suspended: false });
    }
  });

  it('a teacher asking why about a student outside her course learns only what the course can know', async () => {
    // A law student (L1DRT1), nothing to do with PHA-L2-101; the liste-rouge student too.
    const law = site.cohorts.first('idnumber', 'etp:L1DRT1')!;
    const lawStudent = site.users.get(site.members.find('cohort', law.id)[0]!.userid)!;
    const [r] = await converse(bot, TEACHER, [`pourquoi ${lawStudent.username} PHA-L2-101`]);
    expect(r!.view.private).toBe(true);
    const said = r!.text;
    // Not in the course: that is all (#28) — not even whether the account exists.
    expect(said).toContain(`${lawStudent.username} n’est pas dans PHA-L2-101`);
    for (const secret of ['Compte Moodle', 'le compte existe', 'Entrée dans l’annuaire', 'L1DRT1', 'Licence 1 Droit', 'liste rouge', 'dernière', 'inscription 2026', lawStudent.email, lawStudent.lastname]) expect(said).not.toContain(secret);
    expect(said).toMatch(/support/);
    // Someone nobody knows reads the same, word for word but the name.
    const [nobody] = await converse(bot, TEACHER, ['pourquoi e29999999 PHA-L2-101']);
    expect(nobody!.text.replaceAll('e29999999', 'X')).toBe(said.replaceAll(lawStudent.username, 'X'));
    // Support, on the same question, gets the full chain.
    const [s] = await converse(bot, SUPPORT, [`pourquoi ${lawStudent.username} PHA-L2-101`]);
    expect(s!.text).toContain('✓ Annuaire');
  });

  it("a teacher cannot ask why in a colleague's course at all", async () => {
    const [r] = await converse(bot, COLLEAGUE, ['pourquoi e21900001 PHA-L2-101']);
    expect(r!.view.tone).toBe('error');
    expect(r!.text).not.toMatch(/Compte Moodle|Entrée dans l’annuaire/);
    expect((await h.store.auditEntries(5)).find((a) => a.actor === COLLEAGUE && a.command === 'why')).toMatchObject({ outcome: 'refused' });
  });

  it('a student asking why about another student is refused in their words, revealing nothing: the same for a real course, one of theirs and none; audited', async () => {
    const student = site.users.first('username', 'e21900001')!;
    const answers = await converse(bot, student.email, ['pourquoi e21900002 PHA-L2-101', 'pourquoi e21900002 PHA-L2-102', 'pourquoi e29999999 NOPE-404', 'changements PHA-L2-101', 'changements NOPE-404']);
    for (const r of answers) {
      expect(r.view.tone).toBe('error');
      expect(r.text).toMatch(/réservée aux enseignants, au support et aux administrateurs/);
      expect(r.text).not.toMatch(/PHA-L2|NOPE|e2199|e2999|Roux|Compte Moodle|Annuaire|enseignez|méthodes/);
    }
    expect(new Set(answers.slice(0, 3).map((r) => r.text)).size).toBe(1);
    expect(answers[3]!.text).toBe(answers[4]!.text);
    expect((await h.store.auditEntries(20)).filter((a) => a.actor === student.email && a.command === 'why' && a.outcome === 'refused').length).toBeGreaterThan(0);
  });

  it("a student's méthodes, ajouter, modifier and retirer are refused in their words, revealing nothing: the same for a real course, one of theirs and none, in both languages; audited; nothing changes", async () => {
    const student = site.users.first('username', 'e21900001')!;
    const before = JSON.stringify(site.enrol.all());
    for (const [locale, lines, words] of [
      ['fr', ['méthodes PHA-L2-101', 'méthodes PHA-L2-102', 'méthodes NOPE-404', 'ajouter etp:L2PHA1 à PHA-L2-101', 'ajouter etp:L2PHA1 à NOPE-404', 'ajouter etp:L2PHA1 PHA-L2-101', 'modifier etp:L2PHA1 dans PHA-L2-101 désactiver', 'modifier etp:L2PHA1 dans NOPE-404 désactiver', 'retirer etp:L2PHA1 de PHA-L2-101', 'retirer etp:L2PHA1 de NOPE-404'], /réservée aux enseignants, au support et aux administrateurs/],
      ['en', ['syncs PHA-L2-101', 'syncs NOPE-404', 'add etp:L2PHA1 to PHA-L2-101', 'update etp:L2PHA1 in PHA-L2-101 disable', 'remove etp:L2PHA1 from PHA-L2-101', 'remove etp:L2PHA1 from NOPE-404'], /for teachers, support staff and administrators/],
    ] as const) {
      const answers = await converse(bot, student.email, [...lines], { locale });
      for (const r of answers) {
        expect(r.view.tone).toBe('error');
        expect(r.text).toMatch(words);
        expect(r.text).not.toMatch(/PHA-L2|NOPE|L2PHA1|Pharma|méthodes|enrolment methods|enseignez|you teach/);
      }
      expect(new Set(answers.map((r) => r.text)).size).toBe(1);
    }
    expect(JSON.stringify(site.enrol.all())).toBe(before);
    const refusals = (await h.store.auditEntries(50)).filter((a) => a.actor === student.email && a.outcome === 'refused');
    for (const kind of ['syncs', 'add', 'update', 'remove']) expect(refusals.some((a) => a.command === kind)).toBe(true);
  });

  it('an outsider (no Moodle account) gets help and whoami only: no role label, no search', async () => {
    const [help, who, search, syncs] = await converse(bot, 'stranger@nowhere.example', ['aide', 'qui suis-je', 'chercher pharma', 'méthodes PHA-L2-101']);
    expect(help!.view.tone).not.toBe('error');
    expect(who!.text).not.toMatch(/enseignant|support|administrateur/);
    expect(who!.text).toMatch(/Aucun compte Moodle/);
    for (const r of [search!, syncs!]) {
      expect(r.view.tone).toBe('error');
      expect(r.text).not.toMatch(/L2PHA1|Pharmacie|Tuteurs/);
    }
  });

  it('a student with an account lists no cohorts (teaches nothing) and is not called a teacher', async () => {
    const student = site.users.first('username', 'e21900001')!;
    const [who, search] = await converse(bot, student.email, ['qui suis-je', 'chercher pharma']);
    expect(who!.text).not.toMatch(/enseignant/);
    expect(search!.text).not.toMatch(/L2PHA1|Tuteurs/);
  });

  it('hidden cohorts stay hidden: not to teachers in their course, not to support; admins see them', async () => {
    const pha = site.categories.first('idnumber', 'PHA')!;
    site.cohorts.insert({ contextlevel: 'coursecat', categoryid: pha.id, name: 'Cohorte cachée pharma', idnumber: 'cachee-pharma', description: '', descriptionformat: 1, visible: false, component: '', theme: '', timecreated: 0 });
    const [teacherInCourse, teacherAnywhere] = await converse(bot, TEACHER, ['chercher cachée dans PHA-L2-101', 'chercher cachée']);
    expect(teacherInCourse!.text).not.toContain('cachee-pharma');
    expect(teacherAnywhere!.text).not.toContain('cachee-pharma');
    const [support] = await converse(bot, SUPPORT, ['chercher cachée']);
    expect(support!.text).not.toContain('cachee-pharma');
    const [admin] = await converse(bot, ADMIN, ['chercher cachée']);
    expect(admin!.text).toContain('cachee-pharma');
    // And a teacher cannot add it by naming it.
    const [add] = await converse(bot, TEACHER, ['ajouter cachee-pharma à PHA-L2-101']);
    expect(add!.view.tone).toBe('error');
  });

  it('a suspended teacher does not act', async () => {
    const id = uid(site, 'mdurand');
    site.users.update(id, { suspended: true });
    try {
      const [r] = await converse(bot, TEACHER, ['méthodes PHA-L2-101']);
      expect(r!.view.tone).toBe('error');
      expect(r!.text).toMatch(/suspendu/);
    } finally {
      site.users.update(id, { suspended: false });
    }
  });

  it('two live accounts with one e-mail are ambiguous: refused with what to do, never the first one', async () => {
    const me = site.users.first('username', 'pmartin')!;
    const twin = site.users.insert({ ...me, id: undefined as never, username: 'pmartin2' });
    try {
      // The twin appeared after the bot last confirmed who this person is: a read may take that
      // confirmation for ACCOUNT_TRUST_MS (#33), `qui suis-je` asks Moodle again at once — and so does every write.
      const [who, r] = await converse(bot, COLLEAGUE, ['qui suis-je', 'méthodes DRT-L1-101']);
      expect(who!.text).toMatch(/Plusieurs comptes (Moodle )?actifs/);
      expect(r!.view.tone).toBe('error');
      expect(r!.text).toMatch(/Plusieurs comptes (Moodle )?actifs/);
      // Suspend the twin: only one live account again, and it works.
      site.users.update(twin.id, { suspended: true });
      const [ok] = await converse(bot, COLLEAGUE, ['méthodes DRT-L1-101']);
      expect(ok!.view.tone).not.toBe('error');
    } finally {
      site.users.update(twin.id, { deleted: true });
    }
  });

  it('an e-mail matches exactly: a longer or different address is nobody', async () => {
    for (const email of ['marie.durand@univ-demo.fr.evil.example', 'xmarie.durand@univ-demo.fr']) {
      const [r] = await converse(bot, email, ['méthodes PHA-L2-101']);
      expect(r!.view.tone).toBe('error');
      expect(r!.text).not.toContain('Licence 2 Pharmacie');
    }
    const [upper] = await converse(bot, 'Marie.Durand@UNIV-DEMO.fr', ['méthodes PHA-L2-101']);
    expect(upper!.view.tone).not.toBe('error');
  });

  it('CHAT_IDENTITY_MATCH=username maps only the university domains; it needs CHAT_IDENTITY_DOMAINS', async () => {
    expect(() => loadConfig({ ...h.env, CHAT_IDENTITY_MATCH: 'username' })).toThrow(/CHAT_IDENTITY_DOMAINS: missing/);
    const config = loadConfig({ ...h.env, CHAT_IDENTITY_MATCH: 'username', CHAT_IDENTITY_DOMAINS: 'univ-demo.fr' });
    const byName = new BotCore({ config, apis: createPlatformApis(config), store: h.store, engine: h.engine, directory: createDirectorySource(config), logger: silentLogger });
    const [foreign] = await converse(byName, 'mdurand@gmail.com', ['méthodes PHA-L2-101']);
    expect(foreign!.view.tone).toBe('error');
    expect(foreign!.text).toMatch(/pas une adresse de l’université/);
    const [own] = await converse(byName, 'mdurand@univ-demo.fr', ['méthodes PHA-L2-101']);
    expect(own!.view.tone).not.toBe('error');
  });

  it('onbehalfof 0 is refused by the TypeScript side before sending, and by the plugin', async () => {
    const api = createPlatformApis(h.config).get('ecampus')!;
    const syncs = await cohortSyncsFor(api);
    const course = cid(site, 'PHA-L2-101');
    const before = (api.client.stats.reads + api.client.stats.writes);
    await expect(syncs.list(course, 0)).rejects.toBeInstanceOf(NoActingUserError);
    await expect(syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: 0 })).rejects.toBeInstanceOf(NoActingUserError);
    expect((api.client.stats.reads + api.client.stats.writes)).toBe(before);
    // The plugin itself, called directly with 0 or without the parameter.
    const call = (fn: string, params: Record<string, unknown>) => errorCode(api.client.call(fn, params as never, z.unknown()));
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: course, onbehalfof: 0 })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: course })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_add_cohort_sync', { courseid: course, cohortidnumber: 'etp:L2PHA1' })).toBe('onbehalfrequired');
    expect(await call('local_cohortbot_get_available_cohorts', { courseid: course, onbehalfof: 0 })).toBe('onbehalfrequired');
    // A student is no acting teacher, and a suspended or no-login account acts for nobody.
    expect(await call('local_cohortbot_get_cohort_syncs', { courseid: course, onbehalfof: uid(site, 'e21900001') })).toBe('onbehalfnopermission');
    const id = uid(site, 'mdurand');
    site.users.update(id, { auth: 'nologin' });
    try {
      expect(await call('local_cohortbot_get_cohort_syncs', { courseid: course, onbehalfof: id })).toBe('onbehalfnopermission');
    } finally {
      site.users.update(id, { auth: 'cas' });
    }
  });

  it('the plugin says nothing about an instance id to someone without rights: missing, foreign and non-cohort ids answer alike', async () => {
    const api = createPlatformApis(h.config).get('ecampus')!;
    const syncs = new PluginCohortSyncs(api);
    const colleague = uid(site, 'pmartin');
    const pha = cid(site, 'PHA-L2-102');
    const phaSync = site.enrol.find('course', pha).find((i) => i.enrol === 'cohort')!;
    const manual = site.enrol.find('course', pha).find((i) => i.enrol === 'manual')!;
    for (const id of [phaSync.id, manual.id, 999_999]) {
      expect(await errorCode(syncs.remove(id, colleague))).toBe('onbehalfnopermission');
      expect(await errorCode(syncs.update(id, { enabled: false }, colleague))).toBe('onbehalfnopermission');
    }
    expect(site.enrol.get(phaSync.id)!.status).toBe(0);
  });
});

describe('fallback sites (local_ws_enrolcohort): rights from Moodle core, reads included', () => {
  let h: SyncHarness;
  let site: Site;
  beforeAll(async () => {
    h = await startSyncHarness({ seed: demoSeedWith('local_ws_enrolcohort') });
    site = h.sim.sim.site('ecampus');
  });
  afterAll(() => h.stop());

  it("a colleague cannot even read another course's cohort syncs; the teacher can", async () => {
    const bot = botFor(h);
    const [colleague] = await converse(bot, COLLEAGUE, ['méthodes PHA-L2-102']);
    expect(colleague!.view.tone).toBe('error');
    expect(colleague!.text).not.toContain('L2PHA1');
    const [teacher] = await converse(bot, TEACHER, ['méthodes PHA-L2-102']);
    expect(teacher!.view.tone).not.toBe('error');
    expect(teacher!.text).toContain('L2PHA1');
  });

  it('only COHORT_SYNC_FALLBACK_ROLES can be given (student by default); hidden cohorts are refused', async () => {
    const syncs = await cohortSyncsFor(createPlatformApis(h.config).get('ecampus')!, h.config.cohortSyncFallbackRoles);
    const course = cid(site, 'PHA-L2-101');
    const me = uid(site, 'mdurand');
    expect((await syncs.assignableRoles(course, me)).roles.map((r) => r.shortname)).toEqual(['student']);
    expect(await errorCode(syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, role: { shortname: 'editingteacher' }, onBehalfOf: me }))).toBe('rolenotassignable');
    const pha = site.categories.first('idnumber', 'PHA')!;
    site.cohorts.insert({ contextlevel: 'coursecat', categoryid: pha.id, name: 'Cachée', idnumber: 'cachee', description: '', descriptionformat: 1, visible: false, component: '', theme: '', timecreated: 0 });
    expect(await errorCode(syncs.add({ courseId: course, cohort: { idnumber: 'cachee' }, onBehalfOf: me }))).toBe('cohortnotavailable');
    expect((await syncs.availableCohorts(course, '', 100, me)).cohorts.map((c) => c.idnumber)).not.toContain('cachee');
    const r = await syncs.add({ courseId: course, cohort: { idnumber: 'etp:L2PHA1' }, onBehalfOf: me });
    expect(site.enrol.get(r.id)!.roleid).toBe(site.roles.first('shortname', 'student')!.id);
  });
});

describe('personal data stays out of logs above debug', () => {
  it('a one-student sync and a why leave no student identifier in info logs', async () => {
    const pino = (await import('pino')).default;
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const h = await startSyncHarness();
    try {
      const { SyncEngine } = await import('../../src/sync/engine');
      const engine = new SyncEngine({ config: h.config, directory: createDirectorySource(h.config), apis: createPlatformApis(h.config), store: h.store, logger });
      await engine.run({ user: 'e21900003' });
      const bot = new BotCore({ config: h.config, apis: createPlatformApis(h.config), store: h.store, engine, directory: createDirectorySource(h.config), logger });
      await converse(bot, SUPPORT, ['pourquoi e21900003 PHA-L2-102', 'synchroniser e21900003']);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toMatch(/e21900003|21900003/);
    } finally {
      await h.stop();
    }
  });

  it('a bad DATABASE_URL is reported without its password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://cohortbot:hunter2-secret@db/x' }, { moodle: false, directory: false })).toThrow(/\*\*\*@/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://cohortbot:hunter2-secret@db/x' }, { moodle: false, directory: false });
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});
