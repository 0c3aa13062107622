/**
 * The one choice of language. Everything a person reads is French unless their locale is English;
 * every part of the product (chat, CLI text, digest, demo) asks here rather than testing strings itself.
 */
export type Locale = 'fr' | 'en';

export const localeOf = (locale?: string): Locale => (locale && /^en\b/i.test(locale) ? 'en' : 'fr');

/** The BCP 47 tag Intl formats with: the university writes French the French way, English the British way. */
export const intlTag = (locale: Locale): string => (locale === 'en' ? 'en-GB' : 'fr-FR');
