import { slackManifest } from '../../src/tools/slack-manifest';
import { renderBlocks, renderModal } from '../../src/channels/slack/blocks';
import { addForm } from '../../src/channels/slack/app';

describe('Slack manifest and Block Kit', () => {
  it('fills the host into every URL, with only the scopes used', () => {
    const m = slackManifest('https://cohortbot.univ.fr/');
    expect(m).not.toContain('{{HOST}}');
    expect(m.match(/https:\/\/cohortbot\.univ\.fr\/slack\/events/g)).toHaveLength(3);
    expect(m).toMatch(/- commands\n\s+- chat:write\n\s+- users:read\n\s+- users:read.email\n\s+- im:write\n/);
    expect(() => slackManifest('http://insecure.example')).toThrow(/https/);
  });

  it('stays within Slack limits: 50 blocks, 3000-character sections, 150-character headers, 10 fields', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [`Cohorte ${i} ${'x'.repeat(40)}`, `etp:X${i}`, String(i)]);
    const blocks = renderBlocks({ title: 'T'.repeat(300), blocks: [{ type: 'table', columns: ['a', 'b', 'c'], rows }, { type: 'facts', facts: Array.from({ length: 23 }, (_, i) => ({ label: `l${i}`, value: 'v' })) }], buttons: Array.from({ length: 30 }, (_, i) => ({ label: `b${i}`, payload: `p ${i}` })) });
    expect(blocks.length).toBeLessThanOrEqual(50);
    const header = blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    for (const b of blocks as Array<{ type: string; text?: { text: string }; fields?: unknown[]; elements?: unknown[] }>) {
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
      if (b.type === 'actions') expect(b.elements!.length).toBeLessThanOrEqual(25);
    }
  });

  it('renders the add form as a modal with an external cohort search', () => {
    const modal = renderModal(addForm('fr'), '{"channel":"C1"}') as { blocks: Array<{ block_id: string; element: { type: string } }> };
    expect(modal.blocks.map((b) => [b.block_id, b.element.type])).toEqual([
      ['course', 'plain_text_input'],
      ['cohort', 'external_select'],
      ['role', 'static_select'],
      ['group', 'static_select'],
    ]);
  });
});
