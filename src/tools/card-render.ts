/**
 * Adaptive Cards looked at: validated by Microsoft's `adaptivecards` library against the schema
 * version Teams supports, and rendered by the same library in headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core) with a Teams-like host config, to PNG, with what
 * overflows its box or shows no text.
 */
import path from 'node:path';
import type { AdaptiveCard } from '../channels/teams/cards';

/** Teams renders Adaptive Cards up to 1.5. */
export const TEAMS_CARD_VERSION = '1.5';

// The library's UMD bundle: it runs in Node (for validation) and is injected in the page (for rendering).
const BUNDLE = require.resolve('adaptivecards/dist/adaptivecards.js');

interface AcEvent {
  message: string;
}
interface AcModule {
  AdaptiveCard: new () => { parse(json: unknown, ctx?: unknown): void; validateProperties(): { validationEvents: AcEvent[] } };
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): AcEvent };
  Versions: Record<string, unknown>;
}

/** Every parse and validation message of the library, for the version Teams renders: none is acceptable. */
export function validateCard(card: AdaptiveCard): string[] {
  const AC = require(BUNDLE) as AcModule;
  const ctx = new AC.SerializationContext(AC.Versions[`v${TEAMS_CARD_VERSION.replace('.', '_')}`]);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  if (card.version !== TEAMS_CARD_VERSION) problems.push(`version ${String(card.version)}: Teams renders ${TEAMS_CARD_VERSION}`);
  return problems;
}

/** Teams' light theme, as near as the host config says it (Segoe UI where installed). */
export const TEAMS_HOST_CONFIG = {
  supportsInteractivity: true,
  fontFamily: "'Segoe UI', system-ui, 'DejaVu Sans', sans-serif",
  spacing: { small: 4, default: 8, medium: 12, large: 16, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: { default: { default: '#242424', subtle: '#616161' }, accent: { default: '#5B5FC7', subtle: '#5B5FC7' }, good: { default: '#237B4B', subtle: '#237B4B' }, warning: { default: '#835C00', subtle: '#835C00' }, attention: { default: '#C4314B', subtle: '#C4314B' } } },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    good: { backgroundColor: '#E7F2DA', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    attention: { backgroundColor: '#FCF4F6', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
  },
  actions: { maxActions: 6, spacing: 'default', buttonSpacing: 8, showCard: { actionMode: 'inline', inlineTopMargin: 16 }, actionsOrientation: 'horizontal', actionAlignment: 'left' },
  adaptiveCard: { allowCustomStyle: true },
  factSet: { title: { weight: 'bolder', size: 'default', wrap: true, maxWidth: 150 }, value: { wrap: true }, spacing: 12 },
  textBlock: { headingLevel: 2 },
};

/** The width of a card in a Teams chat. */
export const CARD_WIDTH = 440;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #F5F5F5; }
  #root { width: ${CARD_WIDTH}px; margin: 12px; background: #FFF; border: 1px solid #E0E0E0; border-radius: 6px; overflow: hidden; }
  .ac-pushButton { font: 600 14px 'Segoe UI', system-ui, 'DejaVu Sans', sans-serif; padding: 5px 12px; border: 1px solid #D1D1D1; border-radius: 4px; background: #FFF; color: #242424; cursor: pointer; }
  .ac-pushButton.style-positive { background: #5B5FC7; border-color: #5B5FC7; color: #FFF; }
  .ac-pushButton.style-destructive { background: #C4314B; border-color: #C4314B; color: #FFF; }
  .ac-input { font: 14px 'Segoe UI', system-ui, 'DejaVu Sans', sans-serif; padding: 4px 8px; border: 1px solid #D1D1D1; border-radius: 4px; box-sizing: border-box; }
</style></head><body><div id="root"></div></body></html>`;

export interface Rendered {
  png: Buffer;
  /** Elements whose content is wider than their box (cut, overflowing the card, or words broken across lines). */
  overflow: string[];
  /** Text blocks and buttons that show nothing. */
  empty: string[];
}

/** Flags the launch uses: headless, and nothing reaching out to the network. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

export class CardRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async start(): Promise<CardRenderer> {
    // Loaded only here: playwright-core is a development tool.
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: CARD_WIDTH + 24, height: 400 }, deviceScaleFactor: 1 });
      await page.setContent(PAGE);
      await page.addScriptTag({ path: path.resolve(BUNDLE) });
      return new CardRenderer(browser, page);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  async render(card: AdaptiveCard): Promise<Rendered> {
    const found = await this.page.evaluate(
      ({ json, host }) => {
        const AC = (window as unknown as { AdaptiveCards: Record<string, new (...a: unknown[]) => Record<string, unknown>> }).AdaptiveCards;
        const root = document.getElementById('root')!;
        root.innerHTML = '';
        const c = new AC.AdaptiveCard!() as { hostConfig: unknown; parse(j: unknown): void; render(): HTMLElement };
        c.hostConfig = new AC.HostConfig!(host);
        c.parse(json);
        root.appendChild(c.render());
        const box = root.getBoundingClientRect();
        const label = (el: Element) => `${el.className || el.tagName}: ${(el.textContent ?? '').trim().slice(0, 60)}`;
        const overflow: string[] = [];
        const empty: string[] = [];
        for (const el of Array.from(root.querySelectorAll('*'))) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.right > box.right + 0.5 || el.scrollWidth > el.clientWidth + 1) overflow.push(label(el));
        }
        for (const el of Array.from(root.querySelectorAll('.ac-textBlock, .ac-pushButton'))) if (!(el as HTMLElement).innerText.trim()) empty.push(label(el));
        // A word broken across two lines is text the box is too narrow for (a line break after a
        // hyphen or a slash, as in PHA-L2-102, is ordinary wrapping: the parts are checked).
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const t = n.textContent ?? '';
          for (const m of t.matchAll(/[^\s\-/]+/g)) {
            const range = document.createRange();
            range.setStart(n, m.index);
            range.setEnd(n, m.index + m[0].length);
            const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (lines.size > 1) overflow.push(`word broken across lines: ${m[0]}`);
          }
        }
        return { overflow, empty };
      },
      { json: card, host: TEAMS_HOST_CONFIG },
    );
    const png = await this.page.locator('#root').screenshot();
    return { png, ...found };
  }

  async stop(): Promise<void> {
    await this.browser.close();
  }
}
