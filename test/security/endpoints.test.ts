/**
 * The HTTP endpoints fail closed: no unauthenticated Teams endpoint, the tenant and the Slack workspace
 * checked, strangers and guests nobody, replays refused across replicas, /metrics behind its token,
 * and a Slack-only production deployment starts.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { Running, bearerMatches, isLoopback, serve } from '../../src/server';
import { TEACHER } from '../helpers/bot';
import { SECRET, mockConnector, sign, slackStub } from '../helpers/chat-stubs';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
  await h.engine.run();
});
afterAll(() => h.stop());

const teamsActivity = (text: string, tenantId: string, serviceUrl: string) =>
  JSON.stringify({
    type: 'message',
    id: `a${Math.random()}`,
    channelId: 'msteams',
    serviceUrl,
    text,
    locale: 'fr-FR',
    from: { id: '29:teacher', aadObjectId: 'aad-29:teacher' },
    recipient: { id: '28:bot' },
    conversation: { id: 'a:29:teacher', conversationType: 'personal', tenantId },
  });

describe.each(['agents', 'botbuilder'])('Teams (%s)', (sdk) => {
  it('without MicrosoftAppId and without local mode there is no /api/messages: 404, nothing sent, nothing done', async () => {
    const connector = await mockConnector({ '29:teacher': TEACHER });
    const running = await serve(createApp(loadConfig({ ...h.env, TEAMS_SDK: sdk, NODE_ENV: 'development' }), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
    try {
      const audit = (await h.store.auditEntries(1000)).length;
      const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: teamsActivity('ajouter etp:L2PHA1 à PHA-L2-101', 't1', connector.url) });
      expect(res.status).toBe(404);
      expect(connector.calls).toEqual([]);
      expect((await h.store.auditEntries(1000)).length).toBe(audit);
    } finally {
      await running.stop();
      await connector.stop();
    }
  });

  it('local mode answers loopback callers only', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.20', '::ffff:192.168.1.20', 'fe80::1', '', undefined]) expect(isLoopback(a)).toBe(false);
  });

  it("an activity from another tenant is refused: the member is not looked up, nothing is answered, nothing is done (#28)", async () => {
    const connector = await mockConnector({ '29:teacher': TEACHER });
    const config = loadConfig({ ...h.env, TEAMS_SDK: sdk, NODE_ENV: 'development', TEAMS_LOCAL_MODE: 'true', MicrosoftAppTenantId: 'tenant-univ' });
    const running = await serve(createApp(config, { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
    try {
      await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: teamsActivity('méthodes PHA-L2-101', 'tenant-evil', connector.url) });
      expect(connector.calls.filter((c) => c.method === 'GET')).toEqual([]);
      expect(connector.calls.filter((c) => c.path.includes('/activities'))).toEqual([]);
      // The university's own tenant works.
      const before = connector.calls.length;
      await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: teamsActivity('méthodes PHA-L2-102', 'tenant-univ', connector.url) });
      expect(JSON.stringify(connector.calls.slice(before))).toContain('L2PHA1');
    } finally {
      await running.stop();
      await connector.stop();
    }
  });
});

describe('metrics', () => {
  it('METRICS_TOKEN protects /metrics with a bearer token', async () => {
    const running = await serve(createApp(loadConfig({ ...h.env, METRICS_TOKEN: 's3cret-metrics' }), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
    try {
      expect((await fetch(`${running.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer s3cret-metrics' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('cohortbot_');
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      await running.stop();
    }
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });
});

describe('Slack', () => {
  const users = {
    U_TEACHER: TEACHER,
    U_GUEST: { team_id: 'T0UNIV01', is_restricted: true, profile: { email: TEACHER } },
    U_STRANGER: { team_id: 'T0OTHER9', is_stranger: true, profile: { email: TEACHER } },
  };
  let stub: Awaited<ReturnType<typeof slackStub>>;
  let running: Running;
  let n = 0;
  beforeAll(async () => {
    stub = await slackStub(users);
    const env = { ...h.env, NODE_ENV: 'production', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub.url}/api`, SLACK_TEAM_IDS: 'T0UNIV01' };
    // Production, Slack only (no MicrosoftAppId): it starts.
    running = await serve(createApp(loadConfig(env), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await stub.stop();
  });

  const slash = async (user: string, text: string, team = 'T0UNIV01') => {
    const id = ++n;
    const body = new URLSearchParams({ command: '/cohort', text, user_id: user, team_id: team, channel_id: 'C1', trigger_id: `TR${id}`, response_url: `${stub.url}/resp/${id}` }).toString();
    const headers = sign(body);
    const res = await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    return { id, body, headers, status: res.status };
  };
  const answer = async (id: number) => {
    for (let i = 0; i < 500; i++) {
      const c = stub.calls.find((x) => x.path === `/resp/${id}`);
      if (c) return JSON.stringify(c.body);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no answer to ${id}`);
  };

  it('production requires SLACK_TEAM_IDS', () => {
    expect(() => loadConfig({ ...h.env, NODE_ENV: 'production', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET })).toThrow(/SLACK_TEAM_IDS: missing/);
  });

  it('the allowed workspace acts; another workspace, a guest and a Slack Connect stranger are nobody', async () => {
    const ok = await slash('U_TEACHER', 'méthodes PHA-L2-102');
    expect(await answer(ok.id)).toContain('L2PHA1');
    for (const [user, team] of [['U_TEACHER', 'T0OTHER2'], ['U_GUEST', 'T0UNIV01'], ['U_STRANGER', 'T0UNIV01']] as const) {
      const r = await slash(user, 'méthodes PHA-L2-102', team);
      const said = await answer(r.id);
      expect(said).toContain('Je ne sais pas qui vous êtes');
      expect(said).not.toContain('L2PHA1');
    }
  });

  it('a replayed signed request is refused, by this replica and by another sharing the store; a forged one burns no key', async () => {
    const first = await slash('U_TEACHER', 'aide');
    expect(first.status).toBe(200);
    const replay = await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...first.headers }, body: first.body });
    expect(replay.status).toBe(401);
    const other = await serve(createApp(loadConfig({ ...h.env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub.url}/api`, SLACK_TEAM_IDS: 'T0UNIV01' }), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
    try {
      const again = await fetch(`${other.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...first.headers }, body: first.body });
      expect(again.status).toBe(401);
    } finally {
      await other.stop();
    }
    // A forged signature over the same timestamp: refused by Bolt, and the genuine request it imitates still goes through.
    const body = new URLSearchParams({ command: '/cohort', text: 'aide', user_id: 'U_TEACHER', team_id: 'T0UNIV01', channel_id: 'C1', trigger_id: 'TRX', response_url: `${stub.url}/resp/x` }).toString();
    const genuine = sign(body);
    const forged = { ...genuine, 'x-slack-signature': genuine['x-slack-signature'].replace(/.$/, (c) => (c === '0' ? '1' : '0')) };
    expect((await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...forged }, body })).status).toBe(401);
    expect((await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...genuine }, body })).status).toBe(200);
  });
});

describe('Slack cohort picker (external select)', () => {
  let stub: Awaited<ReturnType<typeof slackStub>>;
  let running: Running;
  beforeAll(async () => {
    stub = await slackStub({ U_TEACHER: TEACHER, U_OUTSIDER: 'someone@gmail.example' });
    running = await serve(createApp(loadConfig({ ...h.env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub.url}/api` }), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await stub.stop();
  });
  const options = async (user: string, value: string) => {
    const payload = JSON.stringify({ type: 'block_suggestion', user: { id: user, team_id: 'T0UNIV01' }, team: { id: 'T0UNIV01' }, block_id: 'cohort', action_id: 'value', value, view: { id: 'V1', callback_id: 'cohortbot_form' } });
    const body = new URLSearchParams({ payload }).toString();
    const res = await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
    return (await res.json()) as { options: Array<{ value: string }> };
  };

  it('offers an outsider nothing, and a teacher only the cohorts usable in the courses she teaches', async () => {
    const site = h.sim.sim.site('ecampus');
    const droit = site.categories.first('idnumber', 'DROIT')!;
    site.cohorts.insert({ contextlevel: 'coursecat', categoryid: droit.id, name: 'Moot court team', idnumber: 'droit-only', description: '', descriptionformat: 1, visible: true, component: '', theme: '', timecreated: 0 });
    expect((await options('U_OUTSIDER', '')).options).toEqual([]);
    const mine = (await options('U_TEACHER', '')).options.map((o) => o.value);
    // System cohorts (the managed ones) are usable everywhere, her category's too; not the law faculty's.
    expect(mine).toEqual(expect.arrayContaining(['etp:L2PHA1', 'tuteurs-l2-pharma']));
    expect(mine).not.toContain('droit-only');
  });
});
