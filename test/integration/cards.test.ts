/**
 * What teachers see, looked at: every view of the gallery (French and English) as its Teams card is
 * valid for the adaptivecards library at the version Teams renders, and renders in headless Chromium
 * with a Teams-like host config without overflow or empty text.
 */
import { existsSync } from 'node:fs';
import { digestView } from '../../src/bot/digest';
import { renderCard } from '../../src/channels/teams/cards';
import { renderBlocks } from '../../src/channels/slack/blocks';
import { blockKitProblems } from '../helpers/slack-limits';
import { GalleryView, cardGallery } from '../../src/tools/card-gallery';
import { CHROMIUM, CardRenderer, validateCard } from '../../src/tools/card-render';
import { COLLEAGUE, SUPPORT, TEACHER, startDemoBot } from '../helpers/bot';
import type { SyncHarness } from '../helpers/engine';

let h: SyncHarness;
let gallery: GalleryView[];
let renderer: CardRenderer;

beforeAll(async () => {
  // Installed with the test packages (test/helpers/apt.ts): never skipped silently.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: install the Debian package chromium (apt-get install chromium)`);
  const demo = await startDemoBot();
  h = demo.h;
  const [run] = await h.store.lastRuns(1);
  gallery = await cardGallery(demo.bot, run!, { teacher: TEACHER, colleague: COLLEAGUE, support: SUPPORT });
  renderer = await CardRenderer.start();
}, 120_000);
afterAll(async () => {
  await renderer?.stop();
  await h?.stop();
});

describe('Teams cards', () => {
  it('the gallery holds every view in both languages, each written in its language', () => {
    const names = ['help', 'whoami', 'search', 'syncs', 'add-confirmation', 'add-done', 'add-form', 'refusal', 'why', 'status', 'daily-summary', 'held-summary', 'held-decided', 'notice-teacher', 'notice-held', 'notice-held-reminder', 'my-courses'];
    for (const lang of ['fr', 'en'] as const) expect(gallery.filter((g) => g.lang === lang).map((g) => g.name)).toEqual(names);
    const text = (name: string, lang: string) => JSON.stringify(gallery.find((g) => g.name === name && g.lang === lang)!.view);
    expect(text('add-confirmation', 'fr')).toContain('Confirmer');
    expect(text('add-confirmation', 'en')).toContain('Confirm');
    expect(text('add-done', 'fr')).toContain('Fait par Marie Durand');
    expect(text('add-done', 'en')).toContain('Done by Marie Durand');
    expect(text('daily-summary', 'en')).not.toBe(text('daily-summary', 'fr'));
    expect(text('notice-teacher', 'fr')).toContain('3 arrivées, 1 départ');
    expect(text('notice-teacher', 'en')).toContain('3 arrivals, 1 departure');
    expect(text('notice-held', 'en')).toContain('Approve');
  });

  it('every card is valid for the adaptivecards library at version 1.5 (any message fails)', () => {
    const problems = gallery.map((g) => ({ view: `${g.name}/${g.lang}`, problems: validateCard(renderCard(g.view)) })).filter((p) => p.problems.length);
    expect(problems).toEqual([]);
  });

  it('the validator does catch a broken card', () => {
    const card = renderCard(digestView({ runId: 'r', status: 'applied', trigger: 't', scope: 'all', startedAt: '2026-11-03T01:00:00Z', guardReasons: [], platforms: [] }, null));
    expect(validateCard({ ...card, body: [{ type: 'Bogus' }, { type: 'Input.Text', id: 'x', isRequired: true }] })).toEqual([expect.stringMatching(/Unknown element type "Bogus"/), 'validate: Required inputs should have a label', 'validate: Required inputs should have an error message']);
    expect(validateCard({ ...card, version: '1.6' })).toEqual(['version 1.6: Teams renders 1.5']);
  });

  it('every card renders in Chromium without overflow or empty text', async () => {
    const bad: Array<{ view: string; overflow: string[]; empty: string[] }> = [];
    for (const g of gallery) {
      const r = await renderer.render(renderCard(g.view));
      // A PNG, taller than a bare header.
      expect(r.png.subarray(1, 4).toString()).toBe('PNG');
      expect(r.png.readUInt32BE(20)).toBeGreaterThan(40);
      if (r.overflow.length || r.empty.length) bad.push({ view: `${g.name}/${g.lang}`, overflow: r.overflow, empty: r.empty });
    }
    expect(bad).toEqual([]);
  });

  it('the same views as Slack Block Kit stay within Slack\'s documented limits', () => {
    const problems = gallery.map((g) => ({ view: `${g.name}/${g.lang}`, problems: blockKitProblems(renderBlocks(g.view)) })).filter((p) => p.problems.length);
    expect(problems).toEqual([]);
  });

  it('the checks see overflow and empty text when there is some', async () => {
    const r = await renderer.render({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(300), wrap: false }, { type: 'TextBlock', text: ' ' }] });
    expect(r.overflow.length).toBeGreaterThan(0);
    expect(r.empty.length).toBe(1);
  });
});
