/**
 * The property of "why": over seeded random universes — a directory of random inscriptions (years
 * around the switch, cancelled ones, étapes of both platforms), a first sync, then syncs disabled,
 * enrolments suspended, accounts suspended, manual enrolments with dates, removals held in the store —
 * asked on days around the academic-year switch and its grace period:
 *   - for every student × course, `access.has` is Moodle's own answer (core_enrol_get_enrolled_users
 *     with onlyactive, over REST, on the simulator's clock set to that day);
 *   - every fix that acts on Moodle, applied (with its prerequisites) to the state inside a transaction
 *     that is then rolled back, gives the student access with a live account and changes exactly the
 *     announced effect: as many people gain access as `adds`, as many lose it as `removes`;
 *   - the student's own view of that diagnosis (selfWhyView) says "access" only when Moodle lets them in
 *     (an active participant with a live account), and an enrolment that starts later by its own date.
 */
import { diagnose } from '../../src/diagnosis/why';
import type { Fix, FixAction } from '../../src/diagnosis/effect';
import type { Student } from '../../src/directory/types';
import { cohortSyncsFor } from '../../src/moodle/cohort-syncs';
import { createPlatformApis } from '../../src/moodle/platforms';
import type { Site } from '../../src/simulator/model';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { seededRandom } from '../helpers/simulator';
import { selfWhyView } from '../../src/notify/student';
import { formatDate } from '../../src/i18n/format';

const ETAPES = ['L2PHA1', 'L3PHA1', 'L1DRT1', 'L3DRT1', 'L2INF1', 'L3INF1'];
const COURSES = ['PHA-L2-101', 'PHA-L2-102', 'PHA-L3-201', 'DRT-L1-101', 'INF-L2-101', 'ESP-L2PHA1-2026'];
/** Days asked about: before the early-inscription date, inside the grace after the switch, after it, and mid-year. */
const DAYS = ['2026-12-03T10:00:00Z', '2027-08-20T10:00:00Z', '2027-09-10T10:00:00Z', '2027-11-05T10:00:00Z'];
const ROLLBACK = new Error('rollback');

