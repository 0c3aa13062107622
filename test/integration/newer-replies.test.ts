/**
 * Replies from newer Moodles: later versions add fields to web-service replies (5.2 adds `initials` to
 * user structures). The client accepts them and keeps only what it reads; a reply that lacks what the
 * client needs is still refused, naming the function and the field. The newer Moodle is the simulator
 * with `unknownFields` on; the one that lacks a field is the same simulator behind a relay that drops it.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { MoodleApi } from '../../src/moodle/api';
import { MoodleClient } from '../../src/moodle/client';
import { MoodleError } from '../../src/moodle/errors';
import { withUnknownFields } from '../../src/simulator/server';
import { demoSeedWith } from '../helpers/engine';
import { RunningSimulator, startSimulator } from '../helpers/simulator';

const UNKNOWN = 'futurefield';

describe('a Moodle that adds fields to every reply', () => {
  let s: RunningSimulator;
  let api: MoodleApi;
  beforeAll(async () => {
    s = await startSimulator(demoSeedWith('local_cohortbot'), { knobs: { unknownFields: true } });
    api = s.api('ecampus');
  });
  afterAll(() => s.stop());

  it('the simulator really sends them, on success and in exceptions', async () => {
    const p = s.platforms.find((x) => x.name === 'ecampus')!;
    const post = (fn: string, extra: Record<string, string> = {}) => fetch(`${p.url}/webservice/rest/server.php`, { method: 'POST', body: new URLSearchParams({ wstoken: p.token, wsfunction: fn, moodlewsrestformat: 'json', ...extra }) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await post('core_webservice_get_site_info')).toHaveProperty(UNKNOWN);
    expect(await post('core_cohort_get_cohort_members', { 'cohortids[0]': '999999' })).toMatchObject({ exception: 'dml_missing_record_exception', [UNKNOWN]: expect.any(String) });
    expect(withUnknownFields({ a: [{ b: 1 }] })).toMatchObject({ a: [{ b: 1, [UNKNOWN]: expect.any(String) }], [UNKNOWN]: expect.any(String) });
  });

  it('the client reads what it needs and keeps none of the rest', async () => {
    const info = await api.siteInfo();
    const cohorts = await api.getCohorts();
    const managed = await api.getManagedCohorts('etp:');
    const { users } = await api.getCohortMemberKeys(managed.slice(0, 3).map((c) => c.id), 'username');
    const byKeys = await api.getUsersByKeys('username', users.slice(0, 5).map((u) => u.key));
    const accounts = await api.getUsersByField('username', users.slice(0, 5).map((u) => u.key));
    expect(info.functions.length).toBeGreaterThan(10);
    expect(managed.length).toBeGreaterThan(1);
    expect(users.length).toBeGreaterThan(0);
    expect(byKeys.map((u) => u.id).sort()).toEqual(users.slice(0, 5).map((u) => u.id).sort());
    for (const reply of [info, cohorts, managed, users, byKeys, accounts]) expect(JSON.stringify(reply)).not.toContain(UNKNOWN);
    for (const u of users) expect(Object.keys(u).sort()).toEqual(['id', 'key', 'suspended']);
  });

  it('a Moodle exception with added fields is still the exception, with its code', async () => {
    await expect(api.getCohortMembers([999_999])).rejects.toMatchObject({ kind: 'exception', errorcode: 'invalidrecord' });
  });
});

describe('a Moodle whose reply lacks what the client needs', () => {
  let s: RunningSimulator;
  let relay: http.Server;
  let url: string;
  /** Field names the relay removes from every object of every reply. */
  let drop: string[] = [];
  const without = (v: unknown): unknown => (Array.isArray(v) ? v.map(without) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !drop.includes(k)).map(([k, x]) => [k, without(x)])) : v);
  beforeAll(async () => {
    s = await startSimulator(demoSeedWith('local_cohortbot'));
    const target = new URL(s.platforms.find((x) => x.name === 'ecampus')!.url);
    relay = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(new URL(req.url!, target), { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' }, body: Buffer.concat(chunks) })
          .then((r) => r.text())
          .then((text) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(without(JSON.parse(text))));
          });
      });
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}${target.pathname}`;
  });
  afterAll(async () => {
    await new Promise((r) => relay.close(r));
    await s.stop();
  });
  const api = () => new MoodleApi(new MoodleClient({ platform: 'ecampus', url, token: s.platforms.find((x) => x.name === 'ecampus')!.token, retries: 0 }));
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as MoodleError);

  it('the relay changes nothing when it drops nothing', async () => {
    drop = [];
    expect((await api().getManagedCohorts('etp:')).length).toBeGreaterThan(1);
  });

  it.each([
    ['a managed cohort without its member count', 'membercount', (a: MoodleApi) => a.getManagedCohorts('etp:'), /local_cohortbot_get_managed_cohorts.*membercount/],
    ['an account key without suspended', 'suspended', (a: MoodleApi) => a.getUsersByKeys('username', ['e21900001', 'e21900002']), /local_cohortbot_get_users_by_keys.*users\[0\].*suspended/],
    ['a cohort without its idnumber', 'idnumber', (a: MoodleApi) => a.getCohorts(), /core_cohort_get_cohorts.*idnumber/],
    ['site info without the user id', 'userid', (a: MoodleApi) => a.siteInfo(), /core_webservice_get_site_info.*userid/],
  ])('%s is refused, naming the function and the field', async (_what, field, call, message) => {
    drop = [field];
    const e = await refusal(call(api()));
    expect(e).toBeInstanceOf(MoodleError);
    expect(e).toMatchObject({ kind: 'bad-reply' });
    expect(`${e!.function} ${e!.message}`).toMatch(message);
  });
});
