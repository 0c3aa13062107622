import { desiredStates } from '../../src/sync/desired';
import { guardText } from '../../src/i18n/codes';
import type { JournalReason } from '../../src/domain/codes';
import { guard, GuardLimits, SourceFacts } from '../../src/sync/guard';
import { applyPlanInMemory, plan } from '../../src/sync/plan';
import { Roster } from '../../src/directory/roster';
import type { ActualState, DesiredCohort, DesiredState, Plan } from '../../src/sync/types';

/** A desired state written by student key (as a reader thinks of it), indexed the way the engine holds it. */
function desiredByKey(platform: string, cohorts: Array<{ etape: string; label?: string; members: Map<string, JournalReason>; keepOnly: Set<string> }>, otherStudents: string[] = []): DesiredState {
  const roster = new Roster();
  // Students of the read who are members of none of these cohorts (another étape, another year).
  for (const k of otherStudents) roster.add(k, false, [{ year: 2026, etape: 'OTHER1' }]);
  const index = (k: string) => roster.indexOf(k) ?? roster.add(k, false, []);
  const out = new Map<string, DesiredCohort>();
  for (const c of cohorts) out.set(c.etape, { etape: c.etape, label: c.label, members: new Map([...c.members].map(([k, r]) => [index(k), r])), keepOnly: new Set([...c.keepOnly].map(index)) });
  return { platform, roster, cohorts: out };
}
/** The members (or kept students) of a desired cohort, by key. */
const keysOf = (d: DesiredState, ids: Iterable<number>) => [...ids].map((i) => d.roster.key(i));

const naming = { prefix: 'etp:', template: '{label} ({etape})' };
const INS: JournalReason = { code: 'inscription', year: 2026, etape: 'L2PHA1' };

function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomCase(seed: number): { desired: DesiredState; actual: ActualState } {
  const r = prng(seed);
  const etapes = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, i) => `E${i}`);
  const keys = Array.from({ length: 5 + Math.floor(r() * 30) }, (_, i) => `s${i}`);
  const accounts = new Map<string, { id: number; suspended: boolean }>();
  const keyOf = new Map<number, string>();
  keys.forEach((k, i) => {
    if (r() < 0.85) {
      accounts.set(k, { id: 100 + i, suspended: r() < 0.05 });
      keyOf.set(100 + i, k);
    }
  });
  const wanted: Parameters<typeof desiredByKey>[1] = [];
  for (const e of etapes) {
    if (r() < 0.2) continue; // étape gone from the directory
    const members = new Map<string, JournalReason>();
    const keepOnly = new Set<string>();
    for (const k of keys) {
      const x = r();
      if (x < 0.3) members.set(k, { code: 'inscription', year: 2026, etape: e });
      else if (x < 0.35) keepOnly.add(k);
    }
    wanted.push({ etape: e, label: r() < 0.5 ? `Label ${e}` : undefined, members, keepOnly });
  }
  const desired = desiredByKey('p', wanted);
  const cohorts = etapes
    .filter(() => r() < 0.6)
    .map((e, i) => ({ id: 10 + i, idnumber: `etp:${e}`, name: r() < 0.5 ? `old ${e}` : `Label ${e} (${e})`, visible: true, members: [...keyOf.keys(), 999].filter(() => r() < 0.3) }));
  // Manual cohorts (no prefix) sit beside them; the plan must never touch them.
  cohorts.push({ id: 1, idnumber: 'tuteurs-l2-pharma', name: 'Tuteurs L2 pharma', visible: true, members: [100, 101, 999] });
  cohorts.push({ id: 2, idnumber: '', name: 'No idnumber', visible: false, members: [102] });
  return { desired, actual: { platform: 'p', cohorts, accounts, keyOf } };
}

