/**
 * Every word true (issue #18): outcomes say what happened, unknown targets are errors (never a
 * success), figures are Moodle's — checked against the simulator's state, in French and English.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BotCore } from '../../src/bot/core';
import type { Site } from '../../src/simulator/model';
import { ADMIN, SUPPORT, TEACHER, converse, startDemoBot } from '../helpers/bot';
import { run } from '../helpers/cli';
import { DEMO_SEED, SyncHarness, demoEnv } from '../helpers/engine';
import { startSimulator } from '../helpers/simulator';

describe('outcomes in chat', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;
  beforeAll(async () => {
    ({ h, bot, site } = await startDemoBot());
  });
  afterAll(() => h.stop());

  const runsNow = async () => (await h.store.lastRuns(100)).length;

  it('an unknown student is an error, and no run is recorded', async () => {
    const before = await runsNow();
    for (const [line, locale, said] of [
      ['synchroniser e21999999', 'fr', /Étudiant inconnu « e21999999 »/],
      ['synchroniser étudiant e21999999', 'fr', /Étudiant inconnu/],
      ['sync student e21999999', 'en', /Unknown student "e21999999"/],
    ] as const) {
      const [r] = await converse(bot, SUPPORT, [line], { locale });
      expect(r!.view.tone).toBe('error');
      expect(r!.text).toMatch(said);
    }
    expect(await runsNow()).toBe(before);
  });

  it('a platform named bare is a platform run for an admin (not a student called "collegium"), with its counts', async () => {
    const [r] = await converse(bot, ADMIN, ['synchroniser collegium']);
    expect(r!.view.tone).not.toBe('error');
    const [last] = await h.store.lastRuns(1);
    expect(last!.scope).toBe('platform:collegium');
    expect(last!.platforms.map((p) => p.name)).toEqual(['collegium']);
    expect(r!.text).toMatch(/\d+ cohortes? créées?, \d+ ajouts?, \d+ retraits?/);
    // Support may sync a student, not a platform.
    const [s] = await converse(bot, SUPPORT, ['synchroniser plateforme ecampus']);
    expect(s!.text).toMatch(/réservée aux administrateurs/);
  });

  it('an unknown cohort is an error with the closest étape; a known one runs', async () => {
    const before = await runsNow();
    const [bad] = await converse(bot, ADMIN, ['synchroniser cohorte L2PHAX']);
    expect(bad!.view.tone).toBe('error');
    expect(bad!.text).toMatch(/Cohorte inconnue « L2PHAX ».*Vouliez-vous dire L2PHA1/);
    expect(await runsNow()).toBe(before);
    const [ok] = await converse(bot, ADMIN, ['synchroniser cohorte L2PHA1'], { locale: 'en' });
    expect(ok!.text).toMatch(/Sync r\S+: applied\..*cohorts? created/s);
    expect((await h.store.lastRuns(1))[0]!.scope).toBe('cohort:L2PHA1');
  });

  it('removing a non-member from a manual cohort says so and removes nobody; the count is what Moodle did', async () => {
    const cohort = site.cohorts.first('idnumber', 'tuteurs-l2-pharma')!;
    const members = site.members.find('cohort', cohort.id).map((m) => site.users.get(m.userid)!.username);
    const outsider = site.users.all().find((u) => u.username.startsWith('e219') && !members.includes(u.username))!.username;
    const [none] = await converse(bot, SUPPORT, [`retirer membres tuteurs-l2-pharma ${outsider}`]);
    expect(none!.text).toMatch(/Aucun d’eux n’est membre de Tuteurs L2 pharma/);
    expect(none!.view.buttons ?? []).toEqual([]);
    const [mixed] = await converse(bot, SUPPORT, [`retirer membres tuteurs-l2-pharma ${members[0]} ${outsider}`]);
    expect(mixed!.text).toMatch(/Retirer 1 membre /);
    expect(mixed!.text).toContain(`Pas membres, rien à faire pour eux : ${outsider}`);
    const [done] = await converse(bot, SUPPORT, [mixed!.view.buttons![0]!.payload]);
    expect(done!.text).toMatch(/^✓ 1 membre retiré de Tuteurs L2 pharma/);
    expect(site.members.find('cohort', cohort.id)).toHaveLength(members.length - 1);
  });
});

describe('grammar that finds what people mean', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;
  beforeAll(async () => {
    ({ h, bot, site } = await startDemoBot());
    site.cohorts.insert({ contextlevel: 'system', categoryid: 0, name: 'Sciences du Médicament', idnumber: 'sci-medicament', description: '', descriptionformat: 1, visible: true, component: '', theme: '', timecreated: 0 });
  });
  afterAll(() => h.stop());

  it('search text ignores accents and case, in and out of a course', async () => {
    for (const line of ['chercher medicament', 'chercher MÉDICAMENT', 'search Medicament']) {
      const [r] = await converse(bot, SUPPORT, [line]);
      expect(r!.text).toContain('sci-medicament');
    }
    const [inCourse] = await converse(bot, TEACHER, ['chercher medicament dans PHA-L2-101']);
    expect(inCourse!.text).toContain('sci-medicament');
  });

  it('a course by its full name (exact or an unambiguous start), accents aside', async () => {
    const [exact] = await converse(bot, TEACHER, ['méthodes "Pharmacologie générale"']);
    expect(exact!.text).toMatch(/PHA-L2-101 \(ecampus\)/);
    const [prefix] = await converse(bot, TEACHER, ['méthodes Chimie']);
    expect(prefix!.text).toMatch(/PHA-L2-102 \(ecampus\)/);
  });

  it('"sur <plateforme>" and "<plateforme>:" name the platform of a cohort', async () => {
    const collegium = h.sim.sim.site('collegium');
    await converse(bot, SUPPORT, ['créer cohorte "Tuteurs M1" sur collegium']);
    expect(collegium.cohorts.first('idnumber', 'tuteurs-m1')).toBeDefined();
    expect(site.cohorts.first('idnumber', 'tuteurs-m1')).toBeUndefined();
    await converse(bot, SUPPORT, ['créer cohorte "Tuteurs M2" collegium:tut-m2']);
    expect(collegium.cohorts.first('idnumber', 'tut-m2')).toBeDefined();
    const [onlyCollegium] = await converse(bot, SUPPORT, ['chercher tuteurs sur collegium']);
    expect(onlyCollegium!.text).toContain('tut-m2');
    expect(onlyCollegium!.text).not.toContain('tuteurs-l2-pharma');
  });

  it('a view never offers a button its viewer may not use: support is not offered "add to the course"', async () => {
    const l3 = site.cohorts.first('idnumber', 'etp:L3PHA1')!;
    // The tutors of tuteurs-l2-pharma are L3 students with access to PHA-L2-101 already: "yes", and no fix (#27).
    const tutors = site.cohorts.first('idnumber', 'tuteurs-l2-pharma')!;
    const tutor = site.users.get(site.members.find('cohort', tutors.id)[0]!.userid)!.username;
    const [yes] = await converse(bot, SUPPORT, [`pourquoi ${tutor} PHA-L2-101`]);
    expect(yes!.text).toMatch(/A accès au cours, par synchronisation de cohorte tuteurs-l2-pharma/);
    expect(yes!.view.buttons ?? []).toEqual([]);
    const student = site.users.get(site.members.find('cohort', l3.id).find((m) => !site.isMember(tutors.id, m.userid))!.userid)!.username;
    const [support] = await converse(bot, SUPPORT, [`pourquoi ${student} PHA-L2-101`]);
    expect(support!.text).toMatch(/Le cours ne synchronise pas etp:L3PHA1/);
    // Syncing his étape brings others: said with their number, and the narrower manual enrolment beside it.
    expect(support!.text).toMatch(/inscrit \d+ personnes .*\n.*plus étroit : seulement lui/);
    expect((support!.view.buttons ?? []).filter((b) => b.payload.startsWith('ajouter'))).toEqual([]);
    // An admin (a Moodle site administrator) may add it: the button is there.
    const [admin] = await converse(bot, ADMIN, [`pourquoi ${student} PHA-L2-101`]);
    expect((admin!.view.buttons ?? []).some((b) => b.payload === 'ajouter etp:L3PHA1 à ecampus:PHA-L2-101')).toBe(true);
  });

  it('support may list the members of any cohort, a managed one included (read-only)', async () => {
    const [r] = await converse(bot, SUPPORT, ['membres ecampus:L2PHA1']);
    expect(r!.view.tone).not.toBe('error');
    const c = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    expect(r!.text).toContain(`— ${site.members.find('cohort', c.id).length} ${site.members.find('cohort', c.id).length < 2 ? 'membre' : 'membres'}`);
    const [edit] = await converse(bot, SUPPORT, ['ajouter membres etp:L2PHA1 e21900001']);
    expect(edit!.text).toMatch(/cohorte générale, tenue par la synchronisation/);
  });
});

describe('outcomes on the command line', () => {
  let dir: string;
  let env: Record<string, string>;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const sim = await startSimulator(DEMO_SEED);
    stop = () => sim.stop();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-truth-'));
    env = demoEnv(sim, {}, dir);
  });
  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sync --user and --cohort of unknown targets exit 2 with a clear message; --platform too', async () => {
    const user = await run(['sync', '--user', 'e21999999', '--json'], env);
    expect(user.code).toBe(2);
    expect(user.stderr).toMatch(/unknown student "e21999999"/);
    const cohort = await run(['sync', '--cohort', 'L2PHAX', '--json'], env);
    expect(cohort.code).toBe(2);
    expect(cohort.stderr).toMatch(/unknown cohort L2PHAX.*did you mean L2PHA1/);
    expect((await run(['sync', '--platform', 'nowhere'], env)).code).toBe(2);
    expect((await run(['sync', '--user', 'e21900001', '--json'], env)).code).toBe(0);
  });

  it('a dry run counts the reads it made', async () => {
    const r = await run(['sync', '--dry-run', '--json'], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { status: string; platforms: Array<{ readCalls: number; writeCalls: number }> };
    expect(doc.status).toBe('dry-run');
    for (const p of doc.platforms) {
      expect(p.readCalls).toBeGreaterThan(0);
      expect(p.writeCalls).toBe(0);
    }
  });
});
