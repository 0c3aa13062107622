/** Block Kit payloads stay within Slack's documented limits, however big the view. */
import { fallbackText, renderBlocks, renderModal } from '../../src/channels/slack/blocks';
import { addForm } from '../../src/bot/forms';
import type { View } from '../../src/bot/views';
import { blockKitProblems, modalProblems } from '../helpers/slack-limits';

const long = (n: number, word = 'pharmacie') => Array.from({ length: n }, () => word).join(' ');

describe('Slack Block Kit limits', () => {
  it('a huge view (long title and text, a 400-row table, 40 facts, 30 long buttons) still fits', () => {
    const view: View = {
      title: long(40),
      tone: 'warning',
      blocks: [
        { type: 'text', text: long(800) },
        { type: 'facts', facts: Array.from({ length: 40 }, (_, i) => ({ label: `label ${i}`, value: long(300) })) },
        { type: 'table', columns: ['Cohorte', 'Identifiant', 'Membres'], rows: Array.from({ length: 400 }, (_, i) => [`Licence ${i} ${long(6)}`, `etp:L${i}PHA1`, String(i)]) },
      ],
      buttons: Array.from({ length: 30 }, (_, i) => ({ label: `${long(12)} ${i}`, payload: `oui ${long(300)}` })),
    };
    const blocks = renderBlocks(view);
    expect(blockKitProblems(blocks)).toEqual([]);
    expect(fallbackText(view).length).toBeLessThanOrEqual(300);
    // 80 paragraphs: cut at 50 blocks, the last one saying what was left out.
    const many = renderBlocks({ blocks: Array.from({ length: 80 }, (_, i) => ({ type: 'text' as const, text: `paragraphe ${i}` })) });
    expect(many).toHaveLength(50);
    expect(blockKitProblems(many)).toEqual([]);
    expect(JSON.stringify(many[49])).toContain('31 blocs de plus');
  });

  it('the checker itself sees a breach', () => {
    expect(blockKitProblems([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }])).toEqual(['block 0 (header): header text 151 > 150']);
    expect(blockKitProblems([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }])).toEqual(['block 0 (section): section text 3001 > 3000']);
  });

  it('the add form as a modal fits, in French and in English', () => {
    for (const locale of ['fr-FR', 'en-GB']) expect(modalProblems(renderModal(addForm(locale), JSON.stringify({ command: 'x', channel: 'C1' })))).toEqual([]);
  });
});
