/**
 * A synthetic university for the benchmarks, from one seed: students with a current inscription, one
 * of last year and sometimes a second current one; étapes spread over the platforms by their first
 * letter; every 33rd student without a Moodle account (pending). The same data becomes an LDIF
 * directory, a simulator seed, a peer's external table — and the state every tool must reach.
 */
import { BASE_DN } from '../test/helpers/slapd';

export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const YEAR = 2026;
export const UAI = '0141408E';

export interface BenchStudent {
  key: string;
  etuId: string;
  inscriptions: Array<{ year: number; etape: string }>;
  /** Has a Moodle account (the others are pending: never logged in). */
  account: boolean;
}

export interface University {
  etapes: string[];
  students: BenchStudent[];
}

/** Étape i belongs to platform i % P; its code starts with the platform's letter, which routes it. */
export function university(o: { students: number; etapes: number; platforms: number; seed?: number }): University {
  let seed = o.seed ?? 42;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const etapes = Array.from({ length: o.etapes }, (_, i) => `${LETTERS[i % o.platforms]}${String(i).padStart(6, '0')}`);
  const students: BenchStudent[] = [];
  for (let i = 0; i < o.students; i++) {
    const key = `b${String(i).padStart(7, '0')}`;
    const inscriptions = [{ year: YEAR, etape: etapes[Math.floor(rand() * etapes.length)]! }, { year: YEAR - 1, etape: etapes[Math.floor(rand() * etapes.length)]! }];
    if (rand() < 0.1) inscriptions.push({ year: YEAR, etape: etapes[Math.floor(rand() * etapes.length)]! });
    students.push({ key, etuId: String(30000000 + i), inscriptions, account: i % 33 !== 0 });
  }
  return { etapes, students };
}

/** The platform name of letter index p. */
export const platformName = (p: number): string => `p${LETTERS[p]!.toLowerCase()}`;

/** What platform p must hold: étape → the keys of its members (students with an account and a current inscription). */
export function expectedCohorts(u: University, p: number, leaving: Set<string> = new Set()): Map<string, Set<string>> {
  const letter = LETTERS[p]!;
  const want = new Map<string, Set<string>>();
  for (const e of u.etapes) if (e.startsWith(letter)) want.set(e, new Set());
  for (const s of u.students) {
    if (!s.account || leaving.has(s.key)) continue;
    for (const x of s.inscriptions) if (x.year === YEAR && x.etape.startsWith(letter)) want.get(x.etape)!.add(s.key);
  }
  return want;
}

/**
 * The fewest write calls that can do a first sync: cohorts (5 input variables each) and members packed
 * to max_input_vars — 2 variables a member with local_cohortbot's bulk function, 4 with core's.
 */
export function minWriteCalls(u: University, platforms: number, maxInputVars: number, varsPerMember = 2): number {
  let calls = 0;
  const perCall = (vars: number) => Math.floor((maxInputVars - 3) / vars);
  for (let p = 0; p < platforms; p++) {
    const want = expectedCohorts(u, p);
    const members = [...want.values()].reduce((n, m) => n + m.size, 0);
    calls += Math.ceil(want.size / perCall(5)) + Math.ceil(members / perCall(varsPerMember));
  }
  return calls;
}

/** The university as SupAnn entries (what the directory file, or slapd, holds); `leaving` are left out. */
export function ldifOf(u: University, leaving: Set<string> = new Set()): string {
  const out: string[] = [];
  for (const s of u.students) {
    if (leaving.has(s.key)) continue;
    out.push(
      [`dn: uid=${s.key},ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', `uid: ${s.key}`, `cn: ${s.key}`, `sn: ${s.key}`, 'eduPersonAffiliation: student', `supannEtuId: ${s.etuId}`, ...s.inscriptions.map((i) => `supannEtuInscription: [etab={UAI}${UAI}][anneeinsc=${i.year}][etape={UAI:${UAI}}${i.etape}]`), ''].join('\n'),
    );
  }
  return out.join('\n');
}

/** Compares what a platform holds (étape → member keys) with what it must; the first difference, or undefined. */
export function differs(got: Map<string, Set<string>>, want: Map<string, Set<string>>, platform: string): string | undefined {
  for (const [etape, keys] of want) {
    const have = got.get(etape) ?? new Set<string>();
    if (keys.size === 0 && !got.has(etape)) continue; // an étape nobody with an account is in: no cohort needed
    if (have.size !== keys.size || [...keys].some((k) => !have.has(k))) return `${platform} ${etape}: ${have.size} members, ${keys.size} expected`;
  }
  for (const [etape, have] of got) if (!want.has(etape) && have.size > 0) return `${platform} ${etape}: ${have.size} members of an étape that should have none`;
  return undefined;
}
