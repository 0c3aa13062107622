/**
 * A student asks about themself (#32): `mes cours` and `pourquoi je ne suis pas inscrit(e) en <cours>`,
 * identified like everyone (a live Moodle account for their e-mail), answered from their own data
 * only and phrased for them — enrolled, wrong étape, no account yet on the course's platform, another
 * year — and a question about someone else refused like any missing right, saying nothing of them.
 */
import type { BotCore } from '../../src/bot/core';
import type { Site } from '../../src/simulator/model';
import { converse } from '../helpers/bot';
import { MemoryDirectory } from '../helpers/directory';
import type { SyncHarness } from '../helpers/engine';
import { startDemoWorld } from '../helpers/demo-world';
import { selfWhyView } from '../../src/notify/student';
import type { Diagnosis } from '../../src/diagnosis/why';

describe("a student's own questions", () => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  let site: Site;
  let bot: BotCore;

  beforeAll(async () => {
    ({ h, dir, site, bot } = await startDemoWorld());
  });
  afterAll(() => h.stop());

  const of = (etape: string, pred: (uid: string) => boolean) => dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === etape) && pred(s.key))!;
  const account = (uid: string, s: Site = site) => s.users.first('username', uid);
  const ask = async (email: string, line: string, locale = 'fr') => (await converse(bot, email, [line], { locale }))[0]!;
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
    // Known to the bot through their account on the other platform.
    newAccount(h.sim.sim.site('collegium'), s.key, email);
    const why = await ask(email, 'pourquoi je ne suis pas inscrit en ecampus:PHA-L2-102');
    expect(why.text).toMatch(/Votre compte ecampus sera créé à votre première connexion/);
    noForeignCommand(why.text);
  });

  it('another year only: ask the programme office', async () => {
    // Last year's student, with the account they had then.
    const email = account('e21800999')?.email ?? newAccount(site, 'e21800999', 'martin.leparti@etu.univ-demo.fr').email;
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
    expect(r.text).not.toMatch(/inscrit|étape|cohorte/);
    // The same words as for a course that does not exist: nothing says this one does, nor who is in it.
    const plain = await ask(account(me.key)!.email, `pourquoi ${other.key} ZZZ-999`);
    expect(r.text.replace(/DRT-L1-101/g, '‹c›')).toBe(plain.text.replace(/ZZZ-999/g, '‹c›'));
  });

  it('someone the directory gives no étape (a teacher asking about herself): no empty étape line', () => {
    const d = { verdict: 'enrolment-suspended', access: { has: false }, steps: [], fixes: [] } as unknown as Diagnosis;
    for (const locale of ['fr', 'en']) {
      const v = selfWhyView(d, undefined, { config: h.config, now: new Date(), platform: 'ecampus', courseLabel: 'PHA-L2-101 (ecampus)', locale, suspended: false });
      const said = v.blocks.map((b) => ('text' in b ? String(b.text) : '')).join('\n');
      expect(said).not.toMatch(/étape\s*\.|étape $|in étape\s*\./m);
      expect(said).toMatch(locale === 'fr' ? /n’est pas active/ : /not active/);
    }
  });
});
