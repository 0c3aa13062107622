/**
 * Words a tester found wrong (fixwords): a taken cohort id, why's verdict as its title and the
 * student's gender, help per role, a decided held run in status, agreement, English typography,
 * hints the reader may use, the group named after the cohort.
 */
import type { Student } from '../../src/directory/types';
import { ADMIN, SUPPORT, TEACHER, converse, plainSpaces } from '../helpers/bot';
import { heldNoticeView } from '../../src/notify/views';
import { renderText } from '../../src/channels/cli/render';
import { statusDocument } from '../../src/cli/sync';
import { heldDecisionText } from '../../src/i18n/codes';
import { renderBlocks } from '../../src/channels/slack/blocks';
import { useDemoWorld } from '../helpers/demo-world';

describe('fixwords', () => {
  const w = useDemoWorld({ beforeAll, afterAll });

  const account = (uid: string) => w.site.users.first('username', uid);
  const of = (etape: string, n = 0): Student => w.dir.students.filter((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === etape) && !!account(s.key) && !account(s.key)!.suspended)[n]!;
  const ask = async (email: string, line: string, locale = 'fr') => (await converse(w.bot, email, [line], { locale }))[0]!;
  const withGender = async <T>(s: Student, gender: 'm' | 'f' | undefined, f: () => Promise<T>): Promise<T> => {
    const before = s.gender;
    if (gender) s.gender = gender;
    else delete s.gender;
    try {
      return await f();
    } finally {
      if (before) s.gender = before;
      else delete s.gender;
    }
  };

  describe('a taken cohort id is said as such, in both languages (1)', () => {
    it.each([
      ['fr', 'créer cohorte "Autre" tuteurs-l2-pharma dans ecampus', /existe déjà sur ecampus/],
      ['en', 'create cohort "Other" tuteurs-l2-pharma on ecampus', /already exists on ecampus/],
      ['fr', 'créer cohorte "Encore" TUTEURS-L2-PHARMA ecampus', /existe déjà/],
    ])('%s: %s', async (locale, line, expected) => {
      const r = await ask(SUPPORT, line, locale);
      expect(r.text).toMatch(expected);
      expect(r.text).not.toMatch(/refusé une valeur|refused a value/);
    });
  });

  describe("why's title says the verdict, agreeing with the student (2)", () => {
    it('access: the title says so, for support and the student themself, in both languages; a teacher, who is not told the account, reads the enrolment', async () => {
      const s = of('L2PHA1');
      for (const [who, fr, en] of [
        [SUPPORT, `^${s.key} a accès à`, `^${s.key} has access to`],
        [TEACHER, `^${s.key} a une inscription active à PHA-L2-102 \\(ecampus\\)$`, `^${s.key} is enrolled in PHA-L2-102 \\(ecampus\\) \\(active enrolment\\)$`],
      ]) {
        expect((await ask(who, `pourquoi ${s.key} PHA-L2-102`)).view.title).toMatch(new RegExp(fr));
        expect((await ask(who, `why ${s.key} PHA-L2-102`, 'en')).view.title).toMatch(new RegExp(en));
      }
      const email = account(s.key)!.email;
      for (const g of ['f', 'm', undefined] as const) {
        const own = await withGender(s, g, () => ask(email, 'pourquoi je ne suis pas inscrit en PHA-L2-102'));
        expect(own.view.title).toMatch(/^Vous avez accès à/);
        expect(own.text).not.toMatch(/\(e\)|·e/);
        expect(own.text).toMatch(g === 'f' ? /Vous êtes bien inscrite en/ : g === 'm' ? /Vous êtes bien inscrit en/ : /Vous avez bien accès à/);
      }
      expect((await ask(email, 'why am I not enrolled in PHA-L2-102', 'en')).view.title).toMatch(/^You have access to/);
    });

    it('no access: the question, agreeing with the gender the directory gives, else neutral', async () => {
      const s = of('L2PHA1');
      for (const [g, form] of [['f', 'n’est pas inscrite à'], ['m', 'n’est pas inscrit à'], [undefined, 'n’a pas accès à']] as const) {
        const r = await withGender(s, g, () => ask(SUPPORT, `pourquoi ${s.key} PHA-L3-201`));
        expect(r.view.title).toContain(`Pourquoi ${s.key} ${form}`);
        expect(r.view.title).not.toMatch(/\(e\)/);
        const own = await withGender(s, g, () => ask(account(s.key)!.email, 'pourquoi je ne suis pas inscrit en PHA-L3-201'));
        expect(own.view.title).toContain(g === 'f' ? 'vous n’êtes pas inscrite en' : g === 'm' ? 'vous n’êtes pas inscrit en' : 'vous n’avez pas accès à');
      }
    });
  });

  describe('help per role: the teacher section only for someone who teaches (3)', () => {
    it('a student reads their own commands, never the teacher ones; a teacher reads them', async () => {
      const email = account(of('L2PHA1').key)!.email;
      for (const [locale, teacherOnly] of [['fr', /`chercher|`méthodes|`ajouter <|`modifier|`retirer <|Enseignant \(/], ['en', /`search|`syncs|`add <|`update|`remove <|Teacher \(/]] as const) {
        const student = await ask(email, locale === 'fr' ? 'aide' : 'help', locale);
        expect(student.text).not.toMatch(teacherOnly);
        expect(student.text).toMatch(locale === 'fr' ? /mes cours/ : /my courses/);
        const teacher = await ask(TEACHER, locale === 'fr' ? 'aide' : 'help', locale);
        expect(teacher.text).toMatch(teacherOnly);
      }
    });
  });

  describe('status after a held run is decided (4, 5)', () => {
    it('the run line says the decision, the CLI document carries it, French agrees with the count', async () => {
      const keep = w.dir.students;
      w.dir.students = keep.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L1DRT1', 'L3DRT1'].includes(i.etape)));
      const engine = w.h.newEngine(w.dir);
      let runId: string;
      try {
        const run = await engine.run();
        expect(run.status).toBe('held');
        runId = run.runId;
        // (7) While held: the commands for administrators only; setting names for administrators only.
        for (const [locale, word, cmd, plain] of [['fr', 'état', 'approuver', /un administrateur peut les approuver ou les rejeter/], ['en', 'status', 'approve', /an administrator can approve or reject them/]] as const) {
          const teacher = await ask(TEACHER, word, locale);
          expect(teacher.text).not.toContain(`\`${cmd} ${runId}\``);
          expect(teacher.text).toMatch(plain);
          expect(teacher.text).not.toMatch(/SYNC_/);
          const student = await ask(account(of('L2PHA1').key)!.email, word, locale);
          expect(student.text).not.toMatch(/SYNC_|`approu|`approve/);
          const admin = await ask(ADMIN, word, locale);
          expect(admin.text).toContain(`\`${cmd} ${runId}\``);
          expect(admin.text).toMatch(/SYNC_MAX_REMOVAL/);
        }
        // A cohort's own line counts its held removals; a cohort no run changed is said so, not ignored.
        const ofCohort = await ask(TEACHER, 'état etp:L1DRT1');
        expect(plainSpaces(ofCohort.text)).toMatch(/etp:L1DRT1 sur ecampus, synchronisation [^\n]*\d+ retraits? retenus? pour approbation/);
        expect(plainSpaces((await ask(TEACHER, 'status etp:L1DRT1', 'en')).text)).toMatch(/\d+ removals? held for approval/);
        expect(plainSpaces((await ask(TEACHER, 'état etp:ZZZ9999')).text)).toContain('Aucune synchronisation n’a encore changé etp:ZZZ9999.');
        await engine.reject(runId, ADMIN);
      } finally {
        w.dir.students = keep;
      }
      for (const [who, locale, line, not] of [
        [ADMIN, 'fr', `Dernière synchronisation : [^\\n]*Retraits retenus de ${runId} rejetés par ${ADMIN}`, /appliquée/],
        [TEACHER, 'en', `Last sync: [^\\n]*Held removals of ${runId} rejected by ${ADMIN}`, /applied/],
      ] as const) {
        const st = await ask(who, locale === 'fr' ? 'état' : 'status', locale);
        expect(st.text).toMatch(new RegExp(line));
        expect(st.text).not.toMatch(not);
      }
      // A student is told an administrator decided, not which one (an address their role does not need).
      const student = account(of('L2PHA1').key)!.email;
      for (const [locale, line] of [['fr', `Retraits retenus de ${runId} rejetés par un administrateur`], ['en', `Held removals of ${runId} rejected by an administrator`]] as const) {
        const st = await ask(student, locale === 'fr' ? 'état' : 'status', locale);
        expect(st.text).toContain(line);
        expect(st.text).not.toContain(ADMIN);
      }
      const doc = await statusDocument({ store: w.h.store, config: w.h.config } as unknown as Parameters<typeof statusDocument>[0]);
      const r = doc.lastRuns.find((x) => x.runId === runId)!;
      expect(r.status).toBeDefined();
      expect(r.decision).toMatchObject({ status: 'rejected', by: ADMIN, at: expect.any(String) });
      expect(heldDecisionText(runId, r.decision!, 'fr', 'Europe/Paris')).toMatch(/rejetés par .* le \d+ déc\. 2026.* personnes restent dans leur cohorte\./);
      expect(heldDecisionText(runId, { ...r.decision!, removals: 1 }, 'fr', 'Europe/Paris')).toMatch(/1 personne reste dans sa cohorte\./);
      expect(heldDecisionText(runId, { ...r.decision!, removals: 0 }, 'fr', 'Europe/Paris')).toMatch(/0 personne reste dans sa cohorte\./);
      expect(heldDecisionText(runId, { status: 'approved', by: ADMIN, at: r.decision!.at, removals: 3, approvalRunId: 'r2', removed: 3 }, 'en', 'Europe/Paris')).toMatch(/approved by .* 3 people removed \(sync r2\)/);
    });
  });

  describe('why removals are held: one sentence for the admin, in the private notice and in the confirmation', () => {
    it('the held notice and `approuver`/`rejeter` say the guard in the same words, in both languages', async () => {
      const keep = w.dir.students;
      w.dir.students = keep.filter((s) => !s.inscriptions.some((i) => i.year === 2026 && ['L1DRT1', 'L3DRT1'].includes(i.etape)));
      const engine = w.h.newEngine(w.dir);
      try {
        const run = await engine.run();
        expect(run.status).toBe('held');
        const guardLines = (text: string) => text.split('\n').filter((l) => /Garde-fou|Guard/.test(l)).map((l) => plainSpaces(l).replace(/^\W+/, ''));
        for (const [locale, approve, reject] of [['fr', 'approuver', 'rejeter'], ['en', 'approve', 'reject']] as const) {
          const notice = guardLines(renderText(heldNoticeView({ kind: 'held', heldRunId: run.runId, startedAt: run.startedAt, removals: 9, reasons: run.guardReasons ?? [] }, locale, 'Europe/Paris')));
          expect(notice.length).toBeGreaterThan(0);
          for (const word of [approve, reject]) expect(guardLines((await ask(ADMIN, `${word} ${run.runId}`, locale)).text)).toEqual(notice);
        }
        // One wording: the setting an admin can change, not "the maximum allowed without approval".
        expect(plainSpaces(renderText(heldNoticeView({ kind: 'held', heldRunId: run.runId, startedAt: run.startedAt, removals: 9, reasons: run.guardReasons ?? [] }, 'fr', 'Europe/Paris')))).toMatch(/dépassent SYNC_MAX_REMOVALS=|SYNC_MAX_REMOVAL_PERCENT=/);
        await engine.reject(run.runId, ADMIN);
      } finally {
        w.dir.students = keep;
      }
    });
  });

  describe('a table never cuts an identifier a person types (7)', () => {
    it('méthodes: every cohort ID whole, the name cut instead', async () => {
      const { renderText } = await import('../../src/channels/cli/render');
      const long = 'Un nom de cohorte vraiment très long pour tenir dans une colonne';
      const c = w.site.cohorts.first('idnumber', 'etp:L2PHA1')!;
      const before = c.name;
      c.name = long;
      try {
        for (const locale of ['fr', 'en']) {
          const r = await ask(TEACHER, locale === 'fr' ? 'méthodes PHA-L2-102' : 'syncs PHA-L2-102', locale);
          expect(r.text).toContain('(etp:L2PHA1)');
          expect(JSON.stringify(renderBlocks(r.view))).toContain('(etp:L2PHA1)');
          expect(renderText(r.view)).toContain('(etp:L2PHA1)');
          expect(r.text).not.toContain(long);
        }
      } finally {
        c.name = before;
      }
    });
  });

  describe('a new group is said in the reader\'s words (8)', () => {
    it.each([
      ['fr', 'ajouter etp:L3PHA1 à PHA-L2-102 groupe nouveau nom "L3 en renfort"', 'nouveau groupe au nom de la cohorte', / cohort »/, 'non'],
      ['en', 'add etp:L3PHA1 to PHA-L2-102 group new name "L3 reinforcement"', 'new group named after the cohort', / cohort"/, 'no'],
    ])('%s', async (locale, line, said, half, no) => {
      const [r] = await converse(w.bot, TEACHER, [line, no], { locale });
      expect(r!.text).toContain(said);
      expect(r!.text).not.toMatch(half);
    });
  });

  it('créer cohorte without a platform: the hint keeps the id the person typed', async () => {
    const r = await ask(SUPPORT, 'créer cohorte "Autre groupe" autre-groupe-1');
    expect(r.text).toContain('créer cohorte "Autre groupe" autre-groupe-1 dans <plateforme>');
    const e = await ask(SUPPORT, 'create cohort "Other group" other-group-1', 'en');
    expect(e.text).toContain('create cohort "Other group" other-group-1 on <platform>');
  });
});
