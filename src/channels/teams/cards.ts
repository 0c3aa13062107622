/** The ViewModel as an Adaptive Card 1.5 (buttons are Action.Submit carrying the command payload). */
import type { View } from '../../bot/views';

export type AdaptiveCard = Record<string, unknown>;

const STYLE: Record<string, string> = { error: 'attention', warning: 'warning', success: 'good', info: 'default' };

/**
 * Text is text: a TextBlock (and a FactSet) renders markdown, so a name such as `[Confirmer](https://…)`
 * would become a link. Every string of a view may carry a name from Moodle, the directory or a person:
 * each is a TextRun of a RichTextBlock, which Adaptive Cards never parse as markdown.
 */
export const plainText = (text: string, style: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...style }] });

export function renderCard(v: View): AdaptiveCard {
  const body: Array<Record<string, unknown>> = [];
  if (v.title) body.push(plainText(v.title, { size: 'Medium', weight: 'Bolder' }));
  for (const b of v.blocks) {
    if (b.type === 'text') body.push(plainText(b.text));
    else if (b.type === 'facts') for (const f of b.facts) body.push({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: f.label, weight: 'Bolder' }, { type: 'TextRun', text: ` ${f.value}` }] });
    else if (b.type === 'table') {
      body.push({
        type: 'Table',
        firstRowAsHeader: true,
        columns: b.columns.map(() => ({ width: 1 })),
        rows: [b.columns, ...b.rows].map((r, i) => ({ type: 'TableRow', cells: r.map((c) => ({ type: 'TableCell', items: [plainText(c, { weight: i === 0 ? 'Bolder' : 'Default' })] })) })),
      });
    } else {
      const f = b.form;
      body.push(plainText(f.title, { weight: 'Bolder' }));
      for (const field of f.fields) {
        body.push(
          field.kind === 'choice'
            ? { type: 'Input.ChoiceSet', id: field.id, label: field.label, value: field.value, isRequired: !field.optional, choices: (field.choices ?? []).map((c) => ({ title: c.label, value: c.value })) }
            : { type: 'Input.Text', id: field.id, label: field.label, value: field.value, isRequired: !field.optional },
        );
      }
    }
  }
  const actions: Array<Record<string, unknown>> = (v.buttons ?? []).map((b) => ({ type: 'Action.Submit', title: b.label, style: b.style === 'danger' ? 'destructive' : b.style === 'primary' ? 'positive' : 'default', data: { cohortbot: b.payload } }));
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
