/** The "why" diagnosis on the demo: Moodle's truth first, the sync's model second — the cases, in French and English. */
import { diagnose, Diagnosis } from '../../src/diagnosis/why';
import { renderWhy } from '../../src/i18n/why';
import { cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import { createPlatformApis } from '../../src/moodle/platforms';
import { SUPPORT, TEACHER, converse } from '../helpers/bot';
import { useDemoWorld } from '../helpers/demo-world';

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
    expect(say(d, 'fr').fixes[0]).toMatch(new RegExp(`donne accès à ${wide!.effect.adds} personnes \\(dont ${wide!.effect.adds - 1} autres personnes qui n’ont pas accès aujourd’hui\\)`));
    expect(say(d, 'en').fixes[1]).toMatch(/^narrower: only them — enrol them manually, role student, until .* — by a teacher of the course; gives access to 1 person$/);
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
    expect(teacher!.text).toMatch(/A accès au cours/);
    expect(teacher!.text).not.toMatch(/Annuaire|inscriptions :/);
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
      expect(teacher!.text).toMatch(/A accès au cours, par synchronisation de cohorte etp:L2PHA1/);
      expect(teacher!.text).not.toMatch(/suspendu|se connecter|SUSPENDU/i);
    } finally {
      w.site.users.update(id, { suspended: false });
    }
    expect((await why(s.key, 'PHA-L2-102')).access).toMatchObject({ has: true, account: 'live', canLogIn: true });
  });
});
