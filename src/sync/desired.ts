/**
 * Desired state from a directory read (pure): for each platform, each étape routed to it, the
 * students whose inscription of a counted year makes them members.
 */
import type { DirectoryRead, Student } from '../directory/types';
import type { YearWindow } from '../domain/academic-year';
import { platformsFor } from '../domain/cohorts';
import type { DesiredCohort, DesiredState } from './types';

const inForce = (status?: string) => status === undefined || status === 'E';

export function desiredStates(read: Pick<DirectoryRead, 'students' | 'etapes'>, window: YearWindow, platforms: Array<{ name: string; etapes: string[] }>): Map<string, DesiredState> {
  const states = new Map<string, DesiredState>(platforms.map((p) => [p.name, { platform: p.name, cohorts: new Map() }]));
  const routes = new Map<string, string[]>();
  const route = (etape: string) => {
    let r = routes.get(etape);
    if (!r) routes.set(etape, (r = platformsFor(etape, platforms)));
    return r;
  };
  const cohortOf = (platform: string, etape: string): DesiredCohort => {
    const state = states.get(platform)!;
    let c = state.cohorts.get(etape);
    if (!c) {
      const info = read.etapes[etape];
      state.cohorts.set(etape, (c = { etape, label: info?.label, composante: info?.composante, members: new Map(), keepOnly: new Set() }));
    }
    return c;
  };
  for (const s of read.students) addStudent(s, window, route, cohortOf);
  return states;
}

function addStudent(s: Student, window: YearWindow, route: (etape: string) => string[], cohortOf: (p: string, e: string) => DesiredCohort): void {
  for (const i of s.inscriptions) {
    if (!inForce(i.status)) continue;
    const adds = window.add.includes(i.year);
    const keeps = window.keepOnly.includes(i.year);
    if (!adds && !keeps) continue;
    for (const platform of route(i.etape)) {
      const c = cohortOf(platform, i.etape);
      if (adds) c.members.set(s.key, `inscription ${i.year} ${i.etape}${i.status ? ` status ${i.status}` : ''}`);
      else c.keepOnly.add(s.key);
    }
  }
}

/** Total members wanted across platforms: zero means the read cannot be trusted for removals. */
export function desiredMemberCount(states: Iterable<DesiredState>): number {
  let n = 0;
  for (const s of states) for (const c of s.cohorts.values()) n += c.members.size;
  return n;
}
