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
  return DesiredBuilder.over(read.roster, window, platforms).states(read);
}

/**
 * The desired state built student by student — after a read (desiredStates), or while a full read
 * fills its roster (a RosterListener: the sync folds what has arrived while the directory sends the
 * rest). The same rule either way: a student's inscriptions, as many times as the roster adds some.
 */
export class DesiredBuilder {
  private roster?: Roster;
  private readonly cohortsByPlatform = new Map<string, Map<string, DesiredCohort>>();
  // Per étape id: the platforms it routes to, and its desired cohort on each (made on first use).
  private readonly routes: Array<string[] | undefined> = [];
  private readonly cohorts: Array<Map<string, DesiredCohort> | undefined> = [];
  // Per étape id, the reasons made so far (one per year and status: a short list, no string key built).
  private readonly reasons: Array<JournalReason[] | undefined> = [];
  private counted = new Uint8Array(1024);
  /** Students with an inscription in force of a year the sync adds (the run's "students"). */
  countedStudents = 0;
  private current = 0;

  constructor(
    private readonly window: YearWindow,
    private readonly platforms: Array<{ name: string; etapes: string[] }>,
  ) {
    for (const p of platforms) this.cohortsByPlatform.set(p.name, new Map());
  }

  /** A RosterListener: the inscriptions student i just brought. */
  readonly added = (roster: Roster, i: number, from: number, to: number): void => {
    this.bind(roster);
    this.current = i;
    roster.forEachInscriptionIn(from, to, this.visit);
  };

  /** The builder of a roster already filled (a one-student look-up, a source that kept its own roster). */
  static over(roster: Roster, window: YearWindow, platforms: Array<{ name: string; etapes: string[] }>): DesiredBuilder {
    const b = new DesiredBuilder(window, platforms);
    b.bind(roster);
    for (let i = 0; i < roster.size; i++) {
      b.current = i;
      roster.forEachInscription(i, b.visit);
    }
    return b;
  }

  states(read: Pick<DirectoryRead, 'roster' | 'etapes'>): Map<string, DesiredState> {
    if (this.roster !== undefined && this.roster !== read.roster) throw new Error('desired state: built from another roster than the read');
    const out = new Map<string, DesiredState>();
    for (const p of this.platforms) {
      const cohorts = this.cohortsByPlatform.get(p.name)!;
      // Labels come with the read (a file source may give them at its end).
      for (const c of cohorts.values()) {
        const info = read.etapes[c.etape];
        c.label = info?.label;
        c.composante = info?.composante;
      }
      out.set(p.name, { platform: p.name, roster: read.roster, cohorts });
    }
    return out;
  }

  private bind(roster: Roster): void {
    if (this.roster === undefined) this.roster = roster;
    else if (this.roster !== roster) throw new Error('desired state: one builder, one roster');
  }

  private readonly visit = (e: number, year: number, status: string | undefined): void => {
    if (!inForce(status)) return;
    const i = this.current;
    const adds = this.window.add.includes(year);
    if (adds) this.count(i);
    if (!adds && !this.window.keepOnly.includes(year)) return;
    const roster = this.roster!;
    const to = (this.routes[e] ??= platformsFor(roster.etapeCodes[e]!, this.platforms));
    for (const platform of to) {
      const c = this.cohortOf(platform, e);
      if (adds) c.members.set(i, this.reason(e, year, c.etape, status));
      else c.keepOnly.add(i);
    }
  };

  private count(i: number): void {
    if (i >= this.counted.length) {
      const bigger = new Uint8Array(Math.max(i + 1, this.counted.length * 2));
      bigger.set(this.counted);
      this.counted = bigger;
    }
    if (this.counted[i] === 0) {
      this.counted[i] = 1;
      this.countedStudents++;
    }
  }

  private reason(e: number, year: number, etape: string, status: string | undefined): JournalReason {
    const made = (this.reasons[e] ??= []);
    for (const r of made) if (r.code === 'inscription' && r.year === year && r.status === status) return r;
    const r: JournalReason = status ? { code: 'inscription', year, etape, status } : { code: 'inscription', year, etape };
    made.push(r);
    return r;
  }

  private cohortOf(platform: string, e: number): DesiredCohort {
    const byPlatform = (this.cohorts[e] ??= new Map());
    let c = byPlatform.get(platform);
    if (!c) {
      const etape = this.roster!.etapeCodes[e]!;
      c = { etape, members: new Map(), keepOnly: new Set() };
      byPlatform.set(platform, c);
      this.cohortsByPlatform.get(platform)!.set(etape, c);
    }
    return c;
  }
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
