/** The command line's text output (`sync`, `approve`, `reject`, `status`, `forget`), in English. */
import type { PlatformRunSummary } from '../../store/types';
import { count, formatNumber } from '../format';
import type { cliFr } from '../fr/cli';

const n = (x: number) => formatNumber(x, 'en');

export const cliEn: typeof cliFr = {
  run: (id, status, scope, ms) => `run ${id}: ${status} (${scope}, ${n(ms)} ms)`,
  directory: (students, incomplete) => `directory: ${count(students, 'en', { one: 'student', other: 'students' })}${incomplete ? ' — INCOMPLETE READ' : ''}`,
  guard: (text) => `guard: ${text}`,
  platform: (p: PlatformRunSummary) =>
    `${p.name}: ${count(p.cohortsCreated, 'en', { one: 'cohort', other: 'cohorts' })} created, ${n(p.membersAdded)} added, ${n(p.membersRemoved)} removed, ${count(p.removalsHeld, 'en', { one: 'removal', other: 'removals' })} held, ${n(p.removalsSkipped)} skipped, ${count(p.pendingAccounts, 'en', { one: 'pending account', other: 'pending accounts' })}; ${n(p.writeCalls)} write / ${n(p.readCalls)} read calls`,
  error: (e) => `  error: ${e}`,
  approveHint: (id) => `approve with: cohortbot approve ${id}   (or cohortbot reject ${id})`,
  rejected: (id, removals) => `run ${id}: ${count(removals, 'en', { one: 'held removal', other: 'held removals' })} dropped`,
  nextRun: (at, cron, tz) => `next run: ${at ?? 'not scheduled'} (${cron}, ${tz})`,
  decision: (text: string) => `  decision: ${text}`,
  runningNow: (holder) => `running now: ${holder}`,
  held: (id, removals, reasons) => `held: run ${id}, ${count(removals, 'en', { one: 'removal', other: 'removals' })} (${reasons})`,
  erased: (who, total, e) => `${who}: ${count(total, 'en', { one: 'row', other: 'rows' })} erased or blanked — journal ${n(e.journal)}, audit ${n(e.audit)}, runs ${n(e.runs)}, held plans ${n(e.heldPlans)}, chat state ${n(e.state)}`,
  directoryRead: {
    labels: { source: 'source', complete: 'complete', entries: 'entries', students: 'students', years: 'years', warning: 'warning', etape: 'étape', skipped: 'skipped', count: 'count' },
    yes: 'yes',
    no: (why) => `NO — ${why}`,
    kept: (years) => `(kept: ${years})`,
    readIn: (ms) => `read in ${formatNumber(ms, 'en')} ms`,
  },
  noCourse: (course, platforms) => `no course "${course}" on ${platforms}`,
  courseDidYouMean: (commands) => `did you mean ${commands}?`,
  severalCourses: (course, list) => `"${course}" matches several courses: ${list}; say which with platform:shortname`,
  whyCommand: (student, course) => `cohortbot why ${student} ${course}`,
  storeAway: (detail) => `the store is unavailable, nothing was done: ${detail}`,
};
