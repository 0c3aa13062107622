/**
 * The summary channel is configuration, not a side effect (#28): Teams activities POSTed to the real
 * /api/messages (restify + CloudAdapter), replies captured by a local mock Bot Connector.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Running, serve } from '../../src/server';
import type { TeamsMember } from '../../src/channels/teams/tenant';
import { ADMIN, TEACHER } from '../helpers/bot';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { mockConnector } from '../helpers/chat-stubs';
import { silentLogger } from '../../src/log';

const TENANT = 'univ-tenant';

describe('Teams: tenant, installs and identity', () => {
  let h: SyncHarness;
  let running: Running;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let seq = 0;
  /** What the roster answers per user id: the UPN and AAD object id that identify, and an `email` that must not. */
  const roster: Record<string, TeamsMember> = {
    '29:admin': { userPrincipalName: ADMIN, aadObjectId: 'aad-admin', email: ADMIN },
    '29:teacher': { userPrincipalName: TEACHER, aadObjectId: 'aad-teacher', email: TEACHER },
    // A guest whose free mail attribute claims the admin's address.
    '29:guest': { userPrincipalName: 'guest_example.org#EXT#@univ.onmicrosoft.com', aadObjectId: 'aad-guest', email: ADMIN },
    // A roster entry whose object id is not the activity's.
    '29:spoof': { userPrincipalName: ADMIN, aadObjectId: 'aad-someone-else', email: ADMIN },
  };
  const config = () => loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_LOCAL_MODE: 'true', MicrosoftAppTenantId: TENANT, TEAMS_SERVICE_URL: connector.url });

  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    connector = await mockConnector({});
    running = await serve(createApp(config(), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false, teamsIdentities: { resolve: async (ctx) => roster[ctx.activity.from.id] ?? {} } });
  });
  afterAll(async () => {
    await running.stop();
    await connector.stop();
    await h.stop();
  });

  const post = async (activity: Record<string, unknown>) => {
    const before = connector.calls.length;
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channelId: 'msteams', serviceUrl: connector.url, recipient: { id: '28:bot', name: 'CohortBot' }, locale: 'fr-FR', id: `a${++seq}`, ...activity }) });
    expect(res.status).toBeLessThan(300);
    return connector.calls.slice(before).filter((c) => c.method === 'POST' && c.path.includes('/activities')).map((c) => JSON.stringify(c.body));
  };
  const message = (from: string, text: string, opts: { tenant?: string; channel?: boolean } = {}) =>
    post({
      type: 'message',
      text,
      from: { id: from, aadObjectId: `aad-${from.slice(3)}` },
      conversation: opts.channel ? { id: '19:general@thread.tacv2', conversationType: 'channel', tenantId: opts.tenant ?? TENANT } : { id: `a:${from}`, conversationType: 'personal', tenantId: opts.tenant ?? TENANT },
      channelData: { tenant: { id: opts.tenant ?? TENANT } },
    });
  const target = () => h.store.getState('digest:target:teams');

  it('installs and conversation events never choose the summary target: ours, a personal install, another tenant', async () => {
    for (const [tenant, conversationType] of [[TENANT, 'channel'], [TENANT, 'personal'], ['other-tenant', 'channel']] as const) {
      const replies = await post({
        type: 'conversationUpdate',
        from: { id: '29:someone', aadObjectId: 'aad-someone' },
        membersAdded: [{ id: '28:bot' }],
        conversation: { id: `19:${tenant}-${conversationType}@thread.tacv2`, conversationType, tenantId: tenant },
        channelData: { tenant: { id: tenant }, eventType: 'teamMemberAdded' },
      });
      expect(replies).toEqual([]);
    }
    expect(await target()).toBeUndefined();
    expect(await h.store.getState('teams:digest-reference')).toBeUndefined();
    // With nothing configured and nobody having said `résumé ici`, the summary goes nowhere.
    expect(await running.teams!.postSummary({ blocks: [{ type: 'text', text: 'résumé' }] })).toBeUndefined();
  });

  it('every activity of another tenant is refused: no reply, no command run, nothing audited', async () => {
    const audited = (await h.store.auditEntries(1000)).length;
    for (const text of ['aide', 'qui suis-je', 'résumé ici', 'approuver r1']) expect(await message('29:admin', text, { tenant: 'other-tenant', channel: true })).toEqual([]);
    expect(await message('29:admin', 'aide', { tenant: 'other-tenant' })).toEqual([]);
    expect((await h.store.auditEntries(1000)).length).toBe(audited);
    expect(await target()).toBeUndefined();
  });

  it("only an admin's explicit `résumé ici`, in the channel itself, sets the target — audited — and the summary goes there", async () => {
    const [teacher] = await message('29:teacher', 'résumé ici', { channel: true });
    expect(teacher).toContain('administrateurs');
    const [privately] = await message('29:admin', 'résumé ici');
    expect(privately).toContain('canal d’équipe');
    expect(await target()).toBeUndefined();
    const [done] = await message('29:admin', 'résumé ici', { channel: true });
    expect(done).toContain('Le résumé quotidien sera publié dans cette conversation');
    expect((await h.store.auditEntries(20)).find((a) => a.command === 'summaryHere' && a.outcome === 'ok')).toMatchObject({ actor: ADMIN, target: '19:general@thread.tacv2', channel: 'teams' });
    const refusals = (await h.store.auditEntries(20)).filter((a) => a.command === 'summaryHere' && a.outcome === 'refused');
    expect(refusals.map((a) => a.actor).sort()).toEqual([ADMIN, TEACHER].sort());
    const before = connector.calls.length;
    expect(await running.teams!.postSummary({ blocks: [{ type: 'text', text: 'résumé' }] })).toBeDefined();
    expect(connector.calls.slice(before).filter((c) => c.method === 'POST').map((c) => c.path.split('/').slice(0, 5).join('/'))).toEqual(['/v3/conversations/19:general@thread.tacv2/activities']);
  });

  it('identity comes from the UPN whose AAD object id is the activity’s, never from the roster’s e-mail', async () => {
    const [guest] = await message('29:guest', 'qui suis-je');
    expect(guest).not.toMatch(/administrateur/);
    expect(guest).toContain('guest_example.org#ext#@univ.onmicrosoft.com');
    const [spoof] = await message('29:spoof', 'qui suis-je');
    expect(spoof).not.toMatch(/administrateur/);
    expect(spoof).not.toContain(ADMIN);
    const [admin] = await message('29:admin', 'qui suis-je');
    expect(admin).toMatch(/administrateur/);
  });

  it('production requires MicrosoftAppTenantId unless TEAMS_MULTI_TENANT=true is stated', () => {
    const prod = { ...h.env, NODE_ENV: 'production', SLACK_TEAM_IDS: 'T0UNIV01', MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'x' };
    expect(() => loadConfig(prod)).toThrow(/MicrosoftAppTenantId: missing/);
    expect(loadConfig({ ...prod, MicrosoftAppTenantId: TENANT, MicrosoftAppType: 'SingleTenant' }).teams.tenantId).toBe(TENANT);
    expect(loadConfig({ ...prod, TEAMS_MULTI_TENANT: 'true' }).teams.multiTenant).toBe(true);
    expect(() => loadConfig({ ...prod, TEAMS_MULTI_TENANT: 'true', MicrosoftAppTenantId: TENANT })).toThrow(/choose one/);
  });
});
