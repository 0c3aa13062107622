/**
 * Text is text (#28): names from Moodle (cohorts, courses, people), from the directory and from what a
 * person types go through every view the bot has, rendered for Slack (Block Kit) and Teams (Adaptive
 * Cards): none becomes a link, a mention or markup; each is still shown, escaped.
 */
import { BotCore } from '../../src/bot/core';
import { digestView } from '../../src/bot/digest';
import type { View } from '../../src/bot/views';
import { renderText } from '../../src/channels/cli/render';
import { fallbackText, renderBlocks } from '../../src/channels/slack/blocks';
import { renderCard } from '../../src/channels/teams/cards';
import type { Site } from '../../src/simulator/model';
import { ADMIN, SUPPORT, TEACHER, converse, startDemoBot } from '../helpers/bot';
import type { SyncHarness } from '../helpers/engine';
import { cid, uid } from '../helpers/simulator';

const SLACK_LINK = '<https://evil.example/x|Cliquez ici pour confirmer>';
const MD_LINK = '[Confirmer](https://evil.example/y)';
const MENTION = '<!channel> <@U0ADMIN>';
const hostile = (tag: string) => `${tag} ${SLACK_LINK} ${MD_LINK} ${MENTION} & \`\`\`x\`\`\` **gras** https://evil.example/z`;

/** Every object of a rendered message, depth first. */
function* objects(v: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(v)) for (const x of v) yield* objects(x);
  else if (v && typeof v === 'object') {
    yield v as Record<string, unknown>;
    for (const x of Object.values(v)) yield* objects(x);
  }
}

describe('hostile names through every Slack and Teams view', () => {
  let h: SyncHarness;
  let bot: BotCore;
  let site: Site;
  const views: Array<{ who: string; line: string; view: View }> = [];

  beforeAll(async () => {
    ({ h, bot, site } = await startDemoBot());
    // Names as a support person, a course creator, a directory or a student can set them.
    site.cohorts.update(site.cohorts.first('idnumber', 'tuteurs-l2-pharma')!.id, { name: hostile('cohorte') });
    site.courses.update(cid(site, 'PHA-L2-101'), { fullname: hostile('cours') });
    site.users.update(uid(site, 'e21900019'), { firstname: hostile('prénom'), lastname: '\u001b[2J\u202eNom' });
    const say = async (who: string, lines: string[]) => {
      for (const [i, r] of (await converse(bot, who, lines)).entries()) views.push({ who, line: lines[i]!, view: r.view });
    };
    await say(TEACHER, ['aide', 'qui suis-je', 'état', 'chercher tuteurs', 'chercher tuteurs dans PHA-L2-101', 'méthodes PHA-L2-101', 'ajouter tuteurs-l2-pharma à PHA-L2-102', 'non', 'modifier tuteurs-l2-pharma dans PHA-L2-101 désactiver', 'non', 'retirer tuteurs-l2-pharma de PHA-L2-101', 'non', 'pourquoi e21900019 PHA-L2-101', 'méthodes "Pharmacologie"', SLACK_LINK, `chercher ${SLACK_LINK}`, `méthodes ${MD_LINK}`, 'ajouter']);
    await say(SUPPORT, ['membres tuteurs-l2-pharma', 'pourquoi e21900019 PHA-L2-101', 'historique e21900019', 'ajouter membres tuteurs-l2-pharma e21900030', 'non', `créer cohorte "${hostile('nouvelle')}" evil-1`, 'chercher evil', `ajouter membres tuteurs-l2-pharma ${MENTION}`]);
    await say(ADMIN, ['chercher tuteurs', 'état tuteurs-l2-pharma', 'synchroniser e21900019']);
    const [run] = await h.store.lastRuns(1);
    views.push({ who: 'digest', line: 'digest', view: digestView(run!, new Date(), 'fr', 'Europe/Paris', { status: 'approved', by: MENTION }) });
  }, 120_000);
  afterAll(() => h.stop());

  it('the views do carry the hostile names (the test is not vacuous)', () => {
    const carrying = views.filter((v) => JSON.stringify(v.view).includes(SLACK_LINK.slice(1, 20)));
    expect(carrying.length).toBeGreaterThanOrEqual(12);
    for (const tag of ['cohorte', 'cours', 'prénom', 'nouvelle']) expect({ tag, shown: views.some((v) => JSON.stringify(v.view).includes(`${tag} <https`)) }).toEqual({ tag, shown: true });
  });

  it('Slack: every mrkdwn text is verbatim and holds no < or >; each name is shown escaped', () => {
    for (const { line, view } of views) {
      const blocks = renderBlocks(view);
      for (const o of objects(blocks)) {
        if (o.type !== 'mrkdwn') continue;
        expect({ line, verbatim: o.verbatim }).toEqual({ line, verbatim: true });
        expect({ line, text: o.text }).toEqual({ line, text: expect.not.stringMatching(/[<>]/) });
      }
      expect(fallbackText(view)).not.toMatch(/[<>]/);
      if (JSON.stringify(view).includes(SLACK_LINK.slice(0, 20))) expect(JSON.stringify(blocks)).toContain('&lt;https://evil.example');
      // No name closes a code block (tables are code blocks): exactly the renderer's own fences.
      for (const o of objects(blocks)) if (o.type === 'mrkdwn' && String(o.text).startsWith('```')) expect((String(o.text).match(/```/g) ?? []).length).toBe(2);
    }
  });

  it('Teams: no markdown element at all — every text is a TextRun — and each name is shown as typed', () => {
    for (const { line, view } of views) {
      const card = renderCard(view);
      for (const o of objects(card)) expect({ line, type: o.type }).toEqual({ line, type: expect.not.stringMatching(/^(TextBlock|FactSet)$/) });
      const runs = [...objects(card)].filter((o) => o.type === 'TextRun').map((o) => String(o.text));
      if (JSON.stringify(view.blocks).includes(MD_LINK)) expect(runs.some((r) => r.includes(MD_LINK))).toBe(true);
    }
  });

  it('the terminal drops control and bidirectional characters from names', () => {
    const shown = views.filter((v) => JSON.stringify(v.view).includes('\\u001b')).map((v) => renderText(v.view));
    expect(shown.length).toBeGreaterThan(0);
    const controls = (s: string) => Array.from(s).filter((c) => { const n = c.charCodeAt(0); return (n < 32 && n !== 10) || n === 0x7f || (n >= 0x202a && n <= 0x202e); });
    for (const s of shown) expect(controls(s)).toEqual([]);
  });
});
