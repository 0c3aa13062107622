/** The ViewModel as an Adaptive Card 1.5 (buttons are Action.Submit carrying the command payload). */
import type { View } from '../../bot/views';

export type AdaptiveCard = Record<string, unknown>;

const STYLE: Record<string, string> = { error: 'attention', warning: 'warning', success: 'good', info: 'default' };

export function renderCard(v: View): AdaptiveCard {
  const body: Array<Record<string, unknown>> = [];
  if (v.title) body.push({ type: 'TextBlock', text: v.title, size: 'Medium', weight: 'Bolder', wrap: true });
  for (const b of v.blocks) {
    if (b.type === 'text') body.push({ type: 'TextBlock', text: b.text, wrap: true });
    else if (b.type === 'facts') body.push({ type: 'FactSet', facts: b.facts.map((f) => ({ title: f.label, value: f.value })) });
    else if (b.type === 'table') {
      body.push({
        type: 'Table',
        firstRowAsHeader: true,
        columns: b.columns.map(() => ({ width: 1 })),
        rows: [b.columns, ...b.rows].map((r, i) => ({ type: 'TableRow', cells: r.map((c) => ({ type: 'TableCell', items: [{ type: 'TextBlock', text: c, wrap: true, weight: i === 0 ? 'Bolder' : 'Default' }] })) })),
      });
    } else {
      const f = b.form;
      body.push({ type: 'TextBlock', text: f.title, weight: 'Bolder', wrap: true });
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
