/** The values the sync passes around: desired state, actual state, and the plan between them. */
import type { JournalReason } from '../domain/codes';
import type { Roster } from '../directory/roster';

/** One étape as the directory wants it on one platform. */
export interface DesiredCohort {
  etape: string;
  label?: string;
  composante?: string;
  /** Students (roster indices) who must be members (added if missing), with the reason for each. */
  members: Map<number, JournalReason>;
  /** Students who stay if already members but are never added (last year's, during the grace period). */
  keepOnly: Set<number>;
}

export interface DesiredState {
  platform: string;
  /** The read the members index into: roster.key(i) is the student key of member i. */
  roster: Roster;
  cohorts: Map<string, DesiredCohort>;
}

export interface ActualCohort {
  id: number;
  idnumber: string;
  name: string;
  visible: boolean;
  /** Moodle user ids of the members (empty when `current`: they were not read). */
  members: number[];
  /** The fingerprint said the cohort already holds exactly the directory's students: the plan leaves its members alone. */
  current?: boolean;
  /** Live members of a `current` cohort (its fingerprint's count). */
  memberCount?: number;
  /** Students of a `current` cohort who still have no Moodle account (the plan reports them pending). */
  pendingKeys?: string[];
}

export interface ActualState {
  platform: string;
  /** Managed cohorts only (the idnumber prefix); manual cohorts are never read into a plan. */
  cohorts: ActualCohort[];
  /** Moodle accounts of directory students, by student key. */
  accounts: Map<string, { id: number; suspended: boolean }>;
  /** Student key of each Moodle user id met as a member (undefined for users with no key). */
  keyOf: Map<number, string>;
  /** Managed cohort ids used by a course's cohort sync, when known (for deleting unused cohorts). */
  cohortsInUse?: Set<number>;
}

export interface CohortCreate {
  etape: string;
  idnumber: string;
  name: string;
  reason: JournalReason;
}

export interface CohortRename {
  cohortId: number;
  idnumber: string;
  from: string;
  to: string;
  reason: JournalReason;
}

export interface MemberChange {
  etape: string;
  cohortIdnumber: string;
  /** Known for existing cohorts; resolved after creation for new ones. */
  cohortId?: number;
  userId: number;
  /** Student key, when the user is known to the directory. */
  key?: string;
  reason: JournalReason;
}

export interface PendingAccount {
  etape: string;
  cohortIdnumber: string;
  key: string;
  reason: JournalReason;
}

export interface CohortDelete {
  cohortId: number;
  idnumber: string;
  reason: JournalReason;
}

export interface Plan {
  platform: string;
  creates: CohortCreate[];
  renames: CohortRename[];
  adds: MemberChange[];
  removals: MemberChange[];
  pending: PendingAccount[];
  deletes: CohortDelete[];
  /** Managed memberships before the plan, the base of the removal percentage. */
  managedMemberships: number;
}

export const emptyPlan = (platform: string): Plan => ({ platform, creates: [], renames: [], adds: [], removals: [], pending: [], deletes: [], managedMemberships: 0 });
