/**
 * What a tester typed (fixparse): a course named in words after a student, button labels typed back,
 * hints in the asker's language, cohort near misses, and the CLI's `why` on an unknown course.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER, converse, startDemoBot } from '../helpers/bot';
import type { BotCore } from '../../src/bot/core';
import type { SyncHarness } from '../helpers/engine';
import { parseCommand } from '../../src/bot/commands';
import { demoEnv, DEMO_SEED } from '../helpers/engine';
import { RunningSimulator, startSimulator } from '../helpers/simulator';
import { CliError } from '../../src/cli/common';

const ZOE = 'zoe.leroy1@etu.univ-demo.fr';
const P = { platforms: ['ecampus', 'collegium'] };
/** The commands a reply suggests in backticks, and its buttons' payloads. */
const hints = (r: { view: { buttons?: Array<{ payload: string }> }; text: string }) => [...[...r.text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), ...(r.view.buttons ?? []).map((b) => b.payload)];

describe('fixparse', () => {
  let h: SyncHarness;
  let bot: BotCore;
  beforeAll(async () => {
    ({ h, bot } = await startDemoBot());
  });
  afterAll(async () => {
    await h.stop();
  });

  it('#1 a course named in words after the student is the rest of the line (why, the student\'s own why)', async () => {
    const [fr, byMail] = await converse(bot, SUPPORT, ['pourquoi e21900001 chimie analytique', 'pourquoi zoe.leroy1@etu.univ-demo.fr Chimie Analytique']);
    for (const r of [fr!, byMail!]) {
      expect(r.text).toContain('PHA-L2-102');
      expect(r.text).not.toMatch(/Aucun cours/);
    }
    const [paul] = await converse(bot, COLLEAGUE, ['why e21900044 introduction au droit'], { locale: 'en' });
    expect(paul!.text).toContain('DRT-L1-101');
    expect(paul!.text).not.toMatch(/Several courses|e21900044 introduction/);
    const [self] = await converse(bot, ZOE, ['pourquoi je ne suis pas inscrite en pharmacologie générale']);
    expect(self!.text).toContain('PHA-L2-101');
    expect(self!.text).not.toMatch(/Aucun cours/);
    const [selfEn] = await converse(bot, ZOE, ['why am I not enrolled in Pharmacologie générale?'], { locale: 'en' });
    expect(selfEn!.text).toContain('PHA-L2-101');
  });

  it('#2 "voir plus" / "see more" typed: the next page of this person\'s own last search', async () => {
    const [page2] = await converse(bot, ADMIN, ['chercher e page 2']);
    const [, more] = await converse(bot, ADMIN, ['chercher e', 'voir plus']);
    expect(more!.text).toBe(page2!.text);
    const [page2en] = await converse(bot, ADMIN, ['search e page 2'], { locale: 'en' });
    const [, moreEn] = await converse(bot, ADMIN, ['search e', 'see more'], { locale: 'en' });
    expect(moreEn!.text).toBe(page2en!.text);
    // Someone else's search is not theirs: support, who searched nothing, is told there is nothing more —
    // never pointed to a page of another search.
    const [other] = await converse(bot, SUPPORT, ['voir plus']);
    expect(other!.text).toMatch(/rien de plus à montrer/);
    expect(other!.text).not.toMatch(/page 2/);
    // A search on one page: "voir plus" says there is no more; a page past the end is said, never an empty table.
    const [one, none] = await converse(bot, TEACHER, ['chercher pharma', 'voir plus']);
    expect(one!.view.buttons ?? []).not.toContainEqual(expect.objectContaining({ payload: expect.stringMatching(/page 2/) }));
    expect(none!.text).toMatch(/rien de plus à montrer/);
    const [past] = await converse(bot, TEACHER, ['search pharma page 2'], { locale: 'en' });
    expect(past!.text).toMatch(/There is no page 2: this search fits on 1 page\./);
  });

  it('#3 every suggested command is in the asker\'s language, and works', async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      [TEACHER, 'why e21900001 PHA-L2-11', 'en', /^why e21900001 ecampus:PHA-L2-101$/],
      [COLLEAGUE, 'syncs drt-l1-10', 'en', /^syncs ecampus:DRT-L1-101$/],
      [TEACHER, 'pourquoi e21900001 PHA-L2-11', 'fr', /^pourquoi e21900001 ecampus:PHA-L2-101$/],
      [COLLEAGUE, 'méthodes drt-l1-10', 'fr', /^méthodes ecampus:DRT-L1-101$/],
    ];
    for (const [person, line, locale, expected] of cases) {
      const [r] = await converse(bot, person, [line], { locale });
      const said = hints(r!);
      expect(said.some((c) => expected.test(c))).toBe(true);
      const french = /^(pourquoi|méthodes|ajouter|modifier|retirer|chercher|synchroniser|changements) /;
      const english = /^(why|syncs|add|update|remove|search|sync|changes) /;
      for (const c of said) expect(c).not.toMatch(locale === 'en' ? french : english);
      const [again] = await converse(bot, person, [said.find((c) => expected.test(c))!], { locale });
      expect(again!.view.tone).not.toBe('error');
    }
  });

  it('#4 a cohort near miss is "did you mean" with the exact command, never a card', async () => {
    for (const [locale, line, expected] of [
      ['fr', 'ajouter etp:L3PHA à PHA-L2-101', 'ajouter etp:L3PHA1 à ecampus:PHA-L2-101'],
      ['fr', 'ajouter etp:L2PHA à PHA-L2-102', 'ajouter etp:L2PHA1 à ecampus:PHA-L2-102'],
      ['en', 'add etp:L3PHA to PHA-L2-101', 'add etp:L3PHA1 to ecampus:PHA-L2-101'],
      ['fr', 'ajouter etp:L3PHA2 à PHA-L2-101 rôle enseignant', 'ajouter etp:L3PHA1 à ecampus:PHA-L2-101 rôle editingteacher'],
    ] as const) {
      const [r] = await converse(bot, TEACHER, [line], { locale });
      expect(r!.view.tone).toBe('error');
      expect(r!.view.buttons?.some((b) => /^(oui|yes) /.test(b.payload)) ?? false).toBe(false);
      expect(r!.text).not.toMatch(/déjà synchronisée|already synced/);
      expect(hints(r!)).toContain(expected);
      expect(parseCommand(expected, P).ok).toBe(true);
    }
    // The hint, typed, is the card.
    const [card] = await converse(bot, TEACHER, ['ajouter etp:L3PHA1 à ecampus:PHA-L2-101', 'non']);
    expect(card!.view.buttons?.some((b) => /^oui /.test(b.payload))).toBe(true);
    // update and remove too: no change on a guess.
    const [upd] = await converse(bot, TEACHER, ['modifier etp:L2PHA dans PHA-L2-102 désactiver']);
    expect(hints(upd!)).toContain('modifier etp:L2PHA1 dans ecampus:PHA-L2-102 désactiver');
    expect(upd!.view.buttons?.some((b) => /^oui /.test(b.payload)) ?? false).toBe(false);
  });
});

describe('fixparse #5: cohortbot why on an unknown course', () => {
  let sim: RunningSimulator;
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    sim = await startSimulator(DEMO_SEED);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-why-'));
    Object.assign(process.env, demoEnv(sim, {}, dir));
  });
  afterAll(async () => {
    process.env = saved;
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says it in the CLI\'s language (French by default) with the closest courses, exit 2', async () => {
    const { runWhy } = await import('../../src/cli/why-run');
    const fr = await runWhy('e21900001', 'PHA-X-999', { lang: 'fr' }).then(() => undefined, (e: unknown) => e);
    expect(fr).toBeInstanceOf(CliError);
    expect((fr as CliError).exitCode).toBe(2);
    expect((fr as CliError).message).toMatch(/^aucun cours « PHA-X-999 » sur ecampus, collegium — vouliez-vous dire `cohortbot why e21900001 ecampus:PHA-/);
    const en = await runWhy('e21900001', 'PHA-L2-11', { lang: 'en' }).then(() => undefined, (e: unknown) => e);
    expect((en as CliError).message).toMatch(/^no course "PHA-L2-11" on ecampus, collegium — did you mean `cohortbot why e21900001 ecampus:PHA-L2-101`/);
  });
});
