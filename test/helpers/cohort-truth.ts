/**
 * The managed cohorts as Moodle holds them, and as the directory wants them, computed apart from the
 * planner — what the sync tests compare after each run.
 */
import type { Student } from '../../src/directory/types';
import type { Site } from '../../src/simulator/model';

/** The demo's platform routing (étape patterns of MOODLE_<P>_ETAPES in the demo seed). */
export const DEMO_ROUTES: Record<string, RegExp> = { ecampus: /PHA|DRT|SCI|INF|^L2T1/, collegium: /^DU|LEA|^M2/ };

/** Managed cohorts as idnumber → sorted usernames of live members (read behind the REST interface). */
export function managedCohorts(site: Site): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of site.cohorts.all().filter((c) => c.idnumber.startsWith('etp:'))) {
    out[c.idnumber] = site.members
      .find('cohort', c.id)
      .map((m) => site.users.get(m.userid)!)
      .filter((u) => !u.deleted)
      .map((u) => u.username)
      .sort();
  }
  return out;
}

/** What the directory says: live accounts of students inscribed (in force) in 2026, per étape cohort of the platform. */
export function expectedCohorts(students: Student[], site: Site, platform: string, routes = DEMO_ROUTES): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of students) {
    for (const i of s.inscriptions) {
      if (i.year !== 2026 || (i.status && i.status !== 'E') || !routes[platform]!.test(i.etape)) continue;
      const list = (out[`etp:${i.etape}`] ??= []);
      const u = site.users.first('username', s.key);
      if (u && !u.deleted) list.push(s.key);
    }
  }
  for (const k of Object.keys(out)) out[k] = [...new Set(out[k])].sort();
  return out;
}
