/**
 * Fewer Moodle round trips per answer (#33), against the simulator over HTTP: what does not change
 * between messages is not asked again (the person's account, the site's functions, course look-ups),
 * until Moodle refuses the person something or they ask "qui suis-je"; a slow answer says "on it" first.
 */
import { BotCore } from '../../src/bot/core';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER, botFor, converse, startDemoBot, who } from '../helpers/bot';
import type { SyncHarness } from '../helpers/engine';
import type { Site } from '../../src/simulator/model';

describe('chat answers: caching and "on it"', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;

  beforeAll(async () => {
    ({ h, bot, site } = await startDemoBot());
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Calls per function on both platforms during `work`. */
  const callsDuring = async (work: () => Promise<unknown>): Promise<Record<string, number>> => {
    h.sim.sim.resetCounters();
    await work();
    const out: Record<string, number> = {};
    for (const fns of Object.values(h.sim.sim.counters())) for (const [fn, n] of Object.entries(fns)) out[fn] = (out[fn] ?? 0) + n;
    return out;
  };

  it('asks the site\'s functions, the course and the person once; the rest is rights and content, asked as the person', async () => {
    bot.deps.cache!.forget(TEACHER);
    const first = await callsDuring(() => converse(bot, TEACHER, ['méthodes PHA-L2-101']));
    expect(first.core_user_get_users_by_field).toBe(2);
    expect(first.core_course_get_courses_by_field).toBeGreaterThan(0);
    let answer = '';
    const again = await callsDuring(async () => ([{ text: answer }] = await converse(bot, TEACHER, ['méthodes PHA-L2-101'])));
    expect(answer).toContain('tuteurs-l2');
    // Her account, confirmed by Moodle moments ago, is taken as it is for a read; as her, the course's
    // methods (one call both checks that she may see them and says which there are).
    expect(again).toEqual({ local_cohortbot_get_cohort_syncs: 1 });
  });

  it('whether someone teaches is asked only when refusing them a course question: a teacher\'s granted "pourquoi" costs nothing more', async () => {
    await converse(bot, TEACHER, ['pourquoi e21900001 PHA-L2-102']);
    const granted = await callsDuring(() => converse(bot, TEACHER, ['pourquoi e21900001 PHA-L2-102']));
    // Her courses are listed (core_enrol_get_users_courses) only to tell a student's refusal from a teacher's.
    expect(granted.core_enrol_get_users_courses ?? 0).toBe(0);
    const student = site.users.first('username', 'e21900001')!.email;
    const [refused] = await converse(bot, student, ['pourquoi e21900002 PHA-L2-102']);
    expect(refused!.text).toMatch(/réservée aux enseignants/);
    const [colleague] = await converse(bot, COLLEAGUE, ['pourquoi e21900001 PHA-L2-102']);
    expect(colleague!.text).toMatch(/parmi ceux que vous enseignez/);
  });

  it('support\'s reads and everyone\'s writes confirm the person with Moodle every time', async () => {
    await converse(bot, SUPPORT, ['chercher L2']);
    const support = await callsDuring(() => converse(bot, SUPPORT, ['chercher L2']));
    expect(support.core_user_get_users_by_field).toBe(2);
    const [preview] = await converse(bot, TEACHER, ['ajouter etp:L3PHA1 à PHA-L3-201']);
    const id = /oui ([0-9a-f]{8})/.exec(JSON.stringify(preview!.view))![1]!;
    let done = '';
    const write = await callsDuring(async () => ([{ text: done }] = await converse(bot, TEACHER, [`oui ${id}`])));
    expect(done).toContain('C’est fait');
    expect(write.core_user_get_users_by_field).toBe(2);
    expect(write.local_cohortbot_add_cohort_sync).toBe(1);
    // The course as it was, for the other tests.
    const [removal] = await converse(bot, TEACHER, ['retirer etp:L3PHA1 de PHA-L3-201']);
    await converse(bot, TEACHER, [`oui ${/oui ([0-9a-f]{8})/.exec(JSON.stringify(removal!.view))![1]!}`]);
  });

  it('a person suspended since their last message gets nothing built on what the bot last saw (Moodle refuses her, the bot asks afresh and says why)', async () => {
    await converse(bot, TEACHER, ['méthodes PHA-L2-101']);
    const user = site.users.first('username', 'mdurand')!;
    site.users.update(user.id, { suspended: true });
    try {
      const [r] = await converse(bot, TEACHER, ['méthodes PHA-L2-101']);
      expect(r!.view.tone).toBe('error');
      expect(r!.text).toMatch(/suspendu/);
      expect(r!.text).not.toContain('tuteurs-l2');
    } finally {
      site.users.update(user.id, { suspended: false });
    }
  });

  it('"qui suis-je" always asks Moodle afresh, and shows a change made in Moodle at once', async () => {
    await converse(bot, COLLEAGUE, ['chercher droit']);
    const user = site.users.first('username', 'pmartin')!;
    site.users.update(user.id, { suspended: true });
    try {
      let answer = '';
      const calls = await callsDuring(async () => ([{ text: answer }] = await converse(bot, COLLEAGUE, ['qui suis-je'])));
      expect(calls.core_user_get_users_by_field).toBe(2);
      expect(answer).toMatch(/suspendu/i);
    } finally {
      site.users.update(user.id, { suspended: false });
    }
    const [{ text }] = await converse(bot, COLLEAGUE, ['qui suis-je']);
    expect(text).toContain('pmartin');
  });

  it('drops what it keeps about a person as soon as Moodle refuses them something', async () => {
    await converse(bot, COLLEAGUE, ['chercher droit']);
    let refused = '';
    const during = await callsDuring(async () => ([{ text: refused }] = await converse(bot, COLLEAGUE, ['ajouter etp:L2PHA1 à PHA-L2-101'])));
    expect(refused).toContain('Vous ne pouvez pas modifier les méthodes');
    // His account, asked afresh at once on both platforms (the refusal may mean he changed in Moodle)…
    expect(during.core_user_get_users_by_field).toBe(2);
    // …and his courses, asked afresh on both platforms once the refusal dropped them: by the refusal
    // itself (whether he teaches anywhere: someone who teaches nothing is refused in a student's words),
    // its answer kept for his next question.
    expect(during.core_enrol_get_users_courses).toBe(2);
    const next = await callsDuring(() => converse(bot, COLLEAGUE, ['chercher droit']));
    expect((during.core_enrol_get_users_courses ?? 0) + (next.core_enrol_get_users_courses ?? 0)).toBe(2);
  });

  it("a teacher's search without a course and her help ask all her courses in one call per platform (plugin 1.4); a 1.3.0 plugin is asked course by course, with the same answers", async () => {
    const ask = async (b: BotCore, line: string) => {
      let answer = '';
      const calls = await callsDuring(async () => ([{ text: answer }] = await converse(b, TEACHER, [line])));
      return { answer, calls };
    };
    // Marie teaches five courses on ecampus: each is asked about in one call.
    const fresh = botFor(h);
    const search = await ask(fresh, 'chercher pharma');
    expect(search.answer).toContain('etp:L2PHA1');
    expect(search.calls).toMatchObject({ local_cohortbot_get_available_cohorts_many: 1 });
    expect(search.calls.local_cohortbot_get_available_cohorts).toBeUndefined();
    const help = await ask(fresh, 'aide');
    expect(help.calls).toEqual({ local_cohortbot_get_available_cohorts_many: 1 });
    // Both sites' services as a 1.3.0 plugin has them, and a bot that has not seen their functions yet.
    const tokens = ['ecampus', 'collegium'].map((name) => {
      const t = h.sim.sim.site(name).tokens.all()[0]!;
      h.sim.sim.site(name).tokens.update(t.id, { functions: t.functions.filter((f) => f !== 'local_cohortbot_get_available_cohorts_many') });
      return () => h.sim.sim.site(name).tokens.update(t.id, { functions: t.functions });
    });
    try {
      const older = botFor(h);
      const search130 = await ask(older, 'chercher pharma');
      expect(search130.answer).toBe(search.answer);
      expect(search130.calls).toMatchObject({ local_cohortbot_get_available_cohorts: 5 });
      expect(search130.calls.local_cohortbot_get_available_cohorts_many).toBeUndefined();
      // Help looks for one course of hers, course after course: her first one is.
      const help130 = await ask(older, 'aide');
      expect(help130.answer).toBe(help.answer);
      expect(help130.calls).toEqual({ local_cohortbot_get_available_cohorts: 1 });
    } finally {
      for (const restore of tokens) restore();
    }
  });

  it('says "on it" before a slow answer, and never before a quick one', async () => {
    const events: string[] = [];
    const view = await bot.handle(who(ADMIN), 'aide', async () => void events.push('on it'));
    expect(view.title).toBe('cohortbot — aide');
    expect(events).toEqual([]);
    h.sim.sim.knobs.latencyMs = 2500;
    try {
      const slow = await bot.handle(who(TEACHER), 'chercher pharma dans PHA-L3-201', async (said) => void events.push(said));
      events.push('answer');
      expect(JSON.stringify(slow)).toContain('etp:L3PHA1');
    } finally {
      h.sim.sim.knobs.latencyMs = 0;
    }
    expect(events).toEqual(['Je m’en occupe… la réponse arrive dans quelques secondes.', 'answer']);
  });
});
