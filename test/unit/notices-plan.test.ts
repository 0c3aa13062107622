/** Who is told what after a run (pure), and the grammar of a person's own commands (#32). */
import { parseCommand } from '../../src/bot/commands';
import { wantsNotices } from '../../src/notify/enqueue';
import { courseChanges, departureOf, heldKey, reasonOf, teacherNotices, withoutHeldAgain } from '../../src/notify/plan';
import type { RunChange } from '../../src/store/notices';

const change = (cohort: string, action: RunChange['action'], extra: Partial<RunChange> = {}): RunChange => ({ platform: 'ecampus', cohortIdnumber: cohort, action, reason: action === 'remove' ? { code: 'noInscription', year: 2026, etape: 'X' } : { code: 'inscription', year: 2026, etape: 'X' }, accountCreated: false, ...extra });
const course = (courseId: number, shortname: string) => ({ platform: 'ecampus', courseId, shortname, fullname: shortname });

describe('notices: who is told what', () => {
  const coursesOf = new Map([
    ['ecampus\netp:A', [course(1, 'C1'), course(2, 'C2')]],
    ['ecampus\netp:B', [course(3, 'C3')]],
  ]);
  const teachersOf = new Map([
    ['ecampus\n1', ['Marie@U.fr']],
    ['ecampus\n2', ['marie@u.fr', 'paul@u.fr']],
    ['ecampus\n3', ['paul@u.fr']],
    ['ecampus\n4', ['sophie@u.fr']],
  ]);

  it('counts per course by reason, one notice per teacher for all her courses, none without a change', () => {
    const changes = [change('etp:A', 'add'), change('etp:A', 'add', { accountCreated: true }), change('etp:A', 'remove'), change('etp:B', 'remove', { reason: { code: 'notStudent' } }), change('etp:B', 'held')];
    const courses = courseChanges(changes, coursesOf);
    expect(courses.map((c) => [c.shortname, c.arrived, c.left, c.held])).toEqual([['C1', 2, 1, 0], ['C2', 2, 1, 0], ['C3', 0, 1, 1]]);
    expect(courses[0]!.reasons).toEqual({ newInscription: 1, accountCreated: 1, leftEtape: 1 });
    expect(courses[2]!.reasons).toEqual({ leftDirectory: 1, held: 1 });
    const notices = teacherNotices('r1', '2026-12-03T01:00:00Z', courses, teachersOf, () => true);
    expect(notices.map((n) => [n.recipient, n.body.courses.map((c) => c.shortname)])).toEqual([['marie@u.fr', ['C1', 'C2']], ['paul@u.fr', ['C2', 'C3']]]);
    expect(teacherNotices('r1', '', courseChanges([], coursesOf), teachersOf, () => true)).toEqual([]);
    expect(teacherNotices('r1', '', courses, teachersOf, (e) => e !== 'paul@u.fr').map((n) => n.recipient)).toEqual(['marie@u.fr']);
    expect(reasonOf(change('etp:A', 'held'))).toBe('held');
  });

  it('a held removal is told once: the same removals held again by the next run are left out, new ones and real changes are not', () => {
    const again = change('etp:B', 'held', { userId: 7 });
    const fresh = change('etp:B', 'held', { userId: 8 });
    const otherCohort = change('etp:A', 'held', { userId: 7 });
    const removed = change('etp:B', 'remove', { userId: 7 });
    const before = new Set([heldKey('ecampus', 'etp:B', 7)]);
    expect(withoutHeldAgain([again, fresh, otherCohort, removed], before)).toEqual([fresh, otherCohort, removed]);
    // Nothing held before: every change is told; C3 (etp:B) still counts the new held removal only.
    expect(withoutHeldAgain([again, fresh], new Set())).toEqual([again, fresh]);
    expect(courseChanges(withoutHeldAgain([again, fresh], before), coursesOf).map((c) => [c.shortname, c.held])).toEqual([['C3', 1]]);
    expect(courseChanges(withoutHeldAgain([again], before), coursesOf)).toEqual([]);
  });

  it('a student no longer in the directory is counted apart from one who left the étape', () => {
    expect(reasonOf(change('etp:A', 'remove', { reason: { code: 'notStudent' } }))).toBe('leftDirectory');
    expect(reasonOf(change('etp:A', 'remove', { reason: { code: 'notStudent', heldIn: 'r1', by: 'admin@u.fr' } }))).toBe('leftDirectory');
    expect(reasonOf(change('etp:A', 'remove'))).toBe('leftEtape');
    expect(departureOf({ code: 'etapeGone', etape: 'X' })).toBe('leftEtape');
  });

  it('opt-in, opt-out, off', () => {
    expect([undefined, 'on', 'off'].map((p) => wantsNotices('optout', p as 'on' | 'off' | undefined))).toEqual([true, true, false]);
    expect([undefined, 'on', 'off'].map((p) => wantsNotices('optin', p as 'on' | 'off' | undefined))).toEqual([false, true, false]);
    expect(wantsNotices('off', 'on')).toBe(false);
  });

  it('parses notifications, my courses, the student\'s own why and changes, in both languages', () => {
    const cmd = (s: string) => { const r = parseCommand(s); return r.ok ? r.command : r.error; };
    expect(cmd('notifications non')).toEqual({ kind: 'notifications', on: false });
    expect(cmd('Notifications ON')).toEqual({ kind: 'notifications', on: true });
    expect(cmd('notifications')).toEqual({ kind: 'notifications', on: undefined });
    expect(cmd('mes cours')).toEqual({ kind: 'myCourses' });
    expect(cmd('my courses')).toEqual({ kind: 'myCourses' });
    expect(cmd('pourquoi je ne suis pas inscrit(e) en PHA-L2-102')).toMatchObject({ kind: 'selfWhy', course: { text: 'PHA-L2-102' } });
    expect(cmd("Pourquoi je ne suis pas inscrite à PHA-L2-102")).toMatchObject({ kind: 'selfWhy', course: { text: 'PHA-L2-102' } });
    expect(cmd('why am I not enrolled in 42')).toMatchObject({ kind: 'selfWhy', course: { id: 42 } });
    expect(cmd('pourquoi e21900123 PHA-L2-102')).toMatchObject({ kind: 'why', student: 'e21900123' });
    expect(cmd('changements PHA-L2-102')).toMatchObject({ kind: 'changes', course: { text: 'PHA-L2-102' } });
    expect(cmd('changes')).toMatchObject({ code: 'missing' });
  });
});