describe('plan (property): applying the plan yields the desired managed state', () => {
  for (let seed = 1; seed <= 300; seed++) {
    it(`case ${seed}`, () => {
      const { desired, actual } = randomCase(seed);
      const manualBefore = JSON.stringify(actual.cohorts.filter((c) => !c.idnumber.startsWith('etp:')));
      let next = 1000;
      const p = plan(desired, actual, { naming });
      const after = applyPlanInMemory(actual, p, () => next++);
      // Manual cohorts: byte-identical, and absent from the plan.
      expect(JSON.stringify(after.cohorts.filter((c) => !c.idnumber.startsWith('etp:')))).toBe(manualBefore);
      const touched = [...p.adds, ...p.removals].map((c) => c.cohortIdnumber).concat(p.creates.map((c) => c.idnumber), p.renames.map((c) => c.idnumber));
      expect(touched.every((i) => i.startsWith('etp:'))).toBe(true);
      for (const [etape, want] of desired.cohorts) {
        const c = after.cohorts.find((x) => x.idnumber === `etp:${etape}`)!;
        expect(c).toBeDefined();
        const before = actual.cohorts.find((x) => x.idnumber === `etp:${etape}`);
        const expected = new Set<number>();
        for (const k of keysOf(desired, want.members.keys())) if (actual.accounts.has(k)) expected.add(actual.accounts.get(k)!.id);
        const kept = new Set(keysOf(desired, want.keepOnly));
        for (const id of before?.members ?? []) if (kept.has(actual.keyOf.get(id) ?? '')) expected.add(id);
        expect(new Set(c.members)).toEqual(expected);
        expect(c.name).toBe(want.label ? `${want.label} (${etape})` : etape);
      }
      // Managed cohorts whose étape is gone are emptied, not deleted.
      for (const c of actual.cohorts.filter((x) => x.idnumber.startsWith('etp:') && !desired.cohorts.has(x.idnumber.slice(4)))) {
        expect(after.cohorts.find((x) => x.id === c.id)?.members).toEqual([]);
      }
      // Pending: desired students without an account, never added.
      const pendingKeys = new Set(p.pending.map((x) => x.key));
      for (const k of pendingKeys) expect(actual.accounts.has(k)).toBe(false);
      // Planning the result again gives an empty plan.
      const again = plan(desired, after, { naming });
      expect([again.creates, again.renames, again.adds, again.removals].map((a) => a.length)).toEqual([0, 0, 0, 0]);
    });
  }
});

