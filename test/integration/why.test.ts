/** The "why" diagnosis on the demo: Moodle's truth first, the sync's model second — the cases, in French and English. */
import { diagnose, Diagnosis, VERDICTS } from '../../src/diagnosis/why';
import { renderWhy } from '../../src/i18n/why';
import { cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import { createPlatformApis } from '../../src/moodle/platforms';
import { SUPPORT, TEACHER, converse } from '../helpers/bot';
import { enrolLater, useDemoWorld } from '../helpers/demo-world';

describe('why: Moodle first, then the sync', () => {
  const w = useDemoWorld({ beforeAll, afterAll });

  const why = async (student: string, course: string, opts: { on?: Date; calendar?: boolean } = {}): Promise<Diagnosis> => {
    const api = createPlatformApis(w.h.config).get('ecampus')!;
    const c = w.site.courses.first('shortname', course)!;
    // calendar: the year window of the day asked, not the harness's forced year.
    const config = opts.calendar ? { ...w.h.config, academicYear: { ...w.h.config.academicYear, year: undefined } } : w.h.config;
    return diagnose({ config, directory: w.dir, api, syncs: await cohortSyncsFor(api), store: w.h.store, now: new Date(), on: opts.on, actingUserId: w.site.users.first('username', 'cmoreau')!.id }, student, 'ecampus', { id: c.id, shortname: c.shortname, fullname: c.fullname, categoryid: c.categoryid });
  };
  const say = (d: Diagnosis, locale: 'fr' | 'en') => renderWhy(d, locale, w.h.config.academicYear.timezone);

  it('a tutor enrolled through the manual cohort tuteurs-l2-pharma has access, and no fix is proposed', async () => {
    const d = await why('e21900019', 'PHA-L2-101');
    expect(d.verdict).toBe('access');
    expect(d.access.has).toBe(true);
    expect(d.access.via).toContainEqual(expect.objectContaining({ method: 'cohort', cohort: 'tuteurs-l2-pharma', role: 'teacher', status: 'active', gives: true }));
    expect(d.fixes).toEqual([]);
    expect(say(d, 'fr').verdict).toBe('A accès au cours, par synchronisation de cohorte tuteurs-l2-pharma (enseignant non éditeur). Rien à faire.');
    expect(say(d, 'en').verdict).toBe('Has access to the course, through cohort sync tuteurs-l2-pharma (non-editing teacher). Nothing to do.');
  });

  it('a held removal: still enrolled, waiting for an administrator in run R — not "see the registrar", not "wrong platform"', async () => {
    const key = w.dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && w.site.users.first('username', s.key))!.key;
    const gone = w.dir.students.find((x) => x.key === key)!;
    w.dir.students = w.dir.students.filter((x) => x !== gone);
    const cohort = w.site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    await w.h.store.saveHeldPlan({ runId: 'r-held-1', createdAt: new Date().toISOString(), status: 'held', reasonCodes: [], removals: [{ platform: 'ecampus', cohortId: cohort.id, cohortIdnumber: 'etp:L2PHA1', userId: w.site.users.first('username', key)!.id, key, reason: { code: 'etapeGone', etape: 'L2PHA1' } }] });
    try {
      const d = await why(key, 'PHA-L2-102');
      expect(d).toMatchObject({ verdict: 'access-removal-held', about: { runId: 'r-held-1', cohort: 'etp:L2PHA1' }, fixes: [] });
      expect(d.access.has).toBe(true);
      expect(say(d, 'fr').verdict).toMatch(/^A toujours accès .*son retrait attend qu’un administrateur approuve ou rejette la synchronisation r-held-1\.$/);
      expect(say(d, 'en').verdict).toMatch(/^Still has access .*the removal waits for an administrator to approve or reject run r-held-1\.$/);
      expect(say(d, 'en').lines.join('\n')).not.toMatch(/platform/);
    } finally {
      await w.h.store.decideHeldPlan('r-held-1', 'rejected', 'test', new Date().toISOString());
      w.dir.students.push(gone);
    }
  });

  it('the grace period: last year’s member is kept between the switch and YEAR_GRACE_UNTIL, removed after — the sync’s own window', async () => {
    const real = w.dir.students.find((x) => x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && w.site.users.first('username', x.key) && !w.site.users.first('username', x.key)!.suspended)!;
    // This year's inscription only: next year, it is last year's.
    const s = { ...real, inscriptions: [{ year: 2026, etape: 'L2PHA1' }] };
    w.dir.students = w.dir.students.map((x) => (x === real ? s : x));
    const inGrace = await why(s.key, 'PHA-L2-102', { on: new Date('2027-09-10T10:00:00Z'), calendar: true });
    expect(inGrace.verdict).toBe('access');
    expect(inGrace.steps.find((x) => x.id === 'sync')!.facts).toContainEqual({ code: 'wants', etape: 'L2PHA1', cohort: 'etp:L2PHA1', mode: 'keep-only', member: true, next: 'keep' });
    expect(say(inGrace, 'fr').lines.join('\n')).toMatch(/membre de etp:L2PHA1 — gardé pendant le délai de grâce/);
    expect(say(inGrace, 'en').lines.join('\n')).toMatch(/member of etp:L2PHA1 — kept during the grace period/);
    const after = await why(s.key, 'PHA-L2-102', { on: new Date('2027-11-05T10:00:00Z'), calendar: true });
    expect(after.verdict).toBe('access-ends-next-run');
    expect(say(after, 'en').verdict).toMatch(/the next run .* will remove them/);
    w.dir.students = w.dir.students.map((x) => (x === s ? real : x));
  });

  it('a student whose étape the course does not sync: his own étape only, its full effect, and the narrower manual enrolment beside it', async () => {
    const s = w.dir.students.find((x) => x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && w.site.users.first('username', x.key) && !w.site.users.first('username', x.key)!.suspended)!;
    const d = await why(s.key, 'PHA-L3-201');
    expect(d.verdict).toBe('course-not-syncing');
    const [wide, narrow] = d.fixes;
    expect(wide).toMatchObject({ action: 'add-cohort-sync', cohort: 'etp:L2PHA1', by: 'teacher' });
    expect(wide!.effect.adds).toBeGreaterThan(1);
    expect(narrow).toMatchObject({ action: 'enrol-manually', by: 'teacher', effect: { adds: 1, removes: 0 } });
    expect(say(d, 'fr').fixes[0]).toMatch(new RegExp(`inscrit ${wide!.effect.adds} personnes \\(dont ${wide!.effect.adds - 1} autres personnes non inscrites aujourd’hui\\)`));
    expect(say(d, 'en').fixes[1]).toMatch(/^narrower: only them — enrol them manually, role student, until .* — by a teacher of the course; enrols 1 person$/);
  });

  it('an unknown student is said as such (the CLI exits 2 on it)', async () => {
    const d = await why('e29999999', 'PHA-L2-102');
    expect(d).toMatchObject({ verdict: 'unknown-student', access: { has: false, account: 'missing' }, fixes: [] });
  });

  it('in the chat: support gets Moodle’s answer first; a teacher only what the course knows', async () => {
    const [support] = await converse(w.bot, SUPPORT, ['pourquoi e21900019 PHA-L2-101']);
    expect(support!.view.private).toBe(true);
    expect(support!.text).toMatch(/A accès au cours, par synchronisation de cohorte tuteurs-l2-pharma/);
    expect(support!.view.buttons ?? []).toEqual([]);
    const [teacher] = await converse(w.bot, TEACHER, ['pourquoi e21900019 PHA-L2-101']);
    // The teacher is told the enrolment, not access: whether the account can log in is support's to know.
    expect(teacher!.text).toMatch(/Inscription active au cours, par synchronisation de cohorte tuteurs-l2-pharma/);
    expect(teacher!.text).not.toMatch(/Annuaire|inscriptions :|a accès|A accès|Rien à faire/);
  });

  it('a suspended account with an active enrolment: support reads "enrolled but cannot log in" (and canLogIn false in JSON); a teacher is told the enrolment only', async () => {
    const s = w.dir.students.find((x) => x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && w.site.users.first('username', x.key) && !w.site.users.first('username', x.key)!.suspended)!;
    const id = w.site.users.first('username', s.key)!.id;
    w.site.users.update(id, { suspended: true });
    try {
      const d = await why(s.key, 'PHA-L2-102');
      expect(d).toMatchObject({ verdict: 'account-suspended', access: { has: true, account: 'suspended', canLogIn: false } });
      expect(say(d, 'fr').title).toMatch(new RegExp(`^${s.key} (est inscrite?|a une inscription active) à PHA-L2-102 \\(ecampus\\), mais ne peut pas se connecter \\(compte Moodle suspendu\\)$`));
      expect(say(d, 'en').title).toBe(`${s.key} is enrolled in PHA-L2-102 (ecampus) but cannot log in (Moodle account suspended)`);
      const [support] = await converse(w.bot, SUPPORT, [`pourquoi ${s.key} PHA-L2-102`]);
      expect(support!.text).toMatch(/mais ne peut pas se connecter \(compte Moodle suspendu\)/);
      expect(support!.text).not.toMatch(/a accès à/);
      expect(support!.view.tone).toBe('warning');
      // The teacher of the course: the enrolment, not the account's state.
      const [teacher] = await converse(w.bot, TEACHER, [`pourquoi ${s.key} PHA-L2-102`]);
      expect(teacher!.text).toMatch(/Inscription active au cours, par synchronisation de cohorte etp:L2PHA1/);
      expect(teacher!.text).not.toMatch(/suspendu|se connecter|SUSPENDU|a accès|Rien à faire/i);
    } finally {
      w.site.users.update(id, { suspended: false });
    }
    expect((await why(s.key, 'PHA-L2-102')).access).toMatchObject({ has: true, account: 'live', canLogIn: true });
  });

  it('a manual enrolment that starts later: support and the teacher read its start date, and the fix moves it — never "reactivate"', async () => {
    // A fixed clock for the simulator and the question (the harness's year, 2026-2027).
    const later = await enrolLater(w, 'e21900004', 'PHA-L3-201', 10);
    const { now: NOW, start, api, course, bot } = later;
    try {
      const d = await diagnose({ config: w.h.config, directory: w.dir, api, syncs: await cohortSyncsFor(api), store: w.h.store, now: NOW, actingUserId: w.site.users.first('username', 'cmoreau')!.id }, 'e21900004', 'ecampus', { id: course.id, shortname: course.shortname, fullname: course.fullname, categoryid: course.categoryid });
      expect(d).toMatchObject({ verdict: 'enrolment-not-started', about: { from: new Date(start * 1000).toISOString() }, fixes: [{ action: 'change-enrolment-start', by: 'teacher', from: new Date(start * 1000).toISOString(), effect: { adds: 1, removes: 0 } }] });
      expect(say(d, 'fr').verdict).toBe('Son inscription au cours n’a pas encore commencé : elle commence le 13 déc. 2026.');
      expect(say(d, 'en').verdict).toBe('Their enrolment in the course has not started yet: it starts on 13 Dec 2026.');
      expect(say(d, 'fr').fixes).toEqual(['son inscription manuelle commence le 13 déc. 2026 : avancer sa date de début si elle doit commencer dès maintenant — par un enseignant du cours ; inscrit 1 personne']);
      expect(say(d, 'en').fixes).toEqual(['their manual enrolment starts on 13 Dec 2026: change its start date if it should start now — by a teacher of the course; enrols 1 person']);
      for (const who of [SUPPORT, TEACHER]) {
        const [fr, en] = [...(await converse(bot, who, ['pourquoi e21900004 PHA-L3-201'])), ...(await converse(bot, who, ['why e21900004 PHA-L3-201'], { locale: 'en' }))];
        expect(fr!.text).toMatch(/elle commence le 13 déc\. 2026\./);
        expect(fr!.text).toMatch(/avancer sa date de début si elle doit commencer dès maintenant/);
        expect(en!.text).toMatch(/it starts on 13 Dec 2026\./);
        expect(en!.text).toMatch(/change its start date if it should start now/);
        for (const r of [fr!, en!]) {
          expect(r.text).not.toMatch(/réactiver son inscription|reactivate their manual enrolment|a accès|has access/);
          expect(r.view.tone).toBe('warning');
        }
      }
    } finally {
      await later.undo();
    }
  });

  it('a teacher’s why reads the same for a suspended account as for a healthy one (enrolled, never access); support still tells the account', async () => {
    // The tester's steps: the teacher adds etp:L3PHA1 to PHA-L3-201 and confirms; e21900021 (a member) has a suspended account.
    const [ask] = await converse(w.bot, TEACHER, ['ajouter etp:L3PHA1 à PHA-L3-201']);
    const [done] = await converse(w.bot, TEACHER, [ask!.view.buttons!.find((b) => /^oui /.test(b.payload))!.payload]);
    const course = w.site.courses.first('shortname', 'PHA-L3-201')!;
    const members = w.site.members.find('cohort', w.site.cohorts.first('idnumber', 'etp:L3PHA1')!.id).map((m) => w.site.users.get(m.userid)!);
    const suspended = w.site.users.first('username', 'e21900021')!;
    expect(suspended.suspended).toBe(true);
    expect(members.map((u) => u.id)).toContain(suspended.id);
    const healthy = members.find((u) => !u.suspended && u.username !== 'e21900021')!;
    // The add's count is Moodle's (its enrolments, the suspended account's among them): said as enrolled, not access.
    expect(done!.text).toContain(`${members.length} étudiants y sont maintenant inscrits par cette cohorte`);
    expect(done!.text).not.toMatch(/accès/);
    try {
      for (const [locale, line, words] of [
        ['fr', (k: string) => `pourquoi ${k} PHA-L3-201`, /Inscription active au cours, par synchronisation de cohorte etp:L3PHA1 \(étudiant\)\. Si cette personne ne parvient pas à y entrer, le support peut vérifier son compte Moodle\./],
        ['en', (k: string) => `why ${k} PHA-L3-201`, /Enrolled in the course \(active enrolment\), through cohort sync etp:L3PHA1 \(student\)\. If they cannot get in, support can check their Moodle account\./],
      ] as const) {
        const [a] = await converse(w.bot, TEACHER, [line('e21900021')], { locale });
        const [b] = await converse(w.bot, TEACHER, [line(healthy.username)], { locale });
        // Nothing tells the two apart but the student's id: the account's state does not leak.
        expect(a!.text.replaceAll('e21900021', '‹s›')).toBe(b!.text.replaceAll(healthy.username, '‹s›'));
        expect(a!.view.tone).toBe(b!.view.tone);
        expect(a!.view.title).toBe(locale === 'fr' ? 'e21900021 a une inscription active à PHA-L3-201 (ecampus)' : 'e21900021 is enrolled in PHA-L3-201 (ecampus) (active enrolment)');
        expect(a!.text).toMatch(words);
        expect(a!.text).not.toMatch(/a accès|A accès|has access|Has access|Rien à faire|Nothing to do|suspend|se connecter|log in/i);
        expect(a!.view.tone).not.toBe('success');
      }
      // Support, who may know the account, is still told it cannot log in.
      const [support] = await converse(w.bot, SUPPORT, ['pourquoi e21900021 PHA-L3-201']);
      expect(support!.text).toMatch(/mais ne peut pas se connecter \(compte Moodle suspendu\)/);
      expect(support!.text).not.toMatch(/a accès à/);
    } finally {
      for (const inst of w.site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort')) w.site.transaction(() => w.site.deleteInstance(inst.id));
    }
  });

  it('a teacher’s headline never claims access, whatever the verdict (the account untold: diagnosis/course-view.ts)', () => {
    for (const verdict of VERDICTS) {
      for (const has of [true, false]) {
        const d = { student: 'e1', course: 'PHA-L2-101 (ecampus)', platform: 'ecampus', on: '2026-12-03T10:00:00Z', listeRouge: false, verdict, about: { cohort: 'etp:L2PHA1', from: '2026-12-13T10:00:00Z' }, access: { has, account: 'untold', via: [] }, steps: [], fixes: [], durationMs: 0 } as Diagnosis;
        for (const locale of ['fr', 'en'] as const) {
          const r = renderWhy(d, locale, w.h.config.academicYear.timezone, { teacher: true });
          expect(`${verdict}: ${r.title}`).not.toMatch(/ a accès| has access/);
          if (has) expect({ verdict, title: r.title }).toEqual({ verdict, title: locale === 'fr' ? 'e1 a une inscription active à PHA-L2-101 (ecampus)' : 'e1 is enrolled in PHA-L2-101 (ecampus) (active enrolment)' });
        }
      }
    }
  });
});
