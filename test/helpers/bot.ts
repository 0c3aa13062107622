/** A bot core on the sync harness, and people of the demo university to talk as. */
import { BotCore } from '../../src/bot/core';
import type { Identity } from '../../src/bot/context';
import { renderText } from '../../src/channels/cli/render';
import type { View } from '../../src/bot/views';
import { silentLogger } from '../../src/log';
import { SyncHarness, startSyncHarness } from './engine';
import type { Site } from '../../src/simulator/model';
import { createDirectorySource } from '../../src/directory';
import { createPlatformApis } from '../../src/moodle/platforms';

export const TEACHER = 'marie.durand@univ-demo.fr'; // editing teacher of the PHA courses (ecampus)
export const COLLEAGUE = 'paul.martin@univ-demo.fr'; // editing teacher of the DRT courses
export const SUPPORT = 'claire.moreau@univ-demo.fr';
export const ADMIN = 'admin.moodle@univ-demo.fr';

export function botFor(h: SyncHarness): BotCore {
  return new BotCore({ config: h.config, apis: createPlatformApis(h.config), store: h.store, engine: h.engine, directory: createDirectorySource(h.config), logger: silentLogger });
}

export const who = (email: string, extra: Partial<Identity> = {}): Identity => ({ channel: 'cli', chatUserId: email, email, locale: 'fr', conversation: 'private', ...extra });

/** Text with French typography's no-break spaces as plain ones: tests of what is said, typography aside (test/unit/typography.test.ts holds it). */
export const plainSpaces = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

/** Says each line in turn as one person; returns the replies rendered as text (typography aside: plainSpaces). */
export async function converse(bot: BotCore, email: string, lines: string[], extra: Partial<Identity> = {}): Promise<Array<{ view: View; text: string }>> {
  const out = [];
  for (const line of lines) {
    const view = await bot.handle(who(email, extra), line);
    out.push({ view, text: plainSpaces(renderText(view)) });
  }
  return out;
}

/** The demo university after its first sync, with a bot on it: what most bot tests start from. */
export async function startDemoBot(): Promise<{ h: SyncHarness; bot: BotCore; site: Site }> {
  const h = await startSyncHarness();
  await h.engine.run();
  return { h, bot: botFor(h), site: h.sim.sim.site('ecampus') };
}