describe('plan details', () => {
  const accounts = new Map([['a', { id: 1, suspended: false }], ['b', { id: 2, suspended: false }]]);
  const keyOf = new Map([[1, 'a'], [2, 'b']]);
  const desired = desiredByKey('p', [{ etape: 'L2PHA1', label: 'Licence 2 Pharmacie', members: new Map<string, JournalReason>([['a', INS], ['c', INS]]), keepOnly: new Set<string>() }], ['b']);

  it('gives every change its reason', () => {
    const actual: ActualState = { platform: 'p', cohorts: [{ id: 5, idnumber: 'etp:L2PHA1', name: 'x', visible: true, members: [2, 77] }], accounts, keyOf };
    const p = plan(desired, actual, { naming, year: 2026 });
    expect(p.adds).toEqual([{ etape: 'L2PHA1', cohortIdnumber: 'etp:L2PHA1', cohortId: 5, userId: 1, key: 'a', reason: INS }]);
    expect(p.removals.map((r) => [r.userId, r.reason])).toEqual([
      [2, { code: 'noInscription', etape: 'L2PHA1', year: 2026 }],
      [77, { code: 'notStudent' }],
    ]);
    expect(p.pending).toEqual([{ etape: 'L2PHA1', cohortIdnumber: 'etp:L2PHA1', key: 'c', reason: { code: 'noAccountYet' } }]);
    expect(p.renames).toEqual([{ cohortId: 5, idnumber: 'etp:L2PHA1', from: 'x', to: 'Licence 2 Pharmacie (L2PHA1)', reason: { code: 'renamed', from: 'x', to: 'Licence 2 Pharmacie (L2PHA1)' } }]);
    expect(p.managedMemberships).toBe(2);
  });

  it('says a member absent from the read (deleted, no longer a student) is not a student, apart from one who changed étape', () => {
    // b is a student of the read (another étape); d and e have keys Moodle knows but are not in the read at all.
    const more = { accounts: new Map([...accounts, ['d', { id: 4, suspended: false }], ['e', { id: 5, suspended: false }]]), keyOf: new Map([...keyOf, [4, 'd'], [5, 'e']]) };
    const actual: ActualState = { platform: 'p', cohorts: [{ id: 5, idnumber: 'etp:L2PHA1', name: 'Licence 2 Pharmacie (L2PHA1)', visible: true, members: [1, 2, 4, 5] }, { id: 6, idnumber: 'etp:GONE1', name: 'GONE1', visible: true, members: [2, 4] }], ...more };
    const p = plan(desired, actual, { naming, year: 2026 });
    expect(p.removals.map((r) => [r.cohortIdnumber, r.key, r.reason])).toEqual([
      ['etp:L2PHA1', 'b', { code: 'noInscription', etape: 'L2PHA1', year: 2026 }],
      ['etp:L2PHA1', 'd', { code: 'notStudent' }],
      ['etp:L2PHA1', 'e', { code: 'notStudent' }],
      // The étape is gone too: the student says so, the one who is no student any more says that.
      ['etp:GONE1', 'b', { code: 'etapeGone', etape: 'GONE1' }],
      ['etp:GONE1', 'd', { code: 'notStudent' }],
    ]);
    // A one-student run whose look-up found nobody (deleted, or not a student): the same reason.
    const alone = plan(desiredByKey('p', []), actual, { naming, year: 2026, onlyKey: 'd' });
    expect(alone.removals.map((r) => [r.cohortIdnumber, r.reason.code])).toEqual([['etp:GONE1', 'notStudent'], ['etp:L2PHA1', 'notStudent']]);
  });

  it('scopes to one student or one étape', () => {
    const actual: ActualState = { platform: 'p', cohorts: [{ id: 5, idnumber: 'etp:L2PHA1', name: 'Licence 2 Pharmacie (L2PHA1)', visible: true, members: [2] }, { id: 6, idnumber: 'etp:OLD1', name: 'OLD1', visible: true, members: [1, 2] }], accounts, keyOf };
    const forA = plan(desired, actual, { naming, onlyKey: 'a' });
    expect(forA.adds.map((x) => x.key)).toEqual(['a']);
    expect(forA.removals.map((x) => [x.cohortIdnumber, x.key])).toEqual([['etp:OLD1', 'a']]);
    expect(forA.pending).toEqual([]);
    const forOld = plan(desired, actual, { naming, onlyEtape: 'OLD1' });
    expect(forOld.adds).toEqual([]);
    expect(forOld.removals.map((x) => x.key)).toEqual(['a', 'b']);
  });

  it('deletes an unused empty cohort only with the option and when no course syncs it', () => {
    const actual: ActualState = { platform: 'p', cohorts: [{ id: 6, idnumber: 'etp:OLD1', name: 'OLD1', visible: true, members: [] }, { id: 7, idnumber: 'etp:OLD2', name: 'OLD2', visible: true, members: [] }], accounts, keyOf, cohortsInUse: new Set([7]) };
    expect(plan(desired, actual, { naming }).deletes).toEqual([]);
    expect(plan(desired, actual, { naming, deleteUnusedEmpty: true }).deletes.map((d) => d.idnumber)).toEqual(['etp:OLD1']);
  });
});

describe('desired state', () => {
  it('routes étapes, counts only inscriptions in force of counted years, keeps grace-year members', () => {
    const read = {
      roster: Roster.from([
        { key: 'a', listeRouge: false, inscriptions: [{ year: 2026, etape: 'L2PHA1' }, { year: 2025, etape: 'L1SCI1' }] },
        { key: 'b', listeRouge: false, inscriptions: [{ year: 2026, etape: 'DUCGE1', status: 'A' }, { year: 2026, etape: 'DUFLE1', status: 'E' }] },
      ]),
      etapes: { L2PHA1: { label: 'Licence 2 Pharmacie' } },
    };
    const states = desiredStates(read, { current: 2026, add: [2026], keepOnly: [2025] }, [{ name: 'ecampus', etapes: ['L*'] }, { name: 'collegium', etapes: ['DU*'] }]);
    const e = states.get('ecampus')!;
    expect([...e.cohorts.keys()].sort()).toEqual(['L1SCI1', 'L2PHA1']);
    expect([...e.cohorts.get('L2PHA1')!.members].map(([i, r]) => [e.roster.key(i), r])).toEqual([['a', INS]]);
    expect(e.cohorts.get('L1SCI1')!.members.size).toBe(0);
    expect(keysOf(e, e.cohorts.get('L1SCI1')!.keepOnly)).toEqual(['a']);
    expect(e.cohorts.get('L2PHA1')!.label).toBe('Licence 2 Pharmacie');
    const c = states.get('collegium')!;
    expect([...c.cohorts.keys()]).toEqual(['DUFLE1']);
    expect(c.cohorts.get('DUFLE1')!.members.get(c.roster.indexOf('b')!)).toEqual({ code: 'inscription', year: 2026, etape: 'DUFLE1', status: 'E' });
  });
});

