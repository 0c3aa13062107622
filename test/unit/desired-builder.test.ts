/**
 * The desired state folded while a read fills its roster (DesiredBuilder as a RosterListener) is the
 * desired state computed after the read — members, reasons, kept-only students, cohorts, labels,
 * the counted students — over seeded random directories: repeated keys (entries merged
 * into one student), several years inside and outside the window, statuses, étapes routed to one,
 * two or no platform.
 */
import { Roster } from '../../src/directory/roster';
import { inForce } from '../../src/directory';
import { DesiredBuilder, desiredStates } from '../../src/sync/desired';
import type { DesiredState } from '../../src/sync/types';

let seed = 1203;
// The high bits of an LCG (its low bits cycle with short periods).
const rand = (n: number) => Math.floor(((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * n);

const ETAPES = ['L1DRT1', 'L2DRT1', 'L2PHA1', 'L3PHA1', 'M1INF1', 'XPHA9', 'ZZZ1'];
const PLATFORMS = [
  { name: 'ecampus', etapes: ['L*', 'M1INF1'] },
  { name: 'collegium', etapes: ['*PHA*'] },
];
const STATUSES = [undefined, undefined, undefined, 'E', 'A', 'R'];

/**
 * Each state as plain values, in étape and key order: what the sync reads of it (the plan sorts, the
 * fingerprints add up) — a folded read meets a student's étapes in the order the entries came.
 */
function plain(states: Map<string, DesiredState>) {
  return [...states].map(([platform, s]) => ({
    platform,
    cohorts: [...s.cohorts.values()]
      .map((c) => ({
        etape: c.etape,
        label: c.label,
        composante: c.composante,
        members: [...c.members].map(([i, r]) => [s.roster.key(i), r] as const).sort((a, b) => a[0].localeCompare(b[0])),
        keepOnly: [...c.keepOnly].map((i) => s.roster.key(i)).sort(),
      }))
      .sort((a, b) => a.etape.localeCompare(b.etape)),
  }));
}

describe('the desired state folded during a read', () => {
  it('is the one computed after it, for any directory (seeded)', () => {
    for (let round = 0; round < 200; round++) {
      const window = { current: 2026, add: rand(3) === 0 ? [2026, 2027] : [2026], keepOnly: rand(2) === 0 ? [2025] : [] };
      const entries = Array.from({ length: rand(60) }, () => ({
        key: `k${rand(25)}`,
        listeRouge: rand(10) === 0,
        inscriptions: Array.from({ length: rand(4) }, () => {
          const status = STATUSES[rand(STATUSES.length)];
          return { year: 2024 + rand(4), etape: ETAPES[rand(ETAPES.length)]!, ...(status ? { status } : {}) };
        }),
      }));
      const etapes = Object.fromEntries(ETAPES.filter(() => rand(2) === 0).map((e) => [e, { label: `Label ${e}`, composante: rand(2) ? 'UFR' : undefined }]));

      const builder = new DesiredBuilder(window, PLATFORMS);
      const during = new Roster(builder.added);
      for (const e of entries) during.add(e.key, e.listeRouge, e.inscriptions);
      const after = Roster.from(entries);

      expect(plain(builder.states({ roster: during, etapes }))).toEqual(plain(desiredStates({ roster: after, etapes }, window, PLATFORMS)));
      // The run's "students": those with an inscription in force of a year the window adds.
      expect(builder.countedStudents).toBe(entries.filter((e, k) => entries.findIndex((x) => x.key === e.key) === k && entries.some((x) => x.key === e.key && x.inscriptions.some((i) => window.add.includes(i.year) && inForce(i.status)))).length);
    }
  });

  it('refuses to mix two rosters', () => {
    const builder = new DesiredBuilder({ current: 2026, add: [2026], keepOnly: [] }, PLATFORMS);
    new Roster(builder.added).add('a', false, [{ year: 2026, etape: 'L1DRT1' }]);
    expect(() => new Roster(builder.added).add('b', false, [{ year: 2026, etape: 'L1DRT1' }])).toThrow(/one roster/);
    expect(() => builder.states({ roster: new Roster(), etapes: {} })).toThrow(/another roster/);
  });
});
