/**
 * The simulator's cost model (#21): a call takes what it takes a real Moodle — a boot per call plus a
 * part that grows with its size — and holds one of the site's workers meanwhile, so calls past the
 * workers queue, as on PHP's server. Without the model the simulator answers at once.
 */
import { CALL_BASE_MS, callCostMs } from '../../src/simulator/cost';
import { RunningSimulator, REPO_FIXTURES, startSimulator } from '../helpers/simulator';
import path from 'node:path';

describe('the cost of a call', () => {
  it('grows with what the call carries, as measured on Moodle 4.5.6; nothing without the model', () => {
    const members = (n: number) => ({ members: Array.from({ length: n }, (_, i) => ({ cohortid: 1, userid: i })) });
    expect(callCostMs('none', 'local_cohortbot_add_cohort_members', members(1000), {})).toBe(0);
    expect(callCostMs('moodle', 'core_webservice_get_site_info', {}, {})).toBe(CALL_BASE_MS);
    const bulk = callCostMs('moodle', 'local_cohortbot_add_cohort_members', members(1000), {});
    const core = callCostMs('moodle', 'core_cohort_add_cohort_members', members(1000), {});
    expect(bulk).toBeGreaterThan(CALL_BASE_MS + 500);
    // Core's per-member checks cost several times the plugin's bulk path.
    expect(core).toBeGreaterThan(4 * bulk);
    // Full profiles for every user returned.
    expect(callCostMs('moodle', 'core_user_get_users_by_field', {}, Array.from({ length: 5000 }))).toBeGreaterThan(30_000);
  });
});

describe('a simulated site under the cost model', () => {
  let s: RunningSimulator;
  beforeAll(async () => {
    s = await startSimulator(path.join(REPO_FIXTURES, 'moodle-seed.json'), { knobs: { cost: 'moodle', workers: 1 } });
  });
  afterAll(() => s?.stop());

  it('takes the time of each call and queues calls past its workers', async () => {
    const api = s.api('ecampus');
    let t = Date.now();
    await api.siteInfo();
    expect(Date.now() - t).toBeGreaterThanOrEqual(CALL_BASE_MS - 5);
    // One worker: three calls at once take three boots, one after the other.
    t = Date.now();
    await Promise.all([api.siteInfo(), api.siteInfo(), api.siteInfo()]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(3 * CALL_BASE_MS - 10);
    expect(s.sim.simulatedCostMs).toBe(4 * CALL_BASE_MS);
  });

  it('adds no time when the model is off', async () => {
    s.sim.knobs.cost = 'none';
    const before = s.sim.simulatedCostMs;
    await Promise.all([1, 2, 3].map(() => s.api('ecampus').siteInfo()));
    expect(s.sim.simulatedCostMs).toBe(before);
  });
});
