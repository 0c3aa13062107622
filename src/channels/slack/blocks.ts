/**
 * The ViewModel as Block Kit, within Slack's limits: 50 blocks a message, 3000 characters a section,
 * 150 a header, 10 fields a section, 25 elements an actions block. Buttons carry the command payload.
 */
import type { Form, View } from '../../bot/views';
import { catalog } from '../../i18n';
import { typeset } from '../../i18n/typography';

export type Block = Record<string, unknown>;

const MAX_BLOCKS = 50;
const MAX_SECTION = 3000;
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Text is text: every string of a view may carry a name from Moodle, the directory or a person, so
 * Slack's three control characters are escaped (`<https://…|label>` would be a live link, `<!channel>`
 * a mention), and every mrkdwn object is `verbatim` (no auto-linked URLs, channel names or mentions).
 */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });
/** Inside a code block a backtick in a name would close it: it becomes a look-alike. */
const inCode = (s: string) => escapeMrkdwn(s.replace(/`/g, 'ˋ'));

function tableText(columns: string[], rows: string[][], whole: number[] = []): string[] {
  // A column marked whole holds what a person types (an identifier): never cut.
  const widths = columns.map((c, i) => Math.min(whole.includes(i) ? Infinity : 30, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) => r.map((c, i) => inCode(cut(c, widths[i]!).padEnd(widths[i]!))).join('  ');
  const lines = [line(columns), ...rows.map(line)];
  // One code block per page of lines that fits a section.
  const pages: string[] = [];
  let page: string[] = [];
  for (const l of lines) {
    if ([...page, l].join('\n').length + 8 > MAX_SECTION) {
      pages.push(page.join('\n'));
      page = [lines[0]!];
    }
    page.push(l);
  }
  pages.push(page.join('\n'));
  return pages.map((p) => `\`\`\`${p}\`\`\``);
}

export function renderBlocks(v: View): Block[] {
  const blocks: Block[] = [];
  const icon = v.tone === 'error' ? '❌ ' : v.tone === 'warning' ? '⚠️ ' : v.tone === 'success' ? '✅ ' : '';
  if (v.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: cut(`${icon}${v.title}`, 150), emoji: true } });
  v.blocks.forEach((b, i) => {
    const prefix = !v.title && i === 0 ? icon : '';
    if (b.type === 'text') blocks.push({ type: 'section', text: mrkdwn(cut(prefix + escapeMrkdwn(b.text), MAX_SECTION)) });
    else if (b.type === 'facts') {
      for (let k = 0; k < b.facts.length; k += 10) blocks.push({ type: 'section', fields: b.facts.slice(k, k + 10).map((f) => mrkdwn(cut(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, 2000))) });
    } else if (b.type === 'table') for (const page of tableText(b.columns, b.rows, b.whole)) blocks.push({ type: 'section', text: mrkdwn(page) });
    else blocks.push({ type: 'section', text: mrkdwn(`*${escapeMrkdwn(b.form.title)}*`) });
  });
  const buttons = (v.buttons ?? []).slice(0, 25);
  if (buttons.length) {
    blocks.push({
      type: 'actions',
      elements: buttons.map((b, i) => ({ type: 'button', action_id: `cohortbot:${i}`, text: { type: 'plain_text', text: cut(b.label, 75), emoji: true }, value: cut(b.payload, 2000), ...(b.style ? { style: b.style } : {}) })),
    });
  }
  if (blocks.length > MAX_BLOCKS) {
    const kept = blocks.slice(0, MAX_BLOCKS - 1);
    kept.push({ type: 'context', elements: [mrkdwn(typeset(catalog(v.lang).channels.moreBlocks(blocks.length - MAX_BLOCKS + 1), v.lang ?? 'fr'))] });
    return kept;
  }
  return blocks;
}

/** Text for notifications (the `text` of a message with blocks, which Slack parses as mrkdwn too). */
export function fallbackText(v: View): string {
  const first = v.blocks.find((b) => b.type === 'text');
  return escapeMrkdwn(cut(v.title ?? (first && first.type === 'text' ? first.text : 'cohortbot'), 300));
}

/** A form as a modal (the "add a cohort sync" form); the command template travels in private_metadata. */
export function renderModal(form: Form, privateMetadata: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: 'cohortbot_form',
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: cut(form.title, 24) },
    submit: { type: 'plain_text', text: cut(form.submitLabel, 24) },
    blocks: form.fields.map((f) => ({
      type: 'input',
      block_id: f.id,
      optional: !!f.optional,
      label: { type: 'plain_text', text: cut(f.label, 2000) },
      element:
        f.kind === 'choice'
          ? { type: 'static_select', action_id: 'value', options: (f.choices ?? []).slice(0, 100).map((c) => ({ text: { type: 'plain_text', text: cut(c.label, 75) }, value: c.value })), ...(f.value ? { initial_option: { text: { type: 'plain_text', text: cut((f.choices ?? []).find((c) => c.value === f.value)?.label ?? f.value, 75) }, value: f.value } } : {}) }
          : f.id === 'cohort'
            ? { type: 'external_select', action_id: 'value', min_query_length: 2 }
            : { type: 'plain_text_input', action_id: 'value', ...(f.value ? { initial_value: f.value } : {}) },
    })),
  };
}
