/**
 * The guard (docs/architecture.md §2, docs/directory.md §5): decides, before anything is written, whether
 * a run may change anything and whether its removals go ahead, are skipped, or are held for an
 * admin. Pure. A doubtful source never removes anyone.
 */
import type { GuardReason } from '../domain/codes';
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

export type { GuardReason } from '../domain/codes';

export type GuardDecision =
  | { action: 'abort'; reasons: GuardReason[] }
  | { action: 'apply'; removals: 'apply' | 'skip' | 'hold'; reasons: GuardReason[] };

export function guard(plans: Plan[], source: SourceFacts, limits: GuardLimits): GuardDecision {
  // An incomplete read (docs/directory.md §5): students who enrol are still added, nobody is removed. With
  // nothing read at all, there is nothing to do.
  if (!source.complete) {
    const detail = source.incompleteReason ?? 'unknown reason';
    if (source.students === 0) return { action: 'abort', reasons: [{ code: 'incomplete', detail, effect: 'abort' }] };
    return { action: 'apply', removals: 'skip', reasons: [{ code: 'incomplete', detail, effect: 'skip' }] };
  }
  const removals = plans.reduce((n, p) => n + p.removals.length, 0);
  const effect = removals > 0 ? ('skip' as const) : ('none' as const);
  const skip: GuardReason[] = source.warnings.map((detail) => ({ code: 'sourceWarning' as const, detail, effect }));
  if (!source.scoped) {
    if (source.desiredMembers === 0) skip.push({ code: 'noInscriptions', effect });
    if (source.students < limits.minSourceRecords) skip.push({ code: 'tooFewRecords', students: source.students, min: limits.minSourceRecords, effect });
    if (source.lastGoodStudents !== undefined && source.students < limits.minSourceRatio * source.lastGoodStudents) {
      skip.push({ code: 'belowRatio', students: source.students, ratio: limits.minSourceRatio, last: source.lastGoodStudents, effect });
    }
  }
  if (skip.length > 0) return { action: 'apply', removals: removals > 0 ? 'skip' : 'apply', reasons: skip };
  if (removals === 0) return { action: 'apply', removals: 'apply', reasons: [] };

  const hold: GuardReason[] = [];
  if (removals > limits.maxRemovals) hold.push({ code: 'tooManyRemovals', removals, max: limits.maxRemovals });
  const memberships = plans.reduce((n, p) => n + p.managedMemberships, 0);
  const percent = memberships === 0 ? 100 : (removals / memberships) * 100;
  if (percent > limits.maxRemovalPercent) hold.push({ code: 'removalPercent', removals, percent: Math.round(percent * 10) / 10, memberships, max: limits.maxRemovalPercent });
  if (hold.length > 0) return { action: 'apply', removals: 'hold', reasons: hold };
  return { action: 'apply', removals: 'apply', reasons: [] };
}
