/**
 * Codes into words: the one place the core's codes (guard reasons, journal reasons and actions, run
 * outcomes, Moodle failures) become sentences, in the reader's language, with French typography.
 */
import type { GuardReason, JournalAction, JournalReason, RunStatus } from '../domain/codes';
import type { MoodleErrorFacts } from '../moodle/errors';
import { guardEn, guardPlainEn } from './en/guard';
import { journalEn } from './en/journal';
import { moodleEn } from './en/moodle';
import { runEn } from './en/run';
import { guardFr, guardPlainFr } from './fr/guard';
import { journalFr } from './fr/journal';
import { moodleFr } from './fr/moodle';
import { runFr } from './fr/run';
import { helpEn } from './en/help';
import { helpFr } from './fr/help';
import { formatDate } from './format';
import type { HeldDecision } from '../sync/status';
import type { Locale } from './locale';
import { typeset } from './typography';

const sections = {
  fr: { guard: guardFr, journal: journalFr, moodle: moodleFr, run: runFr },
  en: { guard: guardEn, journal: journalEn, moodle: moodleEn, run: runEn },
};

// One cast per family: the section's type pairs each code with its parameters, a union cannot say so.
type Say<T> = (r: T) => string;

/** A guard reason in words (English by default: the CLI's and JSON's sentences). */
export function guardText(r: GuardReason, locale: Locale = 'en'): string {
  return typeset((sections[locale].guard[r.code] as Say<GuardReason>)(r), locale);
}

/** A guard reason for someone who does not configure cohortbot: no setting names (administrators read guardText). */
export function guardPlainText(r: GuardReason, locale: Locale = 'en'): string {
  const plain = (locale === 'en' ? guardPlainEn : guardPlainFr)[r.code] as Say<GuardReason> | undefined;
  return plain ? typeset(plain(r), locale) : guardText(r, locale);
}

/** The English sentences of a run's reasons, as the CLI's JSON `guard: [...]` has always carried them. */
export const englishGuard = (reasons: GuardReason[] | undefined): string[] => (reasons ?? []).map((r) => guardText(r, 'en'));

export function journalReasonText(r: JournalReason, locale: Locale): string {
  return typeset((sections[locale].journal.reasons[r.code] as Say<JournalReason>)(r), locale);
}

export const journalActionText = (a: JournalAction, locale: Locale): string => sections[locale].journal.actions[a] ?? a;

export const runStatusText = (s: RunStatus, locale: Locale): string => sections[locale].run.status[s] ?? s;

/** What Moodle (or the way to it) answered, as a sentence for the person who asked. */
export function moodleErrorText(e: MoodleErrorFacts, locale: Locale): string {
  const say = sections[locale].moodle[e.code] ?? sections[locale].moodle.unknown;
  return typeset(say(e), locale);
}

/** What became of a run's held removals (approved by whom, when, in which run; rejected; superseded), in one sentence. */
export function heldDecisionText(runId: string, d: HeldDecision, locale: Locale, timeZone: string): string {
  const h = locale === 'en' ? helpEn : helpFr;
  const at = d.at ? formatDate(new Date(d.at), locale, timeZone, true) : '?';
  const by = d.by ?? '?';
  const said =
    d.status === 'rejected'
      ? h.decisionRejected(runId, by, at, d.removals)
      : d.status === 'superseded'
        ? h.decisionSuperseded(runId, d.supersededBy ?? by)
        : d.approvalRunId
          ? h.decisionApproved(runId, by, at, d.removed ?? 0, d.approvalRunId)
          : h.decisionApprovedNoRun(runId, by, at);
  return typeset(said, locale);
}
