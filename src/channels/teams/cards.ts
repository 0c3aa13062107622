/**
 * The ViewModel as an Adaptive Card 1.5. Buttons are Action.Execute (an `adaptiveCard/action` invoke
 * whose answer replaces the card for everyone), each with an Action.Submit fallback for clients
 * without Universal Actions; both carry the command payload and the card's key.
 */
import crypto from 'node:crypto';
import type { View } from '../../bot/views';
import type { CardMessage } from './host';
import { catalog } from '../../i18n';

export type AdaptiveCard = Record<string, unknown>;

const STYLE: Record<string, string> = { error: 'attention', warning: 'warning', success: 'good', info: 'default' };

/**
 * Text is text: a TextBlock (and a FactSet) renders markdown, so a name such as `[Confirmer](https://…)`
 * would become a link. Every string of a view may carry a name from Moodle, the directory or a person:
 * each is a TextRun of a RichTextBlock, which Adaptive Cards never parse as markdown.
 */
export const plainText = (text: string, style: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'RichTextBlock', inlines: runs(text, style) });

/**
 * A catalogue's `command` (between backticks) as a monospace run, the rest as plain runs: how the
 * commands a person may type stand out without markdown. An odd backtick stays as it is.
 */
function runs(text: string, style: Record<string, unknown>): Array<Record<string, unknown>> {
  const parts = text.split('`');
  if (parts.length < 3 || parts.length % 2 === 0) return [{ type: 'TextRun', text, ...style }];
  return parts.flatMap((part, i) => (part === '' ? [] : [{ type: 'TextRun', text: part, ...style, ...(i % 2 === 1 ? { fontType: 'Monospace' } : {}) }]));
}

/** A label and its value on one line, both plain text. */
const factLine = (label: string, value: string): Record<string, unknown> => ({ type: 'RichTextBlock', spacing: 'Small', inlines: [{ type: 'TextRun', text: label, weight: 'Bolder' }, { type: 'TextRun', text: ` ${value}` }] });

/** Columns a Teams card (about 440 px) shows side by side without breaking words. */
const MAX_TABLE_COLUMNS = 4;

/**
 * A narrow table stays a Table, its columns as wide as their longest word; a wider one becomes one
 * fact list per row (the first cell as its title), which a chat-width card shows whole.
 */
function tableItems(columns: string[], rows: string[][]): Array<Record<string, unknown>> {
  if (columns.length <= MAX_TABLE_COLUMNS) {
    const longest = (i: number) => Math.max(4, ...[columns, ...rows].flatMap((r) => (r[i] ?? '').split(/\s+/).map((w) => w.length)));
    return [
      {
        type: 'Table',
        firstRowAsHeader: true,
        columns: columns.map((_, i) => ({ width: longest(i) })),
        rows: [columns, ...rows].map((r, i) => ({ type: 'TableRow', cells: r.map((c) => ({ type: 'TableCell', items: [plainText(c, { weight: i === 0 ? 'Bolder' : 'Default' })] })) })),
      },
    ];
  }
  return rows.flatMap((r, i) => [
    { ...plainText(r[0] ?? '', { weight: 'Bolder' }), ...(i > 0 ? { separator: true, spacing: 'Medium' } : {}) },
    ...columns.slice(1).map((c, k) => factLine(c, r[k + 1] ?? '')),
  ]);
}

/** A required input says what is missing (the schema asks for an error message with isRequired). */
const required = (optional: boolean | undefined, lang: View['lang']) => (optional ? { isRequired: false } : { isRequired: true, errorMessage: catalog(lang).forms.required });

export function renderCard(v: View): AdaptiveCard {
  const body: Array<Record<string, unknown>> = [];
  if (v.title) body.push(plainText(v.title, { size: 'Medium', weight: 'Bolder' }));
  for (const b of v.blocks) {
    if (b.type === 'text') body.push(plainText(b.text));
    else if (b.type === 'facts') for (const f of b.facts) body.push(factLine(f.label, f.value));
    else if (b.type === 'table') body.push(...tableItems(b.columns, b.rows));
    else {
      const f = b.form;
      body.push(plainText(f.title, { weight: 'Bolder' }));
      for (const field of f.fields) {
        body.push(
          field.kind === 'choice'
            ? { type: 'Input.ChoiceSet', id: field.id, label: field.label, value: field.value, ...required(field.optional, v.lang), choices: (field.choices ?? []).map((c) => ({ title: c.label, value: c.value })) }
            : { type: 'Input.Text', id: field.id, label: field.label, value: field.value, ...required(field.optional, v.lang) },
        );
      }
    }
  }
  const card = cardKey(v);
  const actions: Array<Record<string, unknown>> = (v.buttons ?? []).map((b) => {
    const style = b.style === 'danger' ? 'destructive' : b.style === 'primary' ? 'positive' : 'default';
    const data = { cohortbot: b.payload, card };
    return { type: 'Action.Execute', title: b.label, style, verb: EXECUTE_VERB, data, fallback: { type: 'Action.Submit', title: b.label, style, data } };
  });
  for (const b of v.blocks) if (b.type === 'form') actions.push({ type: 'Action.Submit', title: b.form.submitLabel, data: { cohortbotForm: b.form.command } });
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'Container', style: STYLE[v.tone ?? 'info'] ?? 'default', items: body }],
    ...(actions.length ? { actions } : {}),
  };
}

/** The same view as plain text, for notifications and clients that show no cards. */
export function cardFallbackText(v: View): string {
  const first = v.blocks.find((b) => b.type === 'text');
  return (v.title ?? (first && first.type === 'text' ? first.text : 'cohortbot')).slice(0, 200);
}

export const EXECUTE_VERB = 'cohortbot';

/** A card's key: the same buttons make the same key, so a card's outcome is found again from any of its buttons. */
export function cardKey(v: View): string {
  return crypto.createHash('sha256').update((v.buttons ?? []).map((b) => b.payload).join('\n')).digest('hex').slice(0, 16);
}

/** A view as the message both hosts send: the card and its text. */
export const cardMessage = (view: View): CardMessage => ({ card: renderCard(view), text: cardFallbackText(view) });
