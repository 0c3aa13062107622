/**
 * Words a tester found wrong (fixwords): a taken cohort id, why's verdict as its title and the
 * student's gender, help per role, a decided held run in status, agreement, English typography,
 * hints the reader may use, the group named after the cohort.
 */
import type { BotCore } from '../../src/bot/core';
import { SUPPORT, converse, startDemoBot } from '../helpers/bot';
import type { SyncHarness } from '../helpers/engine';

describe('fixwords', () => {
  let h: SyncHarness;
  let bot: BotCore;

  beforeAll(async () => {
    ({ h, bot } = await startDemoBot());
  });
  afterAll(() => h.stop());

  describe('a taken cohort id is said as such, in both languages (1)', () => {
    it.each([
      ['fr', 'créer cohorte "Autre" tuteurs-l2-pharma dans ecampus', /existe déjà sur ecampus/],
      ['en', 'create cohort "Other" tuteurs-l2-pharma on ecampus', /already exists on ecampus/],
      ['fr', 'créer cohorte "Encore" TUTEURS-L2-PHARMA ecampus', /existe déjà/],
    ])('%s: %s', async (locale, line, expected) => {
      const [r] = await converse(bot, SUPPORT, [line], { locale });
      expect(r!.text).toMatch(expected);
      expect(r!.text).not.toMatch(/refusé une valeur|refused a value/);
    });
  });
});
