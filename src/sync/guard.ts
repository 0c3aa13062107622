/**
 * The guard (DESIGN.md §4, reference/directory.md §5): decides, before anything is written, whether
 * a run may change anything and whether its removals go ahead, are skipped, or are held for an
 * admin. Pure. A doubtful source never removes anyone.
 */
import type { Plan } from './types';

export interface GuardLimits {
  minSourceRecords: number;
  minSourceRatio: number;
  maxRemovals: number;
  maxRemovalPercent: number;
}

export interface SourceFacts {
  complete: boolean;
  incompleteReason?: string;
  warnings: string[];
  /** Students with a counted inscription in this read. */
  students: number;
  /** Memberships the directory wants across all platforms. */
  desiredMembers: number;
  /** Students of the last good full run, when there is one. */
  lastGoodStudents?: number;
  /** Scoped runs (one student, one cohort) are judged on their read, not on the directory's size. */
  scoped: boolean;
}

export type GuardDecision =
  | { action: 'abort'; reasons: string[] }
  | { action: 'apply'; removals: 'apply' | 'skip' | 'hold'; reasons: string[] };

export function guard(plans: Plan[], source: SourceFacts, limits: GuardLimits): GuardDecision {
  if (!source.complete) {
    return { action: 'abort', reasons: [`directory read incomplete: ${source.incompleteReason ?? 'unknown reason'}; nothing was changed`] };
  }
  const skip: string[] = [...source.warnings];
  if (!source.scoped) {
    if (source.desiredMembers === 0) skip.push('the directory gives no inscription for the target year');
    if (source.students < limits.minSourceRecords) skip.push(`the directory has ${source.students} students, fewer than SYNC_MIN_SOURCE_RECORDS=${limits.minSourceRecords}`);
    if (source.lastGoodStudents !== undefined && source.students < limits.minSourceRatio * source.lastGoodStudents) {
      skip.push(`the directory has ${source.students} students, fewer than ${limits.minSourceRatio} × ${source.lastGoodStudents} of the last good run (SYNC_MIN_SOURCE_RATIO)`);
    }
  }
  const removals = plans.reduce((n, p) => n + p.removals.length, 0);
  if (skip.length > 0) return { action: 'apply', removals: removals > 0 ? 'skip' : 'apply', reasons: removals > 0 ? skip.map((s) => `removals skipped: ${s}`) : skip };
  if (removals === 0) return { action: 'apply', removals: 'apply', reasons: [] };

  const hold: string[] = [];
  if (removals > limits.maxRemovals) hold.push(`${removals} removals exceed SYNC_MAX_REMOVALS=${limits.maxRemovals}`);
  const memberships = plans.reduce((n, p) => n + p.managedMemberships, 0);
  const percent = memberships === 0 ? 100 : (removals / memberships) * 100;
  if (percent > limits.maxRemovalPercent) hold.push(`${removals} removals are ${percent.toFixed(1)} % of ${memberships} managed memberships, above SYNC_MAX_REMOVAL_PERCENT=${limits.maxRemovalPercent}`);
  if (hold.length > 0) return { action: 'apply', removals: 'hold', reasons: hold.map((h) => `removals held for approval: ${h}`) };
  return { action: 'apply', removals: 'apply', reasons: [] };
}
