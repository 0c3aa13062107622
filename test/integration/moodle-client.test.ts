/** The Moodle REST client against the simulator over real HTTP. */
import path from 'node:path';
import { Writable } from 'node:stream';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createLogger } from '../../src/log';
import { MoodleApi } from '../../src/moodle/api';
import { MoodleClient } from '../../src/moodle/client';
import { MoodleError } from '../../src/moodle/errors';
import { asCommand, syncSlots } from '../../src/moodle/scheduler';
import { FIXTURES, RunningSimulator, startSimulator } from '../helpers/simulator';

const GOLDEN = path.join(FIXTURES, 'golden-seed.json');
const TOKEN = 'goldentoken0000000000000000000000';

/** Deterministic PRNG so fault injection is repeatable. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const errorOf = async (p: Promise<unknown>): Promise<MoodleError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof MoodleError) return e;
    throw e;
  }
  throw new Error('expected a MoodleError');
};

describe('MoodleClient over HTTP against the simulator', () => {
  let s: RunningSimulator;
  let api: MoodleApi;
  beforeEach(async () => {
    s = await startSimulator(GOLDEN);
    api = s.api('golden');
  });
  afterEach(() => s.stop());

  it('reads site info with the functions of the token service', async () => {
    const info = await api.siteInfo();
    expect(info.userid).toBe(2);
    expect(info.functions.map((f) => f.name)).toContain('core_cohort_add_cohort_members');
    expect(info.functions.map((f) => f.name)).not.toContain('local_cohortbot_add_cohort_sync');
  });

  it('maps a Moodle exception in HTTP 200 to a typed error, by errorcode', async () => {
    const e = await errorOf(api.createCohorts([{ categorytype: { type: 'system', value: '' }, name: 'Dup', idnumber: 'GCOH-SYS' }]));
    expect(e.kind).toBe('exception');
    expect(e.errorcode).toBe('invalidparameter');
    expect(e.exception).toBe('core\\exception\\invalid_parameter_exception');
    expect(e.function).toBe('core_cohort_create_cohorts');
    expect(e.platform).toBe('golden');
    expect(e.is('invalidparameter')).toBe(true);
    const missing = await errorOf(api.getCohortMembers([999999]));
    expect(missing.errorcode).toBe('invalidrecord');
  });

  it('accepts literal null replies', async () => {
    await expect(api.updateCohorts([{ id: 1, categorytype: { type: 'system', value: '' }, name: 'Renamed', idnumber: 'GCOH-SYS' }])).resolves.toBeUndefined();
    expect(s.sim.site('golden').cohorts.get(1)!.name).toBe('Renamed');
  });

  it('reports an empty body as REST disabled', async () => {
    s.sim.site('golden').settings.restEnabled = false;
    const e = await errorOf(api.siteInfo());
    expect(e.kind).toBe('rest-disabled');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/REST protocol or web services disabled/);
  });

  it('reports an XML reply as a max_input_vars truncation', async () => {
    s.sim.site('golden').settings.maxInputVars = 2; // the format field itself is cut: Moodle answers in XML
    const e = await errorOf(new MoodleClient({ platform: 'golden', url: s.platforms[0]!.url, token: TOKEN, maxInputVars: 5000 }).call('core_webservice_get_site_info', {}, z.unknown()));
    expect(e.kind).toBe('truncated');
  });

  it('fails a call whose reply does not have the expected shape, naming the function', async () => {
    const client = new MoodleClient({ platform: 'golden', url: s.platforms[0]!.url, token: TOKEN });
    const e = await errorOf(client.call('core_cohort_get_cohorts', {}, z.array(z.object({ id: z.string() }))));
    expect(e.kind).toBe('bad-reply');
    expect(e.message).toMatch(/core_cohort_get_cohorts.*0\.id/);
  });

  it('reports unexpected and missing keys as Moodle does', async () => {
    const client = new MoodleClient({ platform: 'golden', url: s.platforms[0]!.url, token: TOKEN });
    expect((await errorOf(client.call('core_cohort_get_cohorts', { foo: 1 }, z.unknown()))).errorcode).toBe('invalidparameter');
    expect((await errorOf(client.call('core_cohort_get_cohort_members', {}, z.unknown()))).errorcode).toBe('invalidparameter');
  });

  it('splits batches exactly at max_input_vars and adds every member', async () => {
    const site = s.sim.site('golden');
    site.settings.maxInputVars = 3 + 4 * 10; // room for exactly 10 members per call
    const small = s.api('golden', { maxInputVars: site.settings.maxInputVars });
    const users = Array.from({ length: 25 }, (_, i) => `gbulk${String(i + 1).padStart(3, '0')}`);
    expect(small.client.batches(users.slice(0, 10), (b) => ({ members: b.map((u) => ({ cohorttype: { type: 'idnumber', value: 'X' }, usertype: { type: 'username', value: u } })) })).length).toBe(1);
    expect(small.client.batches(users.slice(0, 11), (b) => ({ members: b.map((u) => ({ cohorttype: { type: 'idnumber', value: 'X' }, usertype: { type: 'username', value: u } })) })).length).toBe(2);
    s.sim.resetCounters();
    const warnings = await small.addCohortMembers(users.map((username) => ({ cohortIdnumber: 'GCOH-SYS', username })));
    expect(warnings).toEqual([]);
    expect(s.sim.counters().golden!['core_cohort_add_cohort_members']).toBe(3);
    const members = await small.getCohortMembers([1]);
    expect(members.get(1)).toHaveLength(2 + 25);
  });

  it('without batching, a site that truncates the POST loses the tail: the call fails rather than succeeding short', async () => {
    const site = s.sim.site('golden');
    site.settings.maxInputVars = 3 + 4 * 10 + 2; // the 11th member is cut in half
    const careless = s.api('golden', { maxInputVars: 5000 });
    const users = Array.from({ length: 11 }, (_, i) => ({ cohortIdnumber: 'GCOH-SYS', username: `gbulk${String(i + 1).padStart(3, '0')}` }));
    const e = await errorOf(careless.addCohortMembers(users));
    expect(e.errorcode).toBe('invalidparameter');
    expect((await s.api('golden').getCohortMembers([1])).get(1)).toHaveLength(2);
  });

  it('refuses to send one call larger than max_input_vars', async () => {
    const e = await errorOf(s.api('golden', { maxInputVars: 10 }).client.call('core_cohort_get_cohorts', { cohortids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, z.unknown()));
    expect(e.kind).toBe('truncated');
  });

  it('caps concurrent calls per platform: all of them for chat, the sync\'s share for a sync', async () => {
    s.sim.knobs.latencyMs = 30;
    const capped = s.api('golden', { concurrency: 4 });
    // Chat (calls inside a command) may use every slot.
    await asCommand('someone@univ', () => Promise.all(Array.from({ length: 15 }, () => capped.getCohorts([1]))));
    expect(capped.client.limiter.peak).toBe(4);
    expect(s.sim.peakInFlight).toBeLessThanOrEqual(4);
    // A sync's calls (outside any command) never take the half kept for chat.
    const sync = s.api('golden', { concurrency: 4 });
    await Promise.all(Array.from({ length: 15 }, () => sync.getCohorts([1])));
    expect(sync.client.limiter.peak).toBe(syncSlots(4));
  });

  it('backs off when the site queues calls: fewer at once after slow replies and timeouts, a timed-out call re-sent with more time', async () => {
    // One PHP worker and calls that cost what they cost a real Moodle: four at once queue behind each other.
    s.sim.knobs.latencyMs = 0;
    s.sim.knobs.cost = 'moodle';
    s.sim.knobs.workers = 1;
    try {
      const eager = s.api('golden', { concurrency: 4, timeoutMs: 120, timeoutPerVarMs: 0, retries: 3, retryBaseMs: 1 });
      const before = s.sim.counters().golden?.core_webservice_get_site_info ?? 0;
      const replies = await asCommand('someone@univ', () => Promise.all(Array.from({ length: 6 }, () => eager.siteInfo())));
      expect(replies).toHaveLength(6);
      // The queued calls timed out at 120 ms: the limiter went down, and each retry had twice the time.
      expect(eager.client.limiter.lowest).toBeLessThan(4);
      expect(eager.client.stats.retries).toBeGreaterThan(0);
      expect((s.sim.counters().golden?.core_webservice_get_site_info ?? 0) - before).toBeLessThan(6 * 4);
    } finally {
      s.sim.knobs.cost = 'none';
      s.sim.knobs.workers = 4;
    }
  });

  it('gives up with a transport error when the server is down, after its retries', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const client = new MoodleClient({ platform: 'down', url: `http://127.0.0.1:${port}`, token: TOKEN, retries: 2, retryBaseMs: 1 });
    const e = await errorOf(client.call('core_webservice_get_site_info', {}, z.unknown()));
    expect(e.kind).toBe('transport');
    expect(e.message).toMatch(/after 3 attempt/);
    expect(client.stats.retries).toBe(2);
  });

  it('with 30 % injected faults, a sequence of writes still ends in exactly the intended state', async () => {
    s.sim.knobs.faultRate = 0.3;
    s.sim.knobs.hangMs = 400;
    (s.sim as unknown as { random: () => number }).random = prng(42);
    const flaky = s.api('golden', { retries: 8, retryBaseMs: 2, timeoutMs: 250 });
    // Network faults are retried by the client; a Moodle exception is not (it may be a real refusal):
    // the caller repeats the write, as the next sync run would.
    let exceptions = 0;
    const until = async (write: () => Promise<unknown>) => {
      for (;;) {
        try {
          return await write();
        } catch (e) {
          if (!(e instanceof MoodleError) || e.errorcode !== 'dmlwriteexception') throw e;
          exceptions++;
        }
      }
    };
    const bulk = Array.from({ length: 60 }, (_, i) => `gbulk${String(i + 1).padStart(3, '0')}`);
    for (let i = 0; i < bulk.length; i += 10) {
      await until(() => flaky.addCohortMembers(bulk.slice(i, i + 10).map((username) => ({ cohortIdnumber: 'GCOH-CAT', username }))));
    }
    const ids = new Map(s.sim.site('golden').users.all().map((u) => [u.username, u.id]));
    const leaving = bulk.filter((_, i) => i % 3 === 0);
    for (let i = 0; i < leaving.length; i += 5) {
      await until(() => flaky.deleteCohortMembers(leaving.slice(i, i + 5).map((u) => ({ cohortid: 2, userid: ids.get(u)! }))));
    }
    await until(() => flaky.updateCohorts([{ id: 2, categorytype: { type: 'idnumber', value: 'GCAT-PARENT' }, name: 'After faults', idnumber: 'GCOH-CAT' }]));
    s.sim.knobs.faultRate = 0;
    const expected = new Set([ids.get('gstudent3')!, ...bulk.filter((u) => !leaving.includes(u)).map((u) => ids.get(u)!)]);
    const actual = (await s.api('golden').getCohortMembers([2])).get(2)!;
    expect(new Set(actual)).toEqual(expected);
    expect(actual).toHaveLength(expected.size);
    expect(s.sim.site('golden').cohorts.get(2)!.name).toBe('After faults');
    expect(flaky.client.stats.retries).toBeGreaterThan(0);
    expect(exceptions).toBeGreaterThan(0);
  });

  it('never writes the token into a log line or an error', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger('trace', sink);
    s.sim.knobs.faultRate = 1;
    const client = new MoodleClient({ platform: 'golden', url: s.platforms[0]!.url, token: TOKEN, retries: 2, retryBaseMs: 1, timeoutMs: 200, logger });
    s.sim.knobs.hangMs = 300;
    const e1 = await errorOf(client.call('core_webservice_get_site_info', {}, z.unknown()));
    s.sim.knobs.faultRate = 0;
    const e2 = await errorOf(client.call('core_cohort_get_cohort_members', { cohortids: [424242] }, z.unknown()));
    const bad = new MoodleClient({ platform: 'golden', url: s.platforms[0]!.url, token: 'wrongtoken-0000000000', logger });
    const e3 = await errorOf(bad.call('core_webservice_get_site_info', {}, z.unknown()));
    expect(e3.errorcode).toBe('invalidtoken');
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [...lines, ...[e1, e2, e3].flatMap((e) => [e.message, String(e.stack), JSON.stringify(e)])]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('wrongtoken-0000000000');
    }
  });
});
