/**
 * The guard's reasons (and a run's failures) in English. These are also the sentences of the CLI's
 * JSON `guard: [...]`, which operators' scripts read: keep them stable (the codes are beside them).
 */
import type { GuardReason } from '../../domain/codes';
import { count, formatDecimal, formatNumber } from '../format';
import type { WordsFor } from '../words';

const n = (x: number) => formatNumber(x, 'en');
const skipped = (effect: 'skip' | 'none', why: string) => (effect === 'skip' ? `removals skipped: ${why}` : why);

export const guardEn: WordsFor<GuardReason> = {
  incomplete: (r) => (r.effect === 'skip' ? `directory read incomplete: ${r.detail}; adds applied, removals withheld until a complete read` : `directory read incomplete: ${r.detail}; nothing was changed`),
  noInscriptions: (r) => skipped(r.effect, 'the directory gives no registration for the target year'),
  tooFewRecords: (r) => skipped(r.effect, `the directory has ${count(r.students, 'en', { one: 'student', other: 'students' })}, fewer than SYNC_MIN_SOURCE_RECORDS=${r.min}`),
  belowRatio: (r) => skipped(r.effect, `the directory has ${count(r.students, 'en', { one: 'student', other: 'students' })}, fewer than ${formatDecimal(r.ratio, 'en', 2)} × ${n(r.last)} of the last good run (SYNC_MIN_SOURCE_RATIO)`),
  sourceWarning: (r) => skipped(r.effect, r.detail),
  tooManyRemovals: (r) => `removals held for approval: ${count(r.removals, 'en', { one: 'removal', other: 'removals' })} exceed SYNC_MAX_REMOVALS=${r.max}`,
  removalPercent: (r) => `removals held for approval: ${count(r.removals, 'en', { one: 'removal', other: 'removals' })} are ${formatDecimal(r.percent, 'en')}% of ${n(r.memberships)} managed memberships, above SYNC_MAX_REMOVAL_PERCENT=${r.max}`,
  runFailed: (r) => `run failed: ${r.detail}`,
  interrupted: () => 'interrupted: the process was stopped before the end; the next run converges from where it was',
  storeUnavailable: (r) => {
    const rows = `${count(r.journalled, 'en', { one: 'journal row', other: 'journal rows' })} written once it was back${
      r.unjournalled ? `, ${count(r.unjournalled, 'en', { one: 'change', other: 'changes' })} made in Moodle not journalled (the next run reads them from Moodle)` : ''
    }`;
    return r.recorded
      ? `the store was unavailable during the run, stopped before its next write (${r.detail}); ${rows}`
      : `the store did not come back within SYNC_DB_RETRY_SECONDS (${r.detail}): this run is not recorded (the next run closes it as interrupted); ${rows}`;
  },
  legacy: (r) => r.text,
};

/** For readers who do not configure cohortbot (all but administrators): the same reasons without setting names. */
export const guardPlainEn: Partial<WordsFor<GuardReason>> = {
  tooFewRecords: (r) => skipped(r.effect, `the directory has ${count(r.students, 'en', { one: 'student', other: 'students' })}, fewer than the expected minimum (${n(r.min)})`),
  belowRatio: (r) => skipped(r.effect, `the directory has ${count(r.students, 'en', { one: 'student', other: 'students' })}, far fewer than the ${n(r.last)} of the last good run`),
  tooManyRemovals: (r) => `removals held for approval: ${count(r.removals, 'en', { one: 'removal', other: 'removals' })}, more than allowed without approval (${n(r.max)})`,
  removalPercent: (r) => `removals held for approval: ${count(r.removals, 'en', { one: 'removal', other: 'removals' })} are ${formatDecimal(r.percent, 'en')}% of ${n(r.memberships)} managed memberships, above what is allowed without approval (${formatDecimal(r.max, 'en')}%)`,
  storeUnavailable: (r) => (r.recorded ? 'the store was unavailable during the run, stopped before its next write' : 'the store did not come back in time: this run is not recorded (the next run closes it as interrupted)'),
};