describe('guard', () => {
  const limits: GuardLimits = { minSourceRecords: 100, minSourceRatio: 0.8, maxRemovals: 500, maxRemovalPercent: 10 };
  const facts: SourceFacts = { complete: true, warnings: [], students: 1000, desiredMembers: 1200, lastGoodStudents: 1000, scoped: false };
  const plans = (removals: number, memberships = 10_000): Plan[] => [
    { platform: 'p', creates: [], renames: [], adds: [], pending: [], deletes: [], managedMemberships: memberships, removals: Array.from({ length: removals }, (_, i) => ({ etape: 'E', cohortIdnumber: 'etp:E', cohortId: 1, userId: i, reason: { code: 'notStudent' as const } })) },
  ];

  it('an incomplete read removes nobody: with nothing read it aborts, else adds proceed', () => {
    const aborted = guard(plans(0), { ...facts, students: 0, complete: false, incompleteReason: 'size limit' }, limits);
    expect(aborted).toEqual({ action: 'abort', reasons: [{ code: 'incomplete', detail: 'size limit', effect: 'abort' }] });
    // Something was read: adds go ahead, removals are withheld.
    const partial = guard(plans(5), { ...facts, complete: false, incompleteReason: 'size limit' }, limits);
    expect(partial).toEqual({ action: 'apply', removals: 'skip', reasons: [{ code: 'incomplete', detail: 'size limit', effect: 'skip' }] });
    expect(guardText(partial.reasons[0]!)).toBe('directory read incomplete: size limit; adds applied, removals withheld until a complete read');
    expect(guardText(aborted.reasons[0]!)).toBe('directory read incomplete: size limit; nothing was changed');
    expect(guardText(aborted.reasons[0]!, 'fr')).toBe('lecture de l’annuaire incomplète (détail technique\u00a0: size limit)\u202f; rien n’a été modifié');
  });

  it('skips removals when the source is doubtful', () => {
    expect(guard(plans(3), { ...facts, warnings: ['exactly 500 entries'] }, limits)).toMatchObject({ action: 'apply', removals: 'skip' });
    expect(guard(plans(3), { ...facts, desiredMembers: 0 }, limits)).toMatchObject({ removals: 'skip' });
    expect(guard(plans(3), { ...facts, students: 99 }, limits)).toMatchObject({ removals: 'skip' });
    expect(guard(plans(3), { ...facts, students: 100, lastGoodStudents: undefined }, limits)).toMatchObject({ removals: 'apply' });
    expect(guard(plans(3), { ...facts, students: 799, lastGoodStudents: 1000 }, limits)).toMatchObject({ removals: 'skip' });
    expect(guard(plans(3), { ...facts, students: 800, lastGoodStudents: 1000 }, limits)).toMatchObject({ removals: 'apply' });
    expect(guard(plans(3), { ...facts, students: 10, desiredMembers: 10, lastGoodStudents: undefined, scoped: true }, limits)).toMatchObject({ removals: 'apply' });
  });

  it('holds removals above SYNC_MAX_REMOVALS, at and around the limit', () => {
    expect(guard(plans(500, 100_000), facts, limits)).toMatchObject({ removals: 'apply' });
    const held = guard(plans(501, 100_000), facts, limits);
    expect(held).toMatchObject({ action: 'apply', removals: 'hold' });
    expect(guardText(held.reasons[0]!)).toMatch(/501 removals exceed SYNC_MAX_REMOVALS=500/);
    expect(guardText(held.reasons[0]!, 'fr')).toMatch(/^retraits retenus pour approbation\u00a0: 501 retraits dépassent SYNC_MAX_REMOVALS=500$/);
  });

  it('holds removals above SYNC_MAX_REMOVAL_PERCENT, at and around the limit', () => {
    expect(guard(plans(100, 1000), facts, limits)).toMatchObject({ removals: 'apply' });
    expect(guard(plans(101, 1000), facts, limits)).toMatchObject({ removals: 'hold' });
    expect(guard(plans(0, 1000), facts, limits)).toEqual({ action: 'apply', removals: 'apply', reasons: [] });
  });
});
