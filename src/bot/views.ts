/**
 * The neutral view every handler returns; Teams (Adaptive Cards), Slack (Block Kit) and the terminal
 * (plain text) each render it. Buttons carry a command payload: the text of a command the grammar
 * understands (often "confirm <id>"), so a click is parsed, authorised and audited like typing it.
 */

export type Tone = 'info' | 'success' | 'warning' | 'error';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'facts'; facts: Array<{ label: string; value: string }> }
  | { type: 'table'; columns: string[]; rows: string[][]; whole?: number[] } // whole: columns a renderer never cuts (identifiers a person types)
  | { type: 'form'; form: Form };

export interface Button {
  label: string;
  payload: string;
  style?: 'primary' | 'danger';
}

export interface FormField {
  id: string;
  label: string;
  kind: 'text' | 'choice';
  choices?: Array<{ label: string; value: string }>;
  value?: string;
  optional?: boolean;
}

/** A form submits its values into `command`, where `{field}` placeholders are replaced. */
export interface Form {
  id: string;
  title: string;
  fields: FormField[];
  command: string;
  submitLabel: string;
}

export interface View {
  title?: string;
  tone?: Tone;
  blocks: Block[];
  buttons?: Button[];
  /** Holds personal data: only ever shown to the person who asked, in a private reply. */
  private?: boolean;
  /** The language it is written in: renderers follow its typography (French: a space before « : »). */
  lang?: 'fr' | 'en';
}

export const text = (t: string): Block => ({ type: 'text', text: t });
export const facts = (list: Array<[string, string | number]>): Block => ({ type: 'facts', facts: list.map(([label, value]) => ({ label, value: String(value) })) });
export const table = (columns: string[], rows: Array<Array<string | number>>, whole?: number[]): Block => ({ type: 'table', columns, rows: rows.map((r) => r.map(String)), ...(whole?.length ? { whole } : {}) });

/** A name cut to `max` characters (an ellipsis marks the cut): names may be cut, identifiers never. */
export const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s);

export function view(v: View): View {
  return v;
}

/** Fills a form's command with submitted values (quoted when they hold spaces). */
export function formCommand(form: Form, values: Record<string, string>): string {
  return form.command.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = (values[k] ?? '').trim();
    return /\s/.test(v) ? `"${v.replace(/"/g, "'")}"` : v;
  });
}
