/** What every directory source yields: students with their inscriptions, and whether the read was whole. */
import type { Roster } from './roster';
import type { Inscription } from './supann';

export interface Student {
  /** The value matched against Moodle (USER_MATCH), normalised (usernames and e-mails lower-case). */
  key: string;
  uid?: string;
  etuId?: string;
  mail?: string;
  eppn?: string;
  /** Personal data: shown only in private replies to authorised users. */
  displayName?: string;
  /** The grammatical gender the directory gives (SupAnn supannCivilite: M. / Mme), for French agreement; undefined: unknown. */
  gender?: 'm' | 'f';
  listeRouge: boolean;
  dn?: string;
  /** Every readable inscription, of any year; the academic-year rules pick the ones that count. */
  inscriptions: Inscription[];
}

export interface EtapeInfo {
  label?: string;
  composante?: string;
}

export interface DirectoryRead {
  /** Where it came from, without secrets (ldap URL and base, or the file path). */
  source: string;
  /** Entries (LDAP/LDIF) or data rows (CSV) seen. */
  entries: number;
  /** The usable students, once each by key, with their inscriptions (compact: see roster.ts). */
  roster: Roster;
  /** Skipped entries and values by reason (docs/directory.md §1.2). */
  skipped: Record<string, number>;
  /** False when anything cut the read short: it must never look like a smaller, complete directory. */
  complete: boolean;
  incompleteReason?: string;
  /** Doubts that do not make the read incomplete but forbid removals (e.g. a round entry count). */
  warnings: string[];
  /** Labels and composantes of étapes, when the source knows them. */
  etapes: Record<string, EtapeInfo>;
  durationMs: number;
}

export interface LookupResult {
  complete: boolean;
  incompleteReason?: string;
  /** none: no entry; student: a usable student; excluded: an entry that is not a usable student. */
  found: 'none' | 'student' | 'excluded';
  student?: Student;
  /** Why an entry was excluded (not_student, no_user_key, no_inscription). */
  reason?: string;
  /** Entries that matched; more than one is reported rather than guessed. */
  matches: number;
  /** With several matches (a name shared by several students): who they are, for a choice. */
  candidates?: Array<{ key: string; displayName?: string }>;
  /** Skipped values of the matched entry, by reason. */
  skipped: Record<string, number>;
}

export interface DirectorySource {
  describe(): string;
  /**
   * The whole directory. `into`: the roster to fill (its listener sees each student as it is read);
   * a source that fails returns another, empty one.
   */
  read(into?: Roster): Promise<DirectoryRead>;
  /** One student by uid, student number, e-mail or full name; the value is escaped, never part of the filter. */
  lookup(key: string): Promise<LookupResult>;
}

/** Counts skips by reason. */
export class SkipCounter {
  readonly counts: Record<string, number> = {};
  add(reason: string, n = 1): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + n;
  }
}
