/**
 * Every view in both languages (issue #18): teachers, support and admins walk through the commands in
 * French and in English; an English reply holds no French words of the interface (and a French one
 * none of the English), and every hint the bot prints — in backticks or behind a button — is a command
 * its own grammar accepts verbatim (placeholders filled in).
 */
import type { BotCore } from '../../src/bot/core';
import { parseCommand } from '../../src/bot/commands';
import type { View } from '../../src/bot/views';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER, converse, startDemoBot } from '../helpers/bot';
import type { SyncHarness } from '../helpers/engine';

/** Interface words of one language that never belong in a reply of the other (data values aside). */
const FRENCH = /\b(vous|votre|aucune?|avec|pour|dans|sont|retraits?|ajouts?|cohortes?|étudiants?|inscrits?|synchronisations?|maillon|garde-fou|dernière|prochaine|plateforme|rôle|groupe|état|réponse|compte|inconnue?|rien|déjà|pas|les|des|une|est)\b/i;
const ENGLISH = /\b(the|is|are|and|not|your|you|removals?|added|removed|held|guard|student|course|sync of|nothing|already|unknown|last|next|waiting)\b/i;

/** What the demo's data brings into a reply (course and cohort names, usernames): not interface words. */
const DATA = /(Licence \d [\p{L} ]+|Master \d [\p{L} ]+|Tuteurs L2 pharma|Pharmacologie générale|Chimie analytique|Pharmacie galénique|[A-Z]{3}-[A-Z]\d-\d{3}|etp:\w+|e2\d{7}|[\w.]+@[\w.-]+)/gu;

const SCRIPT: Array<[string, string[], string[]]> = [
  [TEACHER, ['aide', 'qui suis-je', 'chercher pharma', 'chercher pharma dans PHA-L2-101', 'méthodes PHA-L2-102', 'ajouter etp:L3PHA1 à PHA-L3-201', 'non', 'retirer etp:L2PHA1 de PHA-L2-102', 'non', 'modifier etp:L2PHA1 dans PHA-L2-102 désactiver', 'non', 'état', 'pourquoi e21900001 PHA-L2-102', 'ajoutre etp:L2PHA1', 'pourquoi e21900001', 'ajouter etp:L2PHA1 à NOPE-101'],
    ['help', 'whoami', 'search pharma', 'search pharma in PHA-L2-101', 'syncs PHA-L2-102', 'add etp:L3PHA1 to PHA-L3-201', 'no', 'remove etp:L2PHA1 from PHA-L2-102', 'no', 'update etp:L2PHA1 in PHA-L2-102 disable', 'no', 'status', 'why e21900001 PHA-L2-102', 'ad etp:L2PHA1', 'why e21900001', 'add etp:L2PHA1 to NOPE-101']],
  [COLLEAGUE, ['méthodes PHA-L2-102', 'ajouter etp:L2PHA1 à PHA-L2-101'], ['syncs PHA-L2-102', 'add etp:L2PHA1 to PHA-L2-101']],
  [SUPPORT, ['pourquoi e21900001 PHA-L2-102', 'pourquoi e29999999 PHA-L2-102', 'pourquoi e21900044 PHA-L2-102', 'historique e21900001', 'synchroniser étudiant e21900001', 'synchroniser e21999999', 'membres tuteurs-l2-pharma', 'synchroniser tout', 'ajouter membres tuteurs-l2-pharma e21900005 nobody42', 'retirer membres tuteurs-l2-pharma e21900005', 'non'],
    ['why e21900001 PHA-L2-102', 'why e29999999 PHA-L2-102', 'why e21900044 PHA-L2-102', 'history e21900001', 'sync student e21900001', 'sync e21999999', 'members tuteurs-l2-pharma', 'sync all', 'add members tuteurs-l2-pharma e21900005 nobody42', 'remove members tuteurs-l2-pharma e21900005', 'no']],
  [ADMIN, ['synchroniser cohorte L2PHAX', 'synchroniser collegium', 'synchroniser cohorte L2PHA1', 'état', 'état ecampus', 'état L2PHA1', 'approuver r-nope', 'rejeter r-nope', 'qui suis-je'], ['sync cohort L2PHAX', 'sync collegium', 'sync cohort L2PHA1', 'status', 'status ecampus', 'status L2PHA1', 'approve r-nope', 'reject r-nope', 'whoami']],
  [TEACHER, ['ajouter etp:L3PHA1 à PHA-L3-201', 'oui', 'modifier etp:L3PHA1 dans PHA-L3-201 rôle enseignant non éditeur', 'oui', 'retirer etp:L3PHA1 de PHA-L3-201', 'oui'], ['add etp:L3PHA1 to PHA-L3-201', 'yes', 'update etp:L3PHA1 in PHA-L3-201 role non-editing teacher', 'yes', 'remove etp:L3PHA1 from PHA-L3-201', 'yes']],
  ['stranger@nowhere.example', ['aide', 'qui suis-je', 'chercher pharma'], ['help', 'whoami', 'search pharma']],
];

/** Placeholders of hints, filled with values the grammar accepts. */
const fill = (hint: string) =>
  hint
    .replace(/<(cohorte|cohort|identifiant|ID)>/gi, 'etp:L2PHA1')
    .replace(/<(cours|course)>/gi, 'PHA-L2-101')
    .replace(/<(étudiant|student)>/gi, 'e21900001')
    .replace(/<(plateforme|platform)>/gi, 'ecampus')
    .replace(/<(liste|list)>/gi, 'e21900001 e21900002')
    .replace(/<(nom|name)>/gi, 'Tuteurs')
    .replace(/<run>/gi, 'r20261129-020000-ab12')
    .replace(/<id>/gi, '0badcafe')
    .replace(/<(texte|text)>/gi, 'pharma')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/ …/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const hintsOf = (view: View, text: string): string[] => [...[...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), ...(view.buttons ?? []).map((b) => b.payload)];

describe('every view in both languages, every hint a command', () => {
  let h: SyncHarness;
  let bot: BotCore;
  beforeAll(async () => {
    ({ h, bot } = await startDemoBot());
  });
  afterAll(() => h.stop());

  for (const [locale, index] of [['fr', 1], ['en', 2]] as const) {
    it(`${locale}: no word of the other language, and every hint parses`, async () => {
      const leaks: string[] = [];
      const badHints: string[] = [];
      for (const row of SCRIPT) {
        const [who, lines] = [row[0], row[index]];
        for (const r of await converse(bot, who, lines, { locale })) {
          const text = r.text.replace(DATA, ' ');
          const other = (locale === 'en' ? FRENCH : ENGLISH).exec(text.replace(/`[^`]*`/g, ' '));
          if (other) leaks.push(`${who} «${lines[0]}…»: "${other[0]}" in: ${r.text.slice(0, 300)}`);
          for (const hint of hintsOf(r.view, r.text)) {
            if (/^(ecampus|collegium):/.test(hint) || /^\w+=/.test(hint)) continue; // a course reference or a setting, not a command
            if (/^(ajouter|add)$/i.test(hint)) continue; // the core answers it with the add form, before the grammar
            const parsed = parseCommand(fill(hint), { platforms: ['ecampus', 'collegium'] });
            if (!parsed.ok) badHints.push(`${hint} → ${JSON.stringify(parsed.error)}`);
          }
        }
      }
      expect(leaks).toEqual([]);
      expect(badHints).toEqual([]);
    });
  }
});
