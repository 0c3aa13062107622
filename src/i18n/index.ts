/** Picks the catalogue from a locale (fr default; en for English locales). */
import { en } from './en';
import { Catalog, fr } from './fr';

export type { Catalog };

export function catalog(locale?: string): Catalog {
  return locale && /^en\b/i.test(locale) ? en : fr;
}
