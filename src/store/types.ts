/**
 * What cohortbot keeps between runs: runs and their counts, the membership journal, held removals,
 * the audit trail, the scheduler's lease and small key/value state (digest conversation references).
 * Async so that a server database can stand behind the same interface.
 */

import type { ErasureCounts } from './erasure';
import type { ConsumeResult, StoredConfirmation } from './confirmations';
import type { GuardReason, JournalAction, JournalReason, RunStatus } from '../domain/codes';
import type { NoticeQueue } from './notices';

export type { ErasureCounts, JournalAction, RunStatus };

/** A store that cannot be opened or used: the message says what to do. */
export class StoreError extends Error {}


export interface PlatformRunSummary {
  name: string;
  cohortsCreated: number;
  cohortsRenamed: number;
  membersAdded: number;
  membersRemoved: number;
  removalsHeld: number;
  removalsSkipped: number;
  pendingAccounts: number;
  writeCalls: number;
  readCalls: number;
  errors: string[];
}

export interface RunRecord {
  runId: string;
  status: RunStatus;
  trigger: string;
  scope: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  directoryStudents?: number;
  directoryComplete?: boolean;
  /** The guard's reasons (and failures), as codes with parameters: src/i18n words them in each language. */
  guardReasons: GuardReason[];
  platforms: PlatformRunSummary[];
}


export interface JournalEntry {
  runId: string;
  platform: string;
  cohortIdnumber: string;
  studentKey?: string;
  moodleUserId?: number;
  action: JournalAction;
  reason: JournalReason;
  at: string;
}

export interface HeldRemoval {
  platform: string;
  cohortId: number;
  cohortIdnumber: string;
  userId: number;
  key?: string;
  reason: JournalReason;
}

export interface HeldPlan {
  runId: string;
  createdAt: string;
  /** superseded: a later run re-planned the same platforms, so its own plan is the one that counts. */
  status: 'held' | 'approved' | 'rejected' | 'superseded';
  removals: HeldRemoval[];
  /** Why the guard held them, as codes with parameters. */
  reasonCodes: GuardReason[];
  decidedBy?: string;
  decidedAt?: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  channel: string;
  command: string;
  platform?: string;
  course?: string;
  target?: string;
  outcome: string;
  detail?: string;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  saveRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  lastRuns(limit: number): Promise<RunRecord[]>;
  /** The last full, complete, non-dry run: the base of the source-ratio rule. */
  lastGoodRun(): Promise<RunRecord | undefined>;
  journal(entries: JournalEntry[]): Promise<void>;
  /**
   * The latest journal action of each (cohort, student) asked about on a platform, in the order asked
   * (undefined: none): a run journals a pending account once, when it becomes pending.
   */
  latestActions(platform: string, pairs: Array<{ cohortIdnumber: string; studentKey: string }>): Promise<Array<JournalAction | undefined>>;
  /** The (cohort, student) pairs of a platform whose last journal entry is "no account yet". */
  pendingPairs(platform: string): Promise<Array<{ cohortIdnumber: string; studentKey: string }>>;
  studentHistory(key: string, limit?: number): Promise<JournalEntry[]>;
  cohortHistory(platform: string, cohortIdnumber: string, limit?: number): Promise<JournalEntry[]>;
  saveHeldPlan(plan: HeldPlan): Promise<void>;
  getHeldPlan(runId: string): Promise<HeldPlan | undefined>;
  heldPlans(): Promise<HeldPlan[]>;
  /** Records an applied approval run and marks its held plan approved, in one transaction; false if it was decided meanwhile (nothing recorded). */
  recordApproval(run: RunRecord, heldRunId: string, by: string, at: string): Promise<boolean>;
  /** Decides a held plan once (false if it was not held any more); its run stops being `held` (it is `applied`) in the same transaction. */
  decideHeldPlan(runId: string, status: 'approved' | 'rejected' | 'superseded', by: string, at: string): Promise<boolean>;
  audit(entry: AuditEntry): Promise<void>;
  auditEntries(limit: number): Promise<AuditEntry[]>;
  /** Takes or renews a named lease until `expiresAt`; false when another holder has a live one. */
  acquireLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** Extends a lease this holder still has; false once it was released or taken by another (never re-acquires). */
  renewLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  leaseHolder(name: string, now: Date): Promise<{ holder: string; expiresAt: string } | undefined>;
  /** What the sync learnt of a platform's accounts (core path, src/sync/actual.ts): id ↔ key of `field`, and when Moodle confirmed it. */
  moodleKeys(platform: string, field: string): Promise<MoodleKey[]>;
  /** Adds or refreshes learnt keys, confirmed by Moodle at `at`. */
  saveMoodleKeys(platform: string, field: string, entries: Array<{ userId: number; key: string }>, at: string): Promise<void>;
  /** Forgets what was learnt of these accounts, or of the whole platform (then the next run asks Moodle again). */
  dropMoodleKeys(platform: string, userIds?: number[]): Promise<number>;
  getState(key: string): Promise<string | undefined>;
  setState(key: string, value: string): Promise<void>;
  /** Deletes personal data older than the retention period (blanks one-student run scopes); returns the rows touched. */
  purge(before: Date): Promise<number>;
  /** Erases every trace of one person, found by any of their identifiers, in one transaction (right to erasure). */
  forget(identifiers: string[]): Promise<ErasureCounts>;
  /** A confirmation waiting for its person's "yes". */
  saveConfirmation(c: StoredConfirmation): Promise<void>;
  /** Consumes one (by id, or the person's latest), atomically: exactly one caller ever gets it. */
  consumeConfirmation(id: string | undefined, actor: string, now: Date): Promise<ConsumeResult>;
  /** Records a key until `until`; false when it was already recorded (and not expired): one winner across replicas. */
  rememberOnce(key: string, until: Date, now: Date): Promise<boolean>;
  /** The notice queue and people's notice preferences (store/notices.ts). */
  readonly notices: NoticeQueue;
  close(): Promise<void>;
}

/** One learnt Moodle account key (the store's moodle_keys). */
export interface MoodleKey {
  userId: number;
  key: string;
  checkedAt: string;
}
