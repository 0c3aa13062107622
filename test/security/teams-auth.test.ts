/**
 * The Teams endpoint's authentication, offline, on both hosts: tokens from a local OpenID issuer on
 * 127.0.0.1 (the Agents SDK's AuthorityEndpoint/Issuers settings, which the botbuilder host maps to
 * its channel OpenID document and issuer). Unsigned, forged, wrong audience, wrong tenant and expired
 * tokens get 401 with nothing done; a correctly signed one is answered.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { Running, serve } from '../../src/server';
import { TEACHER } from '../helpers/bot';
import { mockConnector } from '../helpers/chat-stubs';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { LocalIssuer, startLocalIssuer } from '../helpers/openid';

const APP = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const OTHER_TENANT = 'ffffffff-0000-0000-0000-000000000000';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.stop());

// The same settings work under both names: the Agents SDK's connection for one host, MicrosoftApp* for the other.
const settings = (sdk: string, issuer: LocalIssuer): Record<string, string> =>
  sdk === 'agents'
    ? {
        Connections__serviceConnection__Settings__ClientId: APP,
        Connections__serviceConnection__Settings__ClientSecret: 'unused-offline',
        Connections__serviceConnection__Settings__TenantId: TENANT,
        Connections__serviceConnection__Settings__AuthorityEndpoint: issuer.authority,
        Connections__serviceConnection__Settings__Issuers: issuer.issuer(),
        MicrosoftAppType: 'SingleTenant',
      }
    : {
        MicrosoftAppId: APP,
        MicrosoftAppPassword: 'unused-offline',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: TENANT,
        Connections__serviceConnection__Settings__AuthorityEndpoint: issuer.authority,
        Connections__serviceConnection__Settings__Issuers: issuer.issuer(),
      };

describe.each(['agents', 'botbuilder'])('Teams authentication (%s)', (sdk) => {
  let issuer: LocalIssuer;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let running: Running;
  beforeAll(async () => {
    issuer = await startLocalIssuer(TENANT);
    connector = await mockConnector({ '29:teacher': TEACHER });
    const config = loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_SDK: sdk, ...settings(sdk, issuer) });
    expect(config.teams).toMatchObject({ appId: APP, tenantId: TENANT, sdk });
    running = await serve(createApp(config, { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await connector.stop();
    await issuer.stop();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: Record<string, unknown> = {}) => ({ iss: issuer.issuer(), aud: APP, tid: TENANT, iat: now() - 60, nbf: now() - 60, exp: now() + 3600, ...over });
  const post = (token: string | undefined, activity: Record<string, unknown>) =>
    fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(activity) });
  const acting = () => ({ type: 'message', id: 'x1', channelId: 'msteams', serviceUrl: connector.url, text: 'ajouter etp:L2PHA1 à PHA-L2-101', locale: 'fr-FR', from: { id: '29:teacher', aadObjectId: 'aad-teacher' }, recipient: { id: '28:bot' }, conversation: { id: 'a:29:teacher', conversationType: 'personal', tenantId: TENANT } });

  it.each([
    ['no token at all', () => undefined],
    ['an unsigned token (alg none)', () => issuer.sign(claims(), { alg: 'none' })],
    ['a token signed with another key', () => issuer.sign(claims(), { key: issuer.otherKey })],
    ['a token for another application (audience)', () => issuer.sign(claims({ aud: '99999999-2222-3333-4444-555555555555' }))],
    ['a token issued for another tenant', () => issuer.sign(claims({ iss: issuer.issuer(OTHER_TENANT), tid: OTHER_TENANT }))],
    ['an expired token', () => issuer.sign(claims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }))],
    ['a malformed header', () => 'abc.def.ghi'],
  ])('%s: 401, nothing sent, nothing done', async (_what, token) => {
    const audit = (await h.store.auditEntries(1000)).length;
    const calls = connector.calls.length;
    const res = await post(token(), acting());
    expect(res.status).toBe(401);
    expect(connector.calls.length).toBe(calls);
    expect((await h.store.auditEntries(1000)).length).toBe(audit);
  });

  it('a correctly signed token is answered (the replies in the HTTP answer: expectReplies, no outbound call)', async () => {
    const res = await post(issuer.sign(claims()), { type: 'message', id: 'ok1', channelId: 'msteams', deliveryMode: 'expectReplies', text: 'help', locale: 'en-GB', from: { id: '29:teacher' }, recipient: { id: '28:bot' }, conversation: { id: 'a:29:teacher', conversationType: 'personal', tenantId: TENANT } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: Array<{ attachments?: Array<{ content: unknown }> }> };
    expect(JSON.stringify(body.activities[0]!.attachments![0]!.content)).toContain('cohortbot — help');
  });
});
