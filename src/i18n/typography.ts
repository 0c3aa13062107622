/**
 * French typography, applied once by the presentation layer to French text (catalogue strings stay
 * readable with plain spaces): a narrow no-break space (U+202F) before « ; ! ? » and inside « », a
 * no-break space (U+00A0) before « : » — so Teams and Slack never break a line there. Text inside
 * `code spans` is left alone: a command shown as a hint must work when copied and typed.
 */
import type { Locale } from './locale';

export const NNBSP = '\u202f';
export const NBSP = '\u00a0';

function frenchRun(s: string): string {
  return (
    s
      // A space (or none, after a letter or a closing mark) before a high sign becomes the no-break one.
      .replace(/[ \u00a0\u202f]+([;!?])/g, `${NNBSP}$1`)
      .replace(/([\p{L}\p{N})»”*_])([;!?])(?=\s|$)/gu, `$1${NNBSP}$2`)
      .replace(/[ \u00a0\u202f]+:/g, `${NBSP}:`)
      // Inside French quotation marks.
      .replace(/«[ \u00a0\u202f]*/g, `«${NNBSP}`)
      .replace(/[ \u00a0\u202f]*»/g, `${NNBSP}»`)
  );
}

/** French text typeset; English text as it is. Idempotent. */
export function typeset(text: string, locale: Locale): string {
  if (locale !== 'fr' || text === '') return text;
  // Split on code spans: even parts are prose, odd parts are `code`.
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : frenchRun(part)))
    .join('');
}

/** Where French typography is broken in a text (outside code spans): for tests and checks. */
export function frenchTypographyFaults(text: string): string[] {
  const faults: string[] = [];
  text.split(/(`[^`]*`)/).forEach((part, i) => {
    if (i % 2 === 1) return;
    if (/ [:;!?]/.test(part)) faults.push(`breaking space before a high sign in "${part}"`);
    if (/«(?![\u00a0\u202f])/.test(part) || /(?<![\u00a0\u202f])»/.test(part)) faults.push(`« » without no-break spaces in "${part}"`);
  });
  return faults;
}

/** A whole view typeset for its language: every text a person reads, never a payload, a value or a command. */
export function typesetView<V extends TypesettableView>(v: V, locale: Locale): V {
  if (locale !== 'fr') return v;
  const t = (s: string) => typeset(s, locale);
  return {
    ...v,
    ...(v.title !== undefined ? { title: t(v.title) } : {}),
    blocks: v.blocks.map((b) => {
      switch (b.type) {
        case 'text':
          return { ...b, text: t(b.text) };
        case 'facts':
          return { ...b, facts: b.facts.map((f) => ({ label: t(f.label), value: t(f.value) })) };
        case 'table':
          return { ...b, columns: b.columns.map(t), rows: b.rows.map((r) => r.map(t)) };
        case 'form':
          return { ...b, form: { ...b.form, title: t(b.form.title), submitLabel: t(b.form.submitLabel), fields: b.form.fields.map((f) => ({ ...f, label: t(f.label), choices: f.choices?.map((c) => ({ ...c, label: t(c.label) })) })) } };
      }
      return b;
    }),
    ...(v.buttons ? { buttons: v.buttons.map((b) => ({ ...b, label: t(b.label) })) } : {}),
  };
}

type TypesettableView = import('../bot/views').View;
