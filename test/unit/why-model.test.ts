/** The pure parts of "why": Moodle's access rule, the run's own wish for one student, and the effect of fixes. */
import { accessOf, entryOf } from '../../src/diagnosis/access';
import { effectOf } from '../../src/diagnosis/effect';
import { yearWindow } from '../../src/domain/academic-year';
import type { CohortSync } from '../../src/moodle/cohort-syncs';
import { desiredOfOne } from '../../src/sync/desired';

const rules = { start: '08-15', nextYearFrom: '07-01', graceUntil: '10-15', timezone: 'Europe/Paris' };
const platforms = [{ name: 'ecampus', etapes: ['L*', 'M*'] }, { name: 'collegium', etapes: ['INSPE*'] }];
const sync = (id: number, cohortId: number, enabled: boolean): CohortSync => ({ id, cohortId, cohortIdnumber: `c${cohortId}`, cohortName: null, roleId: 5, roleName: 'Student', groupId: 0, groupName: '', enabled, name: '', memberCount: 0, roleShortname: 'student', activeCount: 0, onlyAccessCount: 0 });

describe('Moodle’s access rule', () => {
  const e = { instanceId: 1, method: 'manual', name: '', roles: ['student'] };
  it('an enabled instance, an active enrolment, started and not ended on the day asked', () => {
    const at = 1_800_000_000;
    const one = (x: Partial<{ instanceEnabled: boolean; active: boolean; timeStart: number; timeEnd: number }>) =>
      accessOf({ enrolments: [{ ...e, instanceEnabled: true, active: true, timeStart: 0, timeEnd: 0, ...x }], cohorts: [], canAccess: false }, 'live', at).via[0]!.status;
    expect(one({})).toBe('active');
    expect(one({ instanceEnabled: false })).toBe('instance-disabled');
    expect(one({ active: false })).toBe('suspended');
    expect(one({ timeStart: at + 1 })).toBe('not-started');
    expect(one({ timeStart: at })).toBe('active');
    expect(one({ timeEnd: at })).toBe('ended');
    expect(one({ timeEnd: at + 1 })).toBe('active');
    // An end past, or before the start: it never lets them in again as it stands — ended, never "it starts on …".
    expect(one({ timeStart: at + 10, timeEnd: at - 5 })).toBe('ended');
    expect(one({ timeStart: at + 10, timeEnd: at + 5 })).toBe('ended');
    expect(one({ timeStart: at + 10, timeEnd: at + 10 })).toBe('ended');
    expect(one({ timeStart: at + 10, timeEnd: at + 11 })).toBe('not-started');
  });
  it('a suspended account is said beside the enrolment rule, not mixed into it (Moodle’s onlyactive ignores it)', () => {
    const a = accessOf({ enrolments: [{ ...e, instanceEnabled: true, active: true, timeStart: 0, timeEnd: 0 }], cohorts: [], canAccess: false }, 'suspended', 1);
    expect(a).toMatchObject({ has: true, account: 'suspended' });
  });
  it('a headline claims access only for an active enrolment of an account that can log in; untold (a teacher\'s view), it is enrolled', () => {
    const active = { enrolments: [{ ...e, instanceEnabled: true, active: true, timeStart: 0, timeEnd: 0 }], cohorts: [], canAccess: false };
    const ended = { enrolments: [{ ...e, instanceEnabled: true, active: true, timeStart: 0, timeEnd: 1 }], cohorts: [], canAccess: false };
    expect(entryOf(accessOf(active, 'live', 10))).toBe('in');
    expect(entryOf(accessOf(active, 'suspended', 10))).toBe('cannot-log-in');
    expect(entryOf(accessOf(active, 'untold', 10))).toBe('enrolled');
    expect(entryOf(accessOf(ended, 'untold', 10))).toBe('out');
    expect(entryOf(accessOf(ended, 'live', 10))).toBe('out');
    expect(entryOf(accessOf(ended, 'suspended', 10))).toBe('out');
    expect(entryOf(accessOf(undefined, 'missing', 10))).toBe('out');
  });
});

describe('the run’s own wish for one student (desiredOfOne)', () => {
  const s = { key: 'e1', inscriptions: [{ year: 2026, etape: 'L2PHA1', status: 'E' }] };
  it('added in the year, kept only during the grace, then nothing; routed by platform', () => {
    expect(desiredOfOne(s, yearWindow(new Date('2026-12-03T12:00:00Z'), rules), platforms, 'ecampus')).toEqual([{ etape: 'L2PHA1', mode: 'add', reason: { code: 'inscription', year: 2026, etape: 'L2PHA1', status: 'E' } }]);
    expect(desiredOfOne(s, yearWindow(new Date('2027-09-10T12:00:00Z'), rules), platforms, 'ecampus')).toEqual([{ etape: 'L2PHA1', mode: 'keep-only' }]);
    expect(desiredOfOne(s, yearWindow(new Date('2027-11-05T12:00:00Z'), rules), platforms, 'ecampus')).toEqual([]);
    expect(desiredOfOne(s, yearWindow(new Date('2026-12-03T12:00:00Z'), rules), platforms, 'collegium')).toEqual([]);
  });
  it('a cancelled inscription is wanted nowhere', () => {
    expect(desiredOfOne({ key: 'e2', inscriptions: [{ year: 2026, etape: 'L2PHA1', status: 'A' }] }, yearWindow(new Date('2026-12-03T12:00:00Z'), rules), platforms, 'ecampus')).toEqual([]);
  });
});

describe('the full effect of a fix', () => {
  const facts = { active: new Set([1, 2]), syncs: [sync(10, 100, true), sync(11, 101, false)], members: new Map([[100, [1, 2]], [101, [2, 3, 4, 9]], [102, [5, 6, 9]]]), cohortIds: new Map([['c100', 100], ['c101', 101], ['c102', 102]]) };
  it('moving a start date to now, like reactivating or enrolling manually, concerns the student alone', () => {
    expect(effectOf([{ action: 'change-enrolment-start', instanceId: 7, method: 'manual', from: '2026-12-13T10:00:00.000Z' }], facts, 9)).toEqual({ adds: 1, removes: 0 });
    expect(effectOf([{ action: 'change-enrolment-start', instanceId: 7, method: 'manual', from: '2026-12-13T10:00:00.000Z' }], facts, 1)).toEqual({ adds: 0, removes: 0 });
  });
  it('adding a cohort sync gives access to every member without it, the student among them', () => {
    expect(effectOf([{ action: 'add-cohort-sync', cohort: 'c102', cohortId: 102 }], facts, 9)).toEqual({ adds: 3, removes: 0, others: [5, 6] });
  });
  it('enabling a sync reconciles the course: every member of every enabled instance', () => {
    expect(effectOf([{ action: 'enable-cohort-sync', cohort: 'c101', instanceId: 11 }], facts, 9)).toEqual({ adds: 3, removes: 0, others: [3, 4] });
  });
  it('a manual enrolment, or joining a cohort the course syncs, is one person', () => {
    expect(effectOf([{ action: 'enrol-manually', role: 'student', until: '2027-08-15T00:00:00Z' }], facts, 9)).toEqual({ adds: 1, removes: 0 });
    expect(effectOf([{ action: 'sync-student', cohort: 'c100' }], facts, 9)).toEqual({ adds: 1, removes: 0 });
    expect(effectOf([{ action: 'sync-student', cohort: 'c102' }], facts, 9)).toEqual({ adds: 0, removes: 0 });
  });
});
