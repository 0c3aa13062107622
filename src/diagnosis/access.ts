/**
 * Moodle's truth about one user in one course, before anything else: every enrolment with its
 * method, instance, cohort, role, state and end, and whether it gives access on the day asked.
 * The rule is Moodle's own (is_enrolled(…, onlyactive), enrollib's get_enrolled_join): an enabled
 * instance, an active user enrolment, started (timestart ≤ t) and not ended (timeend 0 or > t).
 * Account suspension is not part of that rule in Moodle; it is reported beside it (`canLogIn`). Pure.
 */
import type { EnrolmentDiagnosis } from '../moodle/cohort-syncs';

/** Why an enrolment does (active) or does not give access on that day. */
export type EnrolState = 'active' | 'instance-disabled' | 'suspended' | 'not-started' | 'ended';

export interface Via {
  method: string;
  /** The instance's name, or '' when Moodle shows the method's default name. */
  instance: string;
  instanceId: number;
  cohort?: string;
  role: string;
  status: EnrolState;
  /** ISO date the enrolment ends (or ended), when it has an end. */
  until?: string;
  timeStart: number;
  timeEnd: number;
  gives: boolean;
}

export interface Access {
  /** Moodle's own answer: an active participant of the course (core_enrol_get_enrolled_users, onlyactive). */
  has: boolean;
  /** 'untold': a teacher's view, which never reads nor tells the account's state (README, least knowledge). */
  account: AccountState;
  /**
   * Whether the account can log in (false when it is suspended or missing): \`has\` is Moodle's enrolment
   * rule alone, and a suspended account with an active enrolment still cannot get in. Absent when the
   * account's state is not told (a teacher's view).
   */
  canLogIn?: boolean;
  via: Via[];
}

export type AccountState = 'live' | 'suspended' | 'missing' | 'untold';

/**
 * What a headline may say of the person and the course, from Moodle's two rules together: `in` (an
 * active enrolment, and an account that can log in), `cannot-log-in` (an active enrolment, but Moodle
 * would not let the account in: enrolled, yet no access), `enrolled` (an active enrolment, the account's
 * state not told — a teacher's view: enrolled, never "access", the same words whether or not the account
 * is suspended), `out` (no active enrolment). The one rule for every view's headline (support's, a
 * teacher's, the student's own), so that none says "access" where Moodle's login page may say no.
 */
export type Entry = 'in' | 'cannot-log-in' | 'enrolled' | 'out';

export function entryOf(a: Pick<Access, 'has' | 'canLogIn'>): Entry {
  if (!a.has) return 'out';
  return a.canLogIn === undefined ? 'enrolled' : a.canLogIn ? 'in' : 'cannot-log-in';
}

/**
 * Moodle's rule on the day asked. An enrolment whose end is past, or comes before its start, never lets
 * the person in again (as it stands): `ended`, never `not-started` — "it starts on …" would promise access.
 */
export function enrolState(e: Pick<EnrolmentDiagnosis['enrolments'][number], 'instanceEnabled' | 'active' | 'timeStart' | 'timeEnd'>, at: number): EnrolState {
  if (!e.instanceEnabled) return 'instance-disabled';
  if (!e.active) return 'suspended';
  if (e.timeEnd > 0 && e.timeEnd <= Math.max(at, e.timeStart)) return 'ended';
  if (e.timeStart > at) return 'not-started';
  return 'active';
}

/** `at`: epoch seconds of the day asked (now, or `--on`). */
export function accessOf(d: EnrolmentDiagnosis | undefined, account: AccountState, at: number): Access {
  const via: Via[] = (d?.enrolments ?? []).map((e) => {
    const status = enrolState(e, at);
    return {
      method: e.method,
      instance: e.name,
      instanceId: e.instanceId,
      ...(e.cohortIdnumber ? { cohort: e.cohortIdnumber } : {}),
      role: e.roles.join(', '),
      status,
      ...(e.timeEnd > 0 ? { until: new Date(e.timeEnd * 1000).toISOString() } : {}),
      timeStart: e.timeStart,
      timeEnd: e.timeEnd,
      gives: status === 'active',
    };
  });
  return { has: via.some((v) => v.gives), account, ...(account === 'untold' ? {} : { canLogIn: account === 'live' }), via };
}
