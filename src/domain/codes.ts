/**
 * The codes the core speaks in (sync, store, Moodle client): what happened, with its parameters, never
 * a sentence. The presentation layer (src/i18n) turns each into words in the reader's language; each
 * list is a `const` array so that a test can check every code has words in every language, and a new
 * code without them fails it.
 */

/** Why the guard (or a failure) changed the course of a run (docs/architecture.md §2). */
export const GUARD_CODES = ['incomplete', 'noInscriptions', 'tooFewRecords', 'belowRatio', 'sourceWarning', 'tooManyRemovals', 'removalPercent', 'runFailed', 'interrupted', 'storeUnavailable', 'legacy'] as const;
export type GuardCode = (typeof GUARD_CODES)[number];

/**
 * A guard reason: a code and its parameters. `detail` is a source's own technical words (an LDAP
 * error, a database message), shown as such; `legacy` is a sentence recorded before codes existed.
 */
export type GuardReason =
  /** abort: nothing could be read; skip: what was read is applied, removals are withheld. */
  | { code: 'incomplete'; detail: string; effect?: 'abort' | 'skip' }
  | { code: 'noInscriptions'; effect: 'skip' | 'none' }
  | { code: 'tooFewRecords'; students: number; min: number; effect: 'skip' | 'none' }
  | { code: 'belowRatio'; students: number; ratio: number; last: number; effect: 'skip' | 'none' }
  | { code: 'sourceWarning'; detail: string; effect: 'skip' | 'none' }
  | { code: 'tooManyRemovals'; removals: number; max: number }
  | { code: 'removalPercent'; removals: number; percent: number; memberships: number; max: number }
  | { code: 'runFailed'; detail: string }
  | { code: 'interrupted' }
  /** The store went away during the run: `recorded` false when it never came back within SYNC_DB_RETRY_SECONDS. */
  | { code: 'storeUnavailable'; detail: string; journalled: number; unjournalled: number; recorded: boolean }
  | { code: 'legacy'; text: string };

/** Why a membership or a cohort changed (the journal's reason, a plan's reason). */
export const JOURNAL_REASON_CODES = ['inscription', 'noInscription', 'notStudent', 'etapeGone', 'noAccountYet', 'etapeHasStudents', 'renamed', 'cohortUnused', 'legacy'] as const;
export type JournalReasonCode = (typeof JOURNAL_REASON_CODES)[number];

/** Set on a removal applied after an admin approved it (held in `heldIn`, approved by `by`). */
export interface Approval {
  heldIn: string;
  by: string;
}

export type JournalReason =
  /** The directory's inscription of `year` to `etape` (with its Apogée status when the directory gives one). */
  | { code: 'inscription'; year: number; etape: string; status?: string }
  /** No inscription of `year` (the counted year when unknown) to `etape` any more. */
  | ({ code: 'noInscription'; etape: string; year?: number } & Partial<Approval>)
  | ({ code: 'notStudent' } & Partial<Approval>)
  | ({ code: 'etapeGone'; etape: string } & Partial<Approval>)
  | { code: 'noAccountYet' }
  | { code: 'etapeHasStudents'; etape: string; students: number }
  | { code: 'renamed'; from: string; to: string }
  | { code: 'cohortUnused'; etape: string }
  | { code: 'legacy'; text: string };

/** What a journal row records. */
export const JOURNAL_ACTIONS = ['add', 'remove', 'pending', 'create', 'rename', 'delete', 'held'] as const;
export type JournalAction = (typeof JOURNAL_ACTIONS)[number];

/** How a run ended (or that it is still running). */
export const RUN_STATUSES = ['running', 'applied', 'partial', 'held', 'aborted', 'dry-run', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
