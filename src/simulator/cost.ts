/**
 * What a call costs a real Moodle, so that figures measured on the simulator stop flattering the
 * client: PHP time per call as measured on Moodle 4.5.6 (PHP 8.2, PostgreSQL 15, 2 cores; the PHP
 * server's own log of npm run bench:moodle), a fixed part (Moodle boots for every web-service call)
 * and a part that grows with the call's size. The simulator sleeps that long holding one of its
 * "workers", as PHP's server holds one process per request: calls past the workers queue.
 */

/** Milliseconds a call of `fn` takes on the measured site: `base` + `per` × the size `of` its arguments or reply. */
interface CostRule {
  per: number;
  of: (args: Record<string, unknown>, result: unknown) => number;
}

/** Moodle's bootstrap for one web-service call (core_webservice_get_site_info, which does nothing else: 45–85 ms). */
export const CALL_BASE_MS = 50;

const len = (v: unknown): number => (Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0);
const arg = (name: string) => (args: Record<string, unknown>) => len(args[name]);
const reply = (pick: (r: Record<string, unknown>) => unknown) => (_a: Record<string, unknown>, r: unknown) => (r && typeof r === 'object' ? len(pick(r as Record<string, unknown>)) : len(r));

const RULES: Record<string, CostRule> = {
  // local_cohortbot (measured at 10,000 students / 400 étapes): one query each for the reads; the
  // bulk writes pay core's events per member (enrol_cohort's observer, the log store).
  // With a userfield, also the fingerprints: one more query over the managed cohorts' members, each
  // key hashed in PHP (counted in cohort-equivalents: FINGERPRINT_MS_PER_MEMBER / 0.02 per member).
  local_cohortbot_get_managed_cohorts: { per: 0.02, of: (a, r) => len((r as { cohorts?: unknown })?.cohorts) + (a.userfield ? (fingerprintedMembers(r) * FINGERPRINT_MS_PER_MEMBER) / 0.02 : 0) },
  local_cohortbot_get_cohort_members: { per: 0.017, of: reply((r) => r.users) },
  local_cohortbot_get_users_by_keys: { per: 0.03, of: arg('values') },
  local_cohortbot_add_cohort_members: { per: 0.6, of: arg('members') },
  local_cohortbot_delete_cohort_members: { per: 0.7, of: arg('members') },
  // get_available_cohorts for many courses (1.4): per course asked, what the single call does after
  // Moodle's boot — the course's login and capability checks for the service account and the person, an
  // enrolment query, and the cohorts query (once per category branch). An estimate, not yet measured
  // with npm run bench:moodle: the single call itself is priced at the boot alone.
  local_cohortbot_get_available_cohorts_many: { per: 6, of: arg('courseids') },
  // Core: every rule applied once per member (about eight queries each), cohorts one by one.
  core_cohort_create_cohorts: { per: 0.5, of: arg('cohorts') },
  core_cohort_update_cohorts: { per: 0.5, of: arg('cohorts') },
  core_cohort_add_cohort_members: { per: 3, of: arg('members') },
  core_cohort_delete_cohort_members: { per: 3, of: arg('members') },
  core_cohort_get_cohorts: { per: 0.3, of: reply((r) => r) },
  core_cohort_get_cohort_members: { per: 1, of: arg('cohortids') },
  // user_get_user_details() for every user returned: profile, preferences, enrolled courses.
  core_user_get_users_by_field: { per: 6, of: reply((r) => r) },
};

/** PHP time per member hashed by get_managed_cohorts' fingerprints (recordset row, hash('fnv1a64'), fmix32 in PHP), ms: 300 ms over 10,689 members at 10,000 students on Moodle 4.5.6. */
export const FINGERPRINT_MS_PER_MEMBER = 0.025;

/** Members behind the fingerprints of a get_managed_cohorts reply (the count before each one's dash). */
function fingerprintedMembers(result: unknown): number {
  const cohorts = (result as { cohorts?: Array<{ fingerprint?: string }> } | undefined)?.cohorts ?? [];
  let n = 0;
  for (const c of cohorts) n += c.fingerprint ? Number.parseInt(c.fingerprint, 10) || 0 : 0;
  return n;
}

export type CostModel = 'none' | 'moodle';

/** The simulated PHP time of one call, in ms (0 without a cost model). */
export function callCostMs(model: CostModel, fn: string, args: Record<string, unknown>, result: unknown): number {
  if (model === 'none') return 0;
  const rule = RULES[fn];
  return CALL_BASE_MS + (rule ? rule.per * rule.of(args, result) : 0);
}
