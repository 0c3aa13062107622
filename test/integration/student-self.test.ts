/**
 * A student asks about themself (#32): `mes cours` and `pourquoi je ne suis pas inscrit(e) en <cours>`,
 * identified like everyone (a live Moodle account for their e-mail), answered from their own data
 * only and phrased for them — enrolled, wrong étape, no account yet on the course's platform, another
 * year — and a question about someone else refused like any missing right, saying nothing of them.
 */
import type { Site } from '../../src/simulator/model';
import { TEACHER, converse, plainSpaces } from '../helpers/bot';
import { enrolLater, useDemoWorld } from '../helpers/demo-world';
import { selfWhyView } from '../../src/notify/student';
import { Diagnosis, VERDICTS, Verdict } from '../../src/diagnosis/why';
import { Access, AccountState, entryOf } from '../../src/diagnosis/access';
import { BotCore } from '../../src/bot/core';
import { ChatCache } from '../../src/bot/cache';
import { createPlatformApis } from '../../src/moodle/platforms';
import { silentLogger } from '../../src/log';

describe("a student's own questions", () => {
  const w = useDemoWorld({ beforeAll, afterAll });

  const of = (etape: string, pred: (uid: string) => boolean) => w.dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === etape) && pred(s.key))!;
  const account = (uid: string, s: Site = w.site) => s.users.first('username', uid);
  const ask = async (email: string, line: string, locale = 'fr') => (await converse(w.bot, email, [line], { locale }))[0]!;
  const newAccount = (s: Site, username: string, email: string) => s.users.insert({ username, firstname: 'Étu', lastname: 'Diant', email, idnumber: '', auth: 'cas', suspended: false, deleted: false, confirmed: true, firstaccess: 0, lastaccess: 0, lang: 'fr', department: '' });
  /** Nothing a student may not run: no command but their own two. */
  const noForeignCommand = (text: string) => expect(text).not.toMatch(/synchroniser|ajouter|modifier|approuver|historique|`sync|`add/);

  it('enrolled: "mes cours" lists the course, and "pourquoi je…" says they have access', async () => {
    const s = of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended);
    const email = account(s.key)!.email;
    const mine = await ask(email, 'mes cours');
    expect(mine.view.private).toBe(true);
    expect(mine.text).toContain('PHA-L2-102');
    const why = await ask(email, 'pourquoi je ne suis pas inscrite en PHA-L2-102');
    expect(why.view.private).toBe(true);
    expect(why.text).toMatch(/Vous avez bien accès à .*PHA-L2-102/);
    expect(why.view.title).toMatch(/^Vous avez accès à/);
    noForeignCommand(why.text);
    const en = await ask(email, 'why am I not enrolled in PHA-L2-102', 'en');
    expect(en.text).toMatch(/You are enrolled in/);
  });

  it('wrong étape: their étape, and this course does not take it; ask the teacher or the office', async () => {
    const s = of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended);
    const why = await ask(account(s.key)!.email, 'pourquoi je ne suis pas inscrit en PHA-L3-201');
    expect(why.text).toMatch(/Votre inscription de cette année est en étape L2PHA1/);
    expect(why.text).toMatch(/n’accueille pas les étudiants de votre étape/);
    noForeignCommand(why.text);
  });

  it('no account yet on the course’s platform: it will be created at first login, then the sync enrols them', async () => {
    const s = of('L2PHA1', (u) => !account(u));
    const email = `${s.key}@etu.univ-demo.fr`;
    // Known to the w.bot through their account on the other platform.
    newAccount(w.h.sim.sim.site('collegium'), s.key, email);
    const why = await ask(email, 'pourquoi je ne suis pas inscrit en ecampus:PHA-L2-102');
    expect(why.text).toMatch(/Votre compte ecampus sera créé à votre première connexion/);
    noForeignCommand(why.text);
  });

  it('another year only: ask the programme office', async () => {
    // Last year's student, with the account they had then.
    const email = account('e21800999')?.email ?? newAccount(w.site, 'e21800999', 'martin.leparti@etu.univ-demo.fr').email;
    const why = await ask(email, 'pourquoi je ne suis pas inscrit en PHA-L2-102');
    expect(why.text).toMatch(/Votre inscription de 2026 n’est pas encore enregistrée .* scolarité/);
    noForeignCommand(why.text);
  });

  it('about someone else: refused like any missing right, nothing said of that person', async () => {
    const me = of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended);
    const other = of('L1DRT1', (u) => !!account(u));
    const r = await ask(account(me.key)!.email, `pourquoi ${other.key} DRT-L1-101`);
    expect(r.view.tone).toBe('error');
    expect(r.text).not.toContain(other.key);
    // (The one hint is their own question's syntax, `pourquoi je ne suis pas inscrit en <cours>`.)
    expect(r.text.replace(/`[^`]*<cours>`/, '')).not.toMatch(/inscrit|étape|cohorte/);
    // The same words as for a course that does not exist: nothing says this one does, nor who is in it.
    const plain = await ask(account(me.key)!.email, `pourquoi ${other.key} ZZZ-999`);
    expect(r.text.replace(/DRT-L1-101/g, '‹c›')).toBe(plain.text.replace(/ZZZ-999/g, '‹c›'));
  });

  it('someone the directory gives no étape (a teacher asking about herself): no empty étape line', () => {
    const d = { verdict: 'enrolment-suspended', access: { has: false }, steps: [], fixes: [] } as unknown as Diagnosis;
    for (const locale of ['fr', 'en']) {
      const v = selfWhyView(d, undefined, { config: w.h.config, now: new Date(), platform: 'ecampus', courseLabel: 'PHA-L2-101 (ecampus)', locale, suspended: false });
      const said = v.blocks.map((b) => ('text' in b ? String(b.text) : '')).join('\n');
      expect(said).not.toMatch(/étape\s*\.|étape $|in étape\s*\./m);
      expect(said).toMatch(locale === 'fr' ? /n’est pas active/ : /not active/);
    }
  });

  /** A live student of L2PHA1 with an ecampus account, enrolled in PHA-L2-102 by the sync; `n` keeps each test's own. */
  const liveL2 = (n: number) => w.dir.students.filter((x) => x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && !!account(x.key) && !account(x.key)!.suspended)[n]!;
  /** Moodle's rule with the account's: an active enrolment of a suspended account is no access (support's "enrolled, cannot log in"). */
  const cannotLogIn = async (email: string) => {
    const fr = await ask(email, 'pourquoi je ne suis pas inscrit en PHA-L2-102');
    expect(fr.view.tone).toBe('warning');
    expect(fr.view.title).toMatch(/^Vous (êtes inscrite? |avez une inscription active )en PHA-L2-102 \(ecampus\), mais vous ne pouvez pas vous connecter \(compte Moodle suspendu\)$/);
    expect(fr.text).toMatch(/Votre compte ecampus est suspendu : adressez-vous au support Moodle/);
    expect(fr.text).not.toMatch(/avez accès|avez bien accès|y avez accès|Impossible de vérifier/);
    const en = await ask(email, 'why am I not enrolled in PHA-L2-102', 'en');
    expect(en.view.tone).toBe('warning');
    expect(en.view.title).toBe('You are enrolled in PHA-L2-102 (ecampus) but cannot log in (Moodle account suspended)');
    expect(en.text).toMatch(/Your ecampus account is suspended: ask the university's Moodle support/);
    expect(en.text).not.toMatch(/you have access|You have access|Cannot check/);
  };

  it('an account suspended on the course\'s platform (live on another): enrolled but cannot log in, never "you have access" nor "cannot check"', async () => {
    const s = liveL2(4);
    const me = account(s.key)!;
    // Known to the bot through a live account on the other platform; the ecampus one is suspended.
    newAccount(w.h.sim.sim.site('collegium'), s.key, me.email);
    expect((await ask(me.email, 'pourquoi je ne suis pas inscrit en PHA-L2-102')).view.title).toMatch(/^Vous avez accès à PHA-L2-102/);
    w.site.users.update(me.id, { suspended: true });
    try {
      await cannotLogIn(me.email);
    } finally {
      w.site.users.update(me.id, { suspended: false });
    }
    expect((await ask(me.email, 'pourquoi je ne suis pas inscrit en PHA-L2-102')).view.title).toMatch(/^Vous avez accès à PHA-L2-102/);
  });

  it('an account suspended since the bot last confirmed it (a read taken on trust): the diagnosis\'s own reading of the account decides the headline', async () => {
    // A cache whose clock never moves: the account Moodle confirmed at the first question is trusted for the next ones (ACCOUNT_TRUST_MS).
    const bot = new BotCore({ config: w.h.config, apis: createPlatformApis(w.h.config), store: w.h.store, engine: w.bot.deps.engine, directory: w.dir, logger: silentLogger, cache: new ChatCache(() => 0) });
    const s = liveL2(5);
    const me = account(s.key)!;
    const said = async (line: string, locale = 'fr') => (await converse(bot, me.email, [line], { locale }))[0]!;
    expect((await said('pourquoi je ne suis pas inscrit en PHA-L2-102')).view.title).toMatch(/^Vous avez accès à PHA-L2-102/);
    w.site.users.update(me.id, { suspended: true });
    try {
      const fr = await said('pourquoi je ne suis pas inscrit en PHA-L2-102');
      expect(fr.view.title).toMatch(/mais vous ne pouvez pas vous connecter \(compte Moodle suspendu\)$/);
      expect(fr.view.tone).toBe('warning');
      expect(fr.text).not.toMatch(/avez accès/);
      const en = await said('why am I not enrolled in PHA-L2-102', 'en');
      expect(en.view.title).toBe('You are enrolled in PHA-L2-102 (ecampus) but cannot log in (Moodle account suspended)');
      expect(en.text).not.toMatch(/have access/);
    } finally {
      w.site.users.update(me.id, { suspended: false });
    }
  });

  it('a suspended account whose way in is on its way (the hourly task, a cohort to join): the suspension is said too, the headline is no access', () => {
    const access = { has: false, account: 'suspended', canLogIn: false, via: [] };
    for (const verdict of ['cohort-task-pending', 'not-in-cohort']) {
      const d = { verdict, access, steps: [], fixes: [] } as unknown as Diagnosis;
      for (const [locale, title, line] of [
        ['fr', /^Pourquoi vous n’avez pas accès à PHA-L2-101/, /Votre compte ecampus est suspendu/],
        ['en', /^Why you are not enrolled in PHA-L2-101/, /Your ecampus account is suspended/],
      ] as const) {
        const v = selfWhyView(d, undefined, { config: w.h.config, now: new Date(), platform: 'ecampus', courseLabel: 'PHA-L2-101 (ecampus)', locale, suspended: true });
        expect(v.title).toMatch(title);
        expect(v.tone).toBe('warning');
        expect(v.blocks.map((b) => ('text' in b ? String(b.text) : '')).join('\n')).toMatch(line);
      }
    }
  });

  it('a manual enrolment that starts later, no sync involved: its start date and the teacher to ask — never "on its way", never their étape (the tester\'s steps)', async () => {
    // enrol_manual_enrol_users roleid=5 userid=12 courseid=4 timestart=now+10 days, as the tester did (fixed clocks).
    const later = await enrolLater(w, 'e21900004', 'PHA-L3-201', 10);
    const { bot, student: tom } = later;
    try {
      const [en] = await converse(bot, tom.email, ['why am I not enrolled in PHA-L3-201'], { locale: 'en' });
      expect(en!.view.title).toBe('Why you are not enrolled in PHA-L3-201 (ecampus)');
      expect(en!.view.tone).toBe('warning');
      expect(en!.text).toContain('Your enrolment in PHA-L3-201 (ecampus) starts on 13 Dec 2026. If that date is wrong, ask the course’s teacher.');
      expect(en!.text).not.toMatch(/on its way|every hour|étape|have access|will add you/);
      const [fr] = await converse(bot, tom.email, ['pourquoi je ne suis pas inscrit en PHA-L3-201']);
      expect(fr!.text).toContain('Votre inscription en PHA-L3-201 (ecampus) commence le 13 déc. 2026. Si cette date est une erreur, demandez à l’enseignant du cours.');
      expect(fr!.text).not.toMatch(/arrive|toutes les heures|étape|avez accès|vous ajoutera/);
      noForeignCommand(fr!.text);
    } finally {
      await later.undo();
    }
  });

  it('every verdict of the diagnosis reaches the student\'s view, truthfully: "access" only for an account that can log in, a promise only where the sync will add them', () => {
    // Where the diagnosis itself says a sync (the run, or Moodle's hourly cohort task) will enrol them.
    const promised: Verdict[] = ['account-missing', 'not-in-cohort', 'cohort-task-pending'];
    const withAccess: Verdict[] = ['access', 'access-removal-held', 'access-ends-next-run'];
    const enrolledActive: Verdict[] = [...withAccess, 'account-suspended', 'enrolled'];
    const words = {
      fr: { accessTitle: /^Vous avez accès/, claim: /avez accès|avez bien accès|votre accès/, promise: /vous ajoutera|vous inscrira|votre inscription suivra/, starts: 'Votre inscription en PHA-L2-101 (ecampus) commence le 13 déc. 2026. Si cette date est une erreur, demandez à l’enseignant du cours.', suspended: /Votre compte ecampus est suspendu/ },
      en: { accessTitle: /^You have access/, claim: /have access|keep access|your access/i, promise: /will add you|then enrols you|your enrolment will follow/, starts: 'Your enrolment in PHA-L2-101 (ecampus) starts on 13 Dec 2026. If that date is wrong, ask the course’s teacher.', suspended: /Your ecampus account is suspended/ },
    };
    const steps = [{ id: 'sync', status: 'ok', facts: [{ code: 'window', current: 2026, add: [2026], keepOnly: [] }, { code: 'wants', etape: 'L2PHA1', cohort: 'etp:L2PHA1', mode: 'add', member: false, next: 'add' }] }];
    let seen = 0;
    for (const verdict of VERDICTS) {
      // The account states each verdict comes with (access verdicts: a live account; a teacher's `enrolled`: untold).
      const accounts: AccountState[] = withAccess.includes(verdict) ? ['live'] : verdict === 'account-suspended' ? ['suspended'] : verdict === 'enrolled' ? ['untold'] : ['live', 'suspended', 'missing'];
      const reasons = verdict === 'not-wanted' ? (['no-inscription', 'cancelled', 'other-year', 'other-platform', 'not-student'] as const) : [undefined];
      for (const account of accounts) {
        for (const reason of reasons) {
          for (const gender of ['m', 'f', undefined] as const) {
            const access: Access = { has: enrolledActive.includes(verdict), account, ...(account === 'untold' ? {} : { canLogIn: account === 'live' }), via: [] };
            const d = { student: 'e1', course: 'PHA-L2-101 (ecampus)', platform: 'ecampus', on: '2026-12-03T10:00:00Z', listeRouge: false, verdict, access, gender, etapes: ['L2PHA1'], about: { cohort: 'etp:L2PHA1', nextRun: '2026-12-04T01:00:00Z', ...(reason ? { reason } : {}), ...(verdict === 'enrolment-not-started' ? { from: '2026-12-13T10:00:00Z' } : {}) }, steps, fixes: [], durationMs: 0 } as unknown as Diagnosis;
            for (const locale of ['fr', 'en'] as const) {
              const v = selfWhyView(d, undefined, { config: w.h.config, now: new Date('2026-12-03T10:00:00Z'), platform: 'ecampus', courseLabel: 'PHA-L2-101 (ecampus)', locale, suspended: account === 'suspended' });
              const lines = v.blocks.map((b) => ('text' in b ? String(b.text) : ''));
              const said = lines.join('\n');
              const at = { verdict, account, reason, gender, locale };
              const x = words[locale];
              expect({ ...at, lines: lines.length > 0 && lines.every((l) => l.trim().length > 0 && !/undefined|NaN/.test(l)) }).toEqual({ ...at, lines: true });
              const inside = entryOf(access) === 'in';
              // The headline: access only for an active enrolment of an account that can log in (entryOf, the one rule).
              expect({ ...at, title: x.accessTitle.test(v.title ?? ''), tone: v.tone }).toEqual({ ...at, title: inside, tone: inside ? 'success' : 'warning' });
              if (!inside) expect({ ...at, said }).not.toEqual({ ...at, said: expect.stringMatching(x.claim) });
              // A promise of enrolment only where the diagnosis says a sync will add them; never one of access.
              if (!promised.includes(verdict)) expect({ ...at, said }).not.toEqual({ ...at, said: expect.stringMatching(x.promise) });
              expect(said).not.toMatch(/on its way|arrive bientôt|votre accès|your access/i);
              // A suspended account is said, whatever else is.
              if (account === 'suspended') expect({ ...at, said }).toEqual({ ...at, said: expect.stringMatching(x.suspended) });
              if (verdict === 'enrolment-not-started') expect({ ...at, said: lines.filter((l) => !x.suspended.test(l)) }).toEqual({ ...at, said: [x.starts] });
              seen++;
            }
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(VERDICTS.length * 6);
  });

  it('"mes cours": a course whose enrolment is suspended is said so (Moodle\'s access rule), the others give access', async () => {
    const s = w.dir.students.filter((x) => x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && !!account(x.key) && !account(x.key)!.suspended)[1]!;
    const me = account(s.key)!;
    const course = w.site.courses.first('shortname', 'PHA-L2-102')!;
    const mine = w.site.userEnrolments.find('user', me.id).filter((ue) => w.site.enrol.get(ue.enrolid)?.courseid === course.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const ue of mine) ue.status = 1;
    try {
      const fr = await ask(me.email, 'mes cours');
      const row = (code: string, text: string) => text.split('\n').find((l) => l.includes(code)) ?? '';
      expect(fr.view.private).toBe(true);
      expect(row('PHA-L2-102', fr.text)).toMatch(/⚠/);
      expect(fr.text).toMatch(/⚠ PHA-L2-102 \(ecampus\) : inscription suspendue — vous n’y avez pas accès aujourd’hui/);
      const en = await ask(me.email, 'my courses', 'en');
      expect(en.text).toMatch(/⚠ PHA-L2-102 \(ecampus\): enrolment suspended — you have no access to it today/);
      // The same rule as their own "why": no access there.
      expect((await ask(me.email, 'pourquoi je ne suis pas inscrit en PHA-L2-102')).view.title).toMatch(/n’avez pas accès/);
    } finally {
      for (const ue of mine) ue.status = 0;
    }
    // Active again: listed without a mark.
    expect((await ask(me.email, 'mes cours')).text.split('\n').find((l) => l.includes('PHA-L2-102'))).not.toMatch(/⚠/);
    expect((await ask(me.email, 'my courses', 'en')).text.split('\n').find((l) => l.includes('PHA-L2-102'))).not.toMatch(/⚠/);
  });

  it('"mes cours": a course whose cohort sync was disabled is marked, though Moodle\'s own list of their courses (active enrolments only) leaves it out', async () => {
    const me = account(liveL2(6).key)!;
    const course = w.site.courses.first('shortname', 'PHA-L2-102')!;
    const inst = w.site.enrol.find('course', course.id).find((i) => i.enrol === 'cohort' && w.site.cohorts.get(i.customint1)?.idnumber === 'etp:L2PHA1')!;
    expect(w.site.enrolmentsOf(course.id, me.id).map(({ inst: i }) => i.id)).toContain(inst.id);
    w.site.enrol.update(inst.id, { status: 1 });
    try {
      // What real Moodle answers (enrol_get_users_courses($userid, true)): not this course.
      expect((await w.h.sim.api('ecampus').getUsersCourses(me.id)).map((c) => c.shortname)).not.toContain('PHA-L2-102');
      const fr = await ask(me.email, 'mes cours');
      expect(fr.text).toMatch(/⚠ PHA-L2-102 \(ecampus\) : méthode désactivée — vous n’y avez pas accès aujourd’hui/);
      const en = await ask(me.email, 'my courses', 'en');
      expect(en.text).toMatch(/⚠ PHA-L2-102 \(ecampus\): method disabled — you have no access to it today/);
    } finally {
      w.site.enrol.update(inst.id, { status: 0 });
    }
    // Enabled again: listed as a course they are in, without a mark (even while Moodle's list read before is kept).
    expect((await ask(me.email, 'mes cours')).text.split('\n').find((l) => l.includes('PHA-L2-102'))).not.toMatch(/⚠/);
  });

  it('a student\'s "pourquoi" about another student reads like their other refusals, the same for any course, existing or not, in both languages', async () => {
    const me = account(of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended && u !== 'e21900002').key)!.email;
    const fr = await Promise.all(['PHA-L2-101', 'PHA-L2-102', 'DRT-L1-101', 'ZZZ-999'].map((c) => ask(me, `pourquoi e21900002 ${c}`)));
    for (const r of fr) {
      expect(r.view.tone).toBe('error');
      expect(plainSpaces(r.text)).toMatch(/^✗ Cette commande est réservée aux enseignants, au support et aux administrateurs\. Pour vous-même/);
      expect(r.text).toContain('`pourquoi je ne suis pas inscrit en <cours>`');
      expect(r.text).not.toMatch(/enseignez|méthodes|e21900002|PHA-|DRT-|ZZZ-/);
    }
    expect(new Set(fr.map((r) => r.text)).size).toBe(1);
    const en = await Promise.all(['PHA-L2-102', 'ZZZ-999'].map((c) => ask(me, `why e21900002 ${c}`, 'en')));
    for (const r of en) {
      expect(plainSpaces(r.text)).toMatch(/^✗ This command is for teachers, support staff and administrators\. For yourself: `why am I not enrolled in <course>`/);
      expect(r.text).not.toMatch(/you teach|among those|PHA-|ZZZ-/);
    }
    expect(en[0]!.text).toBe(en[1]!.text);
    // A teacher keeps her own words (the course she does not teach, named as typed).
    expect((await ask(TEACHER, 'pourquoi e21900002 DRT-L1-101')).text).toMatch(/parmi ceux que vous enseignez/);
  });

  it('"changements" has its own refusal: for a teacher on a course she does not teach (the same as for no such course), and for a student', async () => {
    for (const [locale, line, words, missing] of [
      ['fr', 'changements DRT-L1-101', /^✗ Vous ne pouvez pas voir les changements d’inscription de DRT-L1-101 : /, 'changements NOPE-101'],
      ['en', 'changes DRT-L1-101', /^✗ You cannot see the enrolment changes of DRT-L1-101: /, 'changes NOPE-101'],
    ] as const) {
      const r = await ask(TEACHER, line, locale);
      expect(r.view.tone).toBe('error');
      expect(plainSpaces(r.text)).toMatch(words);
      expect(r.text).not.toMatch(/méthodes|enrolment methods/);
      expect((await ask(TEACHER, missing, locale)).text.replace('NOPE-101', '‹c›')).toBe(r.text.replace('DRT-L1-101', '‹c›'));
    }
    const student = account(of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended).key)!.email;
    const mine = await ask(student, 'changements PHA-L2-102');
    const none = await ask(student, 'changements ZZZ-999');
    expect(plainSpaces(mine.text)).toMatch(/^✗ Cette commande est réservée aux enseignants, au support et aux administrateurs\. Vos propres cours : `mes cours`/);
    expect(mine.text).not.toMatch(/méthodes|changements d’inscription de|PHA-L2-102/);
    expect(none.text).toBe(mine.text);
    expect(plainSpaces((await ask(student, 'changes PHA-L2-102', 'en')).text)).toMatch(/^✗ This command is for teachers, support staff and administrators\. Your own courses: `my courses`/);
  });

  it('a student\'s "méthodes", "ajouter", "modifier" and "retirer" read like their other refusals, the same for any course, existing or not, in both languages', async () => {
    const student = account(of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended).key)!.email;
    const courses = ['PHA-L2-101', 'PHA-L2-102', 'DRT-L1-101', 'ZZZ-999'];
    const methods = () => JSON.stringify(w.site.enrol.all());
    const before = methods();
    for (const [locale, lines, words] of [
      [
        'fr',
        (c: string) => [`méthodes ${c}`, `ajouter etp:L2PHA1 à ${c}`, `modifier etp:L2PHA1 dans ${c} désactiver`, `retirer etp:L2PHA1 de ${c}`],
        /^✗ Cette commande est réservée aux enseignants, au support et aux administrateurs\. Vos propres cours : `mes cours`\.?$/,
      ],
      [
        'en',
        (c: string) => [`syncs ${c}`, `add etp:L2PHA1 to ${c}`, `update etp:L2PHA1 in ${c} disable`, `remove etp:L2PHA1 from ${c}`],
        /^✗ This command is for teachers, support staff and administrators\. Your own courses: `my courses`\.?$/,
      ],
    ] as const) {
      const answers = await Promise.all(courses.flatMap((c) => lines(c).map((line) => ask(student, line, locale))));
      for (const r of answers) {
        expect(r.view.tone).toBe('error');
        expect(plainSpaces(r.text)).toMatch(words);
        expect(r.view.buttons ?? []).toEqual([]);
        expect(r.text).not.toMatch(/méthodes|enrolment methods|enseignez|you teach|PHA-|DRT-|ZZZ-|L2PHA1/);
      }
      // One sentence for every command and course: nothing says which course exists.
      expect(new Set(answers.map((r) => r.text)).size).toBe(1);
    }
    // Nothing was changed for them, nothing is waiting for a confirmation.
    expect(methods()).toBe(before);
    // A teacher keeps her own words (the course she does not teach, named as typed).
    expect((await ask(TEACHER, 'méthodes DRT-L1-101')).text).toMatch(/DRT-L1-101/);
    expect((await ask(TEACHER, 'ajouter etp:L2PHA1 à DRT-L1-101')).text).toMatch(/DRT-L1-101/);
  });

  it('"notifications oui" from someone who teaches nothing: notices are for teachers, and they will get them when they teach; a teacher is promised them', async () => {
    const student = account(of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended).key)!.email;
    const yes = await ask(student, 'notifications oui');
    expect(plainSpaces(yes.text)).toMatch(/avis privés sont pour les enseignants.*vous n’en enseignez aucun.*quand vous enseignerez un cours/);
    expect(yes.text).not.toMatch(/vos cours/);
    expect((await ask(student, 'notifications on', 'en')).text).toMatch(/notices are for teachers.*you teach none.*once you teach a course/);
    expect((await ask(student, 'notifications')).text).toMatch(/sont pour les enseignants/);
    expect((await ask(student, 'notifications non')).text).toMatch(/plus d’avis privé/);
    expect(plainSpaces((await ask(TEACHER, 'notifications oui')).text)).toMatch(/vous recevrez un avis privé quand la synchronisation change les inscriptions de vos cours/);
  });

  it('a student\'s "chercher" is refused like any missing right, saying nothing of what exists', async () => {
    const s = of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended);
    const email = account(s.key)!.email;
    const a = await ask(email, 'chercher pharma');
    const b = await ask(email, 'chercher zzzzzz');
    expect(a.view.tone).toBe('error');
    expect(a.text).toMatch(/réservée aux enseignants/);
    expect(a.text).not.toMatch(/pharma|cohorte ne correspond/i);
    expect(b.text.replace('zzzzzz', '')).toBe(a.text.replace('pharma', ''));
    expect((await ask(email, 'search pharma', 'en')).text).toMatch(/for teachers, support staff and administrators/);
    // A teacher still searches.
    expect((await ask(TEACHER, 'chercher pharma')).view.tone).not.toBe('error');
  });

  it('"changements" counts a cohort\'s changes only from when the course synced it (linked through the w.bot)', async () => {
    // etp:L3PHA1's members were added by the first sync, before PHA-L3-201 synced it.
    expect((await w.h.store.cohortHistory('ecampus', 'etp:L3PHA1', 500)).filter((e) => e.action === 'add').length).toBeGreaterThan(0);
    const preview = await ask(TEACHER, 'ajouter etp:L3PHA1 à PHA-L3-201');
    const yes = preview.view.buttons!.find((b) => /^(oui|yes) /.test(b.payload))!;
    expect((await ask(TEACHER, yes.payload)).view.tone).toBe('success');
    const none = await ask(TEACHER, 'changements PHA-L3-201');
    expect(none.text).toMatch(/Aucun changement récent/);
    // A change after the link: the next run's, and only it, is listed.
    const mover = of('L2PHA1', (u) => !!account(u) && !account(u)!.suspended);
    mover.inscriptions = mover.inscriptions.map((i) => (i.year === 2026 && i.etape === 'L2PHA1' ? { ...i, etape: 'L3PHA1' } : i));
    await w.h.engine.run();
    const after = await ask(TEACHER, 'changements PHA-L3-201');
    expect(after.text).toContain(mover.key);
    const l3 = w.dir.students.filter((x) => x.key !== mover.key && x.inscriptions.some((i) => i.year === 2026 && i.etape === 'L3PHA1') && !!account(x.key));
    for (const x of l3) expect(after.text).not.toContain(x.key);
  });
});
