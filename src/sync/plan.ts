/**
 * Desired state + actual state → Plan. Pure and deterministic: no I/O, no clock. Manual cohorts never
 * appear (only managed ones are in ActualState, and only managed idnumbers are ever produced).
 */
import { CohortNaming, cohortIdnumber, cohortName, etapeOfIdnumber } from '../domain/cohorts';
import type { JournalReason } from '../domain/codes';
import type { ActualCohort, ActualState, DesiredState, MemberChange, Plan } from './types';

/** One shared value: a first sync has a hundred thousand pending accounts. */
const NO_ACCOUNT_YET: JournalReason = { code: 'noAccountYet' };

export interface PlanOptions {
  naming: CohortNaming;
  /** Delete managed cohorts that are empty, whose étape is gone, and that no course syncs. */
  deleteUnusedEmpty?: boolean;
  /** Restrict the plan to one student (scoped run by --user). */
  onlyKey?: string;
  /** Restrict the plan to one étape (scoped run by --cohort). */
  onlyEtape?: string;
  /** The academic year whose inscriptions make members, for removal reasons. */
  year?: number;
}

export function plan(desired: DesiredState, actual: ActualState, opts: PlanOptions): Plan {
  const { naming } = opts;
  const out: Plan = { platform: desired.platform, creates: [], renames: [], adds: [], removals: [], pending: [], deletes: [], managedMemberships: 0 };
  const byIdnumber = new Map<string, ActualCohort>();
  for (const c of actual.cohorts) {
    if (etapeOfIdnumber(naming, c.idnumber) === undefined) continue;
    out.managedMemberships += c.current ? (c.memberCount ?? 0) : c.members.length;
    // Two cohorts with one idnumber (update_cohorts does not check): the first one is ours.
    if (!byIdnumber.has(c.idnumber)) byIdnumber.set(c.idnumber, c);
  }
  const inScope = (etape: string) => opts.onlyEtape === undefined || opts.onlyEtape === etape;
  const keyInScope = (key: string | undefined) => opts.onlyKey === undefined || key === opts.onlyKey;

  const { roster } = desired;
  const etapes = [...desired.cohorts.keys()].filter(inScope).sort();
  for (const etape of etapes) {
    const want = desired.cohorts.get(etape)!;
    const idnumber = cohortIdnumber(naming, etape);
    const name = cohortName(naming, want);
    const existing = byIdnumber.get(idnumber);
    if (!existing) {
      const hasMembersInScope = opts.onlyKey === undefined || [...want.members.keys()].some((i) => roster.key(i) === opts.onlyKey);
      if (hasMembersInScope) out.creates.push({ etape, idnumber, name, reason: { code: 'etapeHasStudents', etape, students: want.members.size } });
    } else if (existing.name !== name && opts.onlyKey === undefined) {
      out.renames.push({ cohortId: existing.id, idnumber, from: existing.name, to: name, reason: { code: 'renamed', from: existing.name, to: name } });
    }
    // Its fingerprint says it holds exactly these students: nothing to add, remove or wait for.
    if (existing?.current) {
      for (const key of [...(existing.pendingKeys ?? [])].filter(keyInScope).sort()) out.pending.push({ etape, cohortIdnumber: idnumber, key, reason: NO_ACCOUNT_YET });
      continue;
    }
    const current = new Set(existing?.members ?? []);
    const adds: MemberChange[] = [];
    const pending: Plan['pending'] = [];
    for (const [i, reason] of want.members) {
      const key = roster.key(i);
      if (!keyInScope(key)) continue;
      const account = actual.accounts.get(key);
      if (!account) pending.push({ etape, cohortIdnumber: idnumber, key, reason: NO_ACCOUNT_YET });
      else if (!current.has(account.id)) adds.push({ etape, cohortIdnumber: idnumber, cohortId: existing?.id, userId: account.id, key, reason });
    }
    // In key order, so a plan reads (and prints) the same whatever order the directory came in.
    for (const a of adds.sort(byKey)) out.adds.push(a);
    for (const x of pending.sort(byKey)) out.pending.push(x);
    if (existing) {
      for (const userId of existing.members) {
        const key = actual.keyOf.get(userId);
        if (!keyInScope(key)) continue;
        const i = key === undefined ? undefined : roster.indexOf(key);
        if (i !== undefined && (want.members.has(i) || want.keepOnly.has(i))) continue;
        // Not in the read's roster (deleted, or no longer affiliated as a student): not a student any more.
        out.removals.push(removal(etape, existing, userId, key, i !== undefined, opts.year));
      }
    }
  }

  // Managed cohorts whose étape the directory no longer has: emptied, never deleted while in use.
  const wanted = new Set(etapes.map((e) => cohortIdnumber(naming, e)));
  for (const c of [...byIdnumber.values()].sort((a, b) => a.idnumber.localeCompare(b.idnumber))) {
    const etape = etapeOfIdnumber(naming, c.idnumber)!;
    if (wanted.has(c.idnumber) || !inScope(etape) || desired.cohorts.has(etape)) continue;
    // (A current cohort of a gone étape matched the empty set: it has no members.)
    for (const userId of c.members) {
      const key = actual.keyOf.get(userId);
      if (!keyInScope(key)) continue;
      // A member who is no longer a student at all says so, rather than that the étape went.
      const reason: JournalReason = key !== undefined && roster.indexOf(key) === undefined ? { code: 'notStudent' } : { code: 'etapeGone', etape };
      out.removals.push({ etape, cohortIdnumber: c.idnumber, cohortId: c.id, userId, key, reason });
    }
    if (opts.deleteUnusedEmpty && opts.onlyKey === undefined && c.members.length === 0 && actual.cohortsInUse !== undefined && !actual.cohortsInUse.has(c.id)) {
      out.deletes.push({ cohortId: c.id, idnumber: c.idnumber, reason: { code: 'cohortUnused', etape } });
    }
  }
  return out;
}