describe('why over seeded random universes', () => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  let site: Site;
  let base: Student[];
  beforeAll(async () => {
    dir = new MemoryDirectory();
    base = await demoStudents();
    h = await startSyncHarness({ directory: dir });
    site = h.sim.sim.site('ecampus');
  });
  afterAll(() => h.stop());

  /** One universe from one seed: what it changed, to be undone before the next. */
  async function universe(seed: number) {
    const rnd = seededRandom(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    dir.students = base.map((s) => {
      const n = 1 + Math.floor(rnd() * 2);
      const inscriptions = Array.from({ length: n }, () => ({ year: pick([2025, 2026, 2026, 2027]), etape: pick(ETAPES), status: rnd() < 0.1 ? 'A' : 'E' }));
      return { ...s, inscriptions };
    });
    await h.newEngine(dir).run();
    const day = DAYS[seed % DAYS.length]!;
    const at = Math.floor(Date.parse(day) / 1000);
    const students = dir.students.filter(() => rnd() < 0.35);
    const courses = COURSES.map((c) => site.courses.first('shortname', c)!);
    const studentRole = site.roles.first('shortname', 'student')!.id;
    const undo: Array<() => void> = [];
    const accountOf = (key: string) => site.users.first('username', key);
    for (const c of courses) {
      for (const inst of site.enrol.find('course', c.id)) {
        if (inst.enrol === 'cohort' && rnd() < 0.25) {
          site.transaction(() => site.updateInstanceStatus(inst.id, 1));
          undo.push(() => site.transaction(() => site.updateInstanceStatus(inst.id, 0)));
        }
      }
    }
    for (const s of students) {
      const u = accountOf(s.key);
      if (!u) continue;
      if (rnd() < 0.1) {
        site.users.update(u.id, { suspended: true });
        undo.push(() => site.users.update(u.id, { suspended: false }));
      }
      const c = pick(courses);
      for (const { ue } of site.enrolmentsOf(c.id, u.id)) {
        if (rnd() < 0.3) {
          site.userEnrolments.update(ue.id, { status: 1 });
          undo.push(() => site.userEnrolments.get(ue.id) && site.userEnrolments.update(ue.id, { status: 0 }));
        }
      }
      if (rnd() < 0.2) {
        const manual = site.enrol.find('course', pick(courses).id).find((i) => i.enrol === 'manual');
        if (manual && !site.userEnrolments.first('pair', `${manual.id}:${u.id}`)) {
          const start = rnd() < 0.3 ? at + 86_400 * 10 : 0;
          const end = rnd() < 0.5 ? at - 86_400 * 5 : rnd() < 0.5 ? at + 86_400 * 30 : 0;
          site.transaction(() => site.enrolUser(manual, u.id, studentRole, start, end, rnd() < 0.2 ? 1 : 0));
          undo.push(() => site.transaction(() => site.unenrolUser(manual, u.id)));
        }
      }
    }
    // Removals held for some students who left the directory's counted years.
    const heldKeys = students.filter(() => rnd() < 0.15).map((s) => s.key);
    const heldRun = `r-prop-${seed}`;
    if (heldKeys.length) {
      const removals = heldKeys.flatMap((key) => {
        const u = accountOf(key);
        const c = u ? site.members.find('user', u.id).map((m) => site.cohorts.get(m.cohortid)!).find((x) => x.idnumber.startsWith('etp:')) : undefined;
        return u && c ? [{ platform: 'ecampus', cohortId: c.id, cohortIdnumber: c.idnumber, userId: u.id, key, reason: { code: 'etapeGone' as const, etape: c.idnumber.slice(4) } }] : [];
      });
      if (removals.length) await h.store.saveHeldPlan({ runId: heldRun, createdAt: new Date().toISOString(), status: 'held', reasonCodes: [], removals });
    }
    const clock = site.now;
    site.now = () => at;
    return {
      day: new Date(day),
      at,
      students,
      courses,
      studentRole,
      async restore() {
        site.now = clock;
        if (heldKeys.length) await h.store.decideHeldPlan(heldRun, 'rejected', 'test', new Date().toISOString()).catch(() => false);
        for (const f of undo.reverse()) f();
      },
    };
  }

  /** Applies a fix (and what must come first) to the simulator's state, as the person named would. */
  function apply(a: FixAction, courseId: number, userId: number, studentRole: number): void {
    switch (a.action) {
      case 'reactivate-account':
        site.users.update(userId, { suspended: false });
        return;
      case 'sync-student':
        site.addMember(site.cohorts.first('idnumber', a.cohort)!.id, userId);
        return;
      case 'enable-cohort-sync':
        site.updateInstanceStatus(a.instanceId, 0);
        return;
      case 'add-cohort-sync':
        site.addInstance(courseId, a.cohortId, studentRole, 0, 0, '');
        return;
      case 'run-cohort-task':
        site.cohortSync(courseId);
        return;
      case 'reactivate-enrolment': {
        const ue = site.userEnrolments.first('pair', `${a.instanceId}:${userId}`)!;
        site.userEnrolments.update(ue.id, { status: 0, timestart: ue.timestart > site.now() ? 0 : ue.timestart, timeend: a.until ? Math.floor(Date.parse(a.until) / 1000) : ue.timeend });
        return;
      }
      case 'change-enrolment-start': {
        const ue = site.userEnrolments.first('pair', `${a.instanceId}:${userId}`)!;
        site.userEnrolments.update(ue.id, { timestart: site.now() });
        return;
      }
      case 'enrol-manually': {
        const manual = site.enrol.find('course', courseId).find((i) => i.enrol === 'manual')!;
        site.enrolUser(manual, userId, studentRole, 0, Math.floor(Date.parse(a.until) / 1000));
        return;
      }
      default:
        throw new Error(`not a Moodle action: ${a.action}`);
    }
  }

  const participants = (courseId: number) => {
    const ids = new Set(site.enrol.find('course', courseId).flatMap((i) => site.userEnrolments.find('enrol', i.id).map((ue) => ue.userid)));
    return new Set([...ids].filter((id) => site.liveUser(id) && site.isActiveParticipant(courseId, id)));
  };

  it.each([20261201, 20261202, 20261203, 20261204, 20261205, 20261206])('universe %i: access is Moodle’s answer, and every fix does exactly what it announces', async (seed) => {
    const u = await universe(seed);
    const api = createPlatformApis(h.config).get('ecampus')!;
    const syncs = await cohortSyncsFor(api);
    const support = site.users.first('username', 'cmoreau')!.id;
    // The run was forced to 2026 (the harness); the question follows the calendar of the day asked: the rollover.
    const config = { ...h.config, academicYear: { ...h.config.academicYear, year: undefined } };
    let asked = 0;
    let fixesChecked = 0;
    const verdicts = new Map<string, number>();
    try {
      for (const c of u.courses) {
        const active = new Set((await api.getEnrolledUsers(c.id, [{ name: 'onlyactive', value: 1 }])).map((x) => x.id));
        for (const s of u.students) {
          const d = await diagnose({ config, directory: dir, api, syncs, store: h.store, now: u.day, on: u.day, actingUserId: support }, s.key, 'ecampus', { id: c.id, shortname: c.shortname, fullname: c.fullname, categoryid: c.categoryid });
          asked++;
          verdicts.set(d.verdict, (verdicts.get(d.verdict) ?? 0) + 1);
          const account = site.users.first('username', s.key);
          expect({ student: s.key, course: c.shortname, has: d.access.has }).toEqual({ student: s.key, course: c.shortname, has: account ? active.has(account.id) : false });
          if (d.access.has && !account?.suspended) expect(d.fixes).toEqual([]);
          // The student's own words for that verdict: access only when Moodle would let them in.
          const inside = !!account && active.has(account.id) && !account.suspended;
          for (const locale of ['fr', 'en'] as const) {
            const v = selfWhyView(d, s, { config, now: u.day, platform: 'ecampus', courseLabel: c.shortname, locale, suspended: !!account?.suspended });
            const said = [v.title ?? '', ...v.blocks.map((b) => ('text' in b ? String(b.text) : ''))].join('\n');
            const claims = (locale === 'fr' ? /avez accès|avez bien accès/ : /have access|keep access/).test(said);
            expect({ student: s.key, course: c.shortname, verdict: d.verdict, locale, claims }).toEqual({ student: s.key, course: c.shortname, verdict: d.verdict, locale, claims: inside });
            if (d.verdict === 'enrolment-not-started') {
              const manual = site.enrolmentsOf(c.id, account!.id).find(({ inst }) => inst.enrol === 'manual')!.ue;
              expect(manual.timestart).toBeGreaterThan(u.at);
              expect(said).toContain(formatDate(new Date(manual.timestart * 1000), locale, config.academicYear.timezone));
            }
          }
          // Never a cohort of an étape the student is not inscribed in (counted on that day, or kept by the grace).
          for (const f of d.fixes) if (f.action === 'add-cohort-sync' || f.action === 'sync-student') expect(s.inscriptions.map((i) => `etp:${i.etape}`)).toContain(f.cohort);
          if (!account) continue;
          for (const f of d.fixes.filter((x: Fix) => !['ask-registrar', 'first-login'].includes(x.action))) {
            const before = participants(c.id);
            try {
              site.transaction(() => {
                for (const a of [...(f.first ?? []), f]) apply(a, c.id, account.id, u.studentRole);
                const after = participants(c.id);
                const gained = [...after].filter((x) => !before.has(x)).length;
                const lost = [...before].filter((x) => !after.has(x)).length;
                expect({ fix: f.action, student: s.key, course: c.shortname, access: after.has(account.id) && !site.users.get(account.id)!.suspended, adds: gained, removes: lost }).toEqual({
                  fix: f.action,
                  student: s.key,
                  course: c.shortname,
                  access: true,
                  adds: f.effect.adds,
                  removes: f.effect.removes,
                });
                throw ROLLBACK;
              });
            } catch (e) {
              if (e !== ROLLBACK) throw e;
            }
            fixesChecked++;
          }
        }
      }
    } finally {
      await u.restore();
    }
    process.stderr.write(`why property, seed ${seed} on ${u.day.toISOString().slice(0, 10)}: ${asked} questions, ${fixesChecked} fixes applied and checked; ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}\n`);
    expect(asked).toBeGreaterThan(0);
  });
});
