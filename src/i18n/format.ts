/**
 * The one formatter of dates, times, numbers and plurals. Times are in the university's time zone
 * (ACADEMIC_TIMEZONE), plurals follow the language's rules (Intl.PluralRules: French 0 and 1 are singular).
 */
import { Locale, intlTag } from './locale';

/** A date (and time) the way people of that language write it, in the university's time zone. */
export function formatDate(d: Date, locale: Locale, timeZone: string, withTime = false): string {
  return new Intl.DateTimeFormat(intlTag(locale), { timeZone, dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}) }).format(d);
}

/** A count the way the language groups digits (French: narrow no-break space). */
export const formatNumber = (n: number, locale: Locale): string => n.toLocaleString(intlTag(locale));

const rules = new Map<Locale, Intl.PluralRules>();

/** The form of a word for a count, by the language's plural rules: plural(2, 'fr', { one: 'étudiant', other: 'étudiants' }). */
export function plural(n: number, locale: Locale, forms: { one: string; other: string }): string {
  let r = rules.get(locale);
  if (!r) rules.set(locale, (r = new Intl.PluralRules(intlTag(locale))));
  return r.select(n) === 'one' ? forms.one : forms.other;
}

/** "17 étudiants", "1 étudiant", "0 étudiant": the number and the word that agrees with it. */
export const count = (n: number, locale: Locale, forms: { one: string; other: string }): string => `${formatNumber(n, locale)} ${plural(n, locale, forms)}`;

/** A decimal the way the language writes it (French: a decimal comma): formatDecimal(12.5, 'fr', 1) is "12,5". */
export const formatDecimal = (n: number, locale: Locale, fractionDigits = 1): string =>
  n.toLocaleString(intlTag(locale), { minimumFractionDigits: 0, maximumFractionDigits: fractionDigits });

/** A person's grammatical gender as the directory gives it (directory/supann.ts: supannCivilite), else unknown. */
export type Gender = 'm' | 'f' | undefined;
export { genderOf } from '../directory/supann';

/** The form that agrees with a person: inscrit / inscrite, and a neutral form when the directory does not say (inscrit·e). */
export const agree = (gender: Gender, forms: { m: string; f: string; neutral: string }): string => (gender === 'm' ? forms.m : gender === 'f' ? forms.f : forms.neutral);