const byKey = (a: { key?: string }, b: { key?: string }) => ((a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0);

/**
 * `student`: the member is in the read's roster (a student of this read, of another étape or year);
 * otherwise (no key, deleted from the directory, no longer affiliated as a student) `notStudent`.
 */
function removal(etape: string, c: ActualCohort, userId: number, key: string | undefined, student: boolean, year?: number): MemberChange {
  const reason: JournalReason = key === undefined || !student ? { code: 'notStudent' } : year === undefined ? { code: 'noInscription', etape } : { code: 'noInscription', etape, year };
  return { etape, cohortIdnumber: c.idnumber, cohortId: c.id, userId, key, reason };
}

/** Applying a plan to an actual state in memory: what the state becomes (tests and dry runs). */
export function applyPlanInMemory(actual: ActualState, p: Plan, newId: () => number): ActualState {
  const cohorts = actual.cohorts.map((c) => ({ ...c, members: [...c.members] }));
  const byIdnumber = new Map(cohorts.map((c) => [c.idnumber, c]));
  for (const c of p.creates) {
    const row = { id: newId(), idnumber: c.idnumber, name: c.name, visible: true, members: [] as number[] };
    cohorts.push(row);
    byIdnumber.set(c.idnumber, row);
  }
  for (const r of p.renames) byIdnumber.get(r.idnumber)!.name = r.to;
  for (const a of p.adds) {
    const c = byIdnumber.get(a.cohortIdnumber)!;
    if (!c.members.includes(a.userId)) c.members.push(a.userId);
  }
  for (const r of p.removals) {
    const c = byIdnumber.get(r.cohortIdnumber)!;
    c.members = c.members.filter((id) => id !== r.userId);
  }
  const deleted = new Set(p.deletes.map((d) => d.cohortId));
  return { ...actual, cohorts: cohorts.filter((c) => !deleted.has(c.id)) };
}
