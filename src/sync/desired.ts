/**
 * Desired state from a directory read (pure): for each platform, each étape routed to it, the
 * students whose inscription of a counted year makes them members. Members are roster indices and
 * reasons are shared values (one per étape, year and status), so a 100,000-student university costs
 * a map entry per membership and nothing more.
 */
import { Roster, inForce } from '../directory';
import type { DirectoryRead } from '../directory/types';
import type { YearWindow } from '../domain/academic-year';
import { platformsFor } from '../domain/cohorts';
import type { JournalReason } from '../domain/codes';
import type { DesiredCohort, DesiredState } from './types';

export function desiredStates(read: Pick<DirectoryRead, 'roster' | 'etapes'>, window: YearWindow, platforms: Array<{ name: string; etapes: string[] }>): Map<string, DesiredState> {
  const { roster } = read;
  const states = new Map<string, DesiredState>(platforms.map((p) => [p.name, { platform: p.name, roster, cohorts: new Map() }]));
  // Per étape id: the platforms it routes to, and its desired cohort on each (made on first use).
  const routes: Array<string[] | undefined> = [];
  const cohorts: Array<Map<string, DesiredCohort> | undefined> = [];
  // Per étape id, the reasons made so far (one per year and status: a short list, no string key built).
  const reasons: Array<JournalReason[] | undefined> = [];
  const reason = (e: number, year: number, etape: string, status: string | undefined): JournalReason => {
    const made = (reasons[e] ??= []);
    for (const r of made) if (r.code === 'inscription' && r.year === year && r.status === status) return r;
    const r: JournalReason = status ? { code: 'inscription', year, etape, status } : { code: 'inscription', year, etape };
    made.push(r);
    return r;
  };
  const cohortOf = (platform: string, e: number): DesiredCohort => {
    const byPlatform = (cohorts[e] ??= new Map());
    let c = byPlatform.get(platform);
    if (!c) {
      const etape = roster.etapeCodes[e]!;
      const info = read.etapes[etape];
      c = { etape, label: info?.label, composante: info?.composante, members: new Map(), keepOnly: new Set() };
      byPlatform.set(platform, c);
      states.get(platform)!.cohorts.set(etape, c);
    }
    return c;
  };
  // One visitor for every student (not a closure per student): `i` is the student being visited.
  let i = 0;
  const visit = (e: number, year: number, status: string | undefined): void => {
    if (!inForce(status)) return;
    const adds = window.add.includes(year);
    if (!adds && !window.keepOnly.includes(year)) return;
    const to = (routes[e] ??= platformsFor(roster.etapeCodes[e]!, platforms));
    for (const platform of to) {
      const c = cohortOf(platform, e);
      if (adds) c.members.set(i, reason(e, year, c.etape, status));
      else c.keepOnly.add(i);
    }
  };
  for (i = 0; i < roster.size; i++) roster.forEachInscription(i, visit);
  return states;
}

/** Total members wanted across platforms: zero means the read cannot be trusted for removals. */
export function desiredMemberCount(states: Iterable<DesiredState>): number {
  let n = 0;
  for (const s of states) for (const c of s.cohorts.values()) n += c.members.size;
  return n;
}

/** What a run wants of one student on one platform, per étape: added (a counted year) or only kept (the grace). */
export interface WantedCohort {
  etape: string;
  mode: 'add' | 'keep-only';
  /** The reason a run would journal (an add) — absent for a keep-only étape. */
  reason?: JournalReason;
}

/**
 * The same rule as a run, for one student (the "why" diagnosis asks it): the student alone in a
 * roster, through desiredStates, so the year window, its grace and the routing are never re-stated.
 */
export function desiredOfOne(student: { key: string; listeRouge?: boolean; inscriptions: ReadonlyArray<{ year: number; etape: string; status?: string }> }, window: YearWindow, platforms: Array<{ name: string; etapes: string[] }>, platform: string): WantedCohort[] {
  const roster = new Roster();
  const i = roster.add(student.key, student.listeRouge ?? false, student.inscriptions);
  const state = desiredStates({ roster, etapes: {} }, window, platforms).get(platform);
  const out: WantedCohort[] = [];
  for (const c of state?.cohorts.values() ?? []) {
    const reason = c.members.get(i);
    if (reason !== undefined) out.push({ etape: c.etape, mode: 'add', reason });
    else if (c.keepOnly.has(i)) out.push({ etape: c.etape, mode: 'keep-only' });
  }
  return out.sort((a, b) => a.etape.localeCompare(b.etape));
}
