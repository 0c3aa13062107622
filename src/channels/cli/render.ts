/** The ViewModel as plain text for the terminal; buttons become numbered choices. */
import type { View } from '../../bot/views';

function tableText(columns: string[], rows: string[][], whole: number[] = []): string {
  // A column marked whole holds what a person types (an identifier): never cut.
  const widths = columns.map((c, i) => Math.min(whole.includes(i) ? Infinity : 40, Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length))));
  const cell = (s: string, i: number) => (s.length > widths[i]! ? `${s.slice(0, widths[i]! - 1)}…` : s.padEnd(widths[i]!));
  return [columns.map(cell).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => r.map(cell).join('  '))].join('\n');
}

/**
 * Text is text in a terminal too: control characters (an escape sequence in a name could clear the
 * screen or forge a line) and bidirectional overrides are dropped; tabs become spaces.
 */
const unsafe = (n: number): boolean => (n < 32 && n !== 10) || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069);
const terminalSafe = (s: string): string => Array.from(s.replace(/\t/g, ' '), (c) => (unsafe(c.charCodeAt(0)) ? '' : c)).join('');

export function renderText(v: View): string {
  const out: string[] = [];
  // French typography puts a (narrow) space before a colon; English does not.
  const colon = v.lang === 'en' ? ': ' : ' : ';
  const mark = v.tone === 'error' ? '✗ ' : v.tone === 'warning' ? '! ' : v.tone === 'success' ? '✓ ' : '';
  if (v.title) out.push(`${mark}${v.title}`);
  v.blocks.forEach((b, i) => {
    const prefix = !v.title && i === 0 ? mark : '';
    if (b.type === 'text') out.push(prefix + b.text);
    else if (b.type === 'facts') out.push(b.facts.map((f) => `  ${f.label}${colon}${f.value}`).join('\n'));
    else if (b.type === 'table') out.push(tableText(b.columns, b.rows, b.whole));
    else out.push(`${b.form.title}${colon}${b.form.fields.map((f) => f.label).join(', ')}`);
  });
  (v.buttons ?? []).forEach((b, i) => out.push(`  [${i + 1}] ${b.label}`));
  return terminalSafe(out.join('\n'));
}
