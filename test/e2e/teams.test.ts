/**
 * Teams end to end: message activities POSTed to the real /api/messages endpoint (restify +
 * CloudAdapter), replies captured by a local mock Bot Connector, assertions on the cards and on Moodle.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Running, serve } from '../../src/server';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER } from '../helpers/bot';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { mockConnector } from '../helpers/chat-stubs';
import { silentLogger } from '../../src/log';

describe('Teams endpoint', () => {
  let h: SyncHarness;
  let running: Running;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let seq = 0;
  const users: Record<string, string> = { '29:teacher': TEACHER, '29:colleague': COLLEAGUE, '29:support': SUPPORT, '29:admin': ADMIN };

  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    connector = await mockConnector(users);
    const app = createApp(loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_LOCAL_MODE: 'true', TEAMS_DIGEST_CONVERSATION_ID: '19:digest@thread.tacv2', TEAMS_SERVICE_URL: connector.url }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await connector.stop();
    await h.stop();
  });

  const send = async (from: string, text: string, extra: Record<string, unknown> = {}, conversationType = 'personal') => {
    const before = connector.calls.length;
    const activity = {
      type: 'message',
      id: `a${++seq}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      text,
      locale: 'fr-FR',
      from: { id: from, aadObjectId: `aad-${from}` },
      recipient: { id: '28:bot', name: 'CohortBot' },
      conversation: { id: conversationType === 'personal' ? `a:${from}` : '19:channel@thread.tacv2', conversationType, tenantId: 't1' },
      entities: text.startsWith('<at>') ? [{ type: 'mention', mentioned: { id: '28:bot', name: 'CohortBot' }, text: '<at>CohortBot</at>' }] : [],
      ...extra,
    };
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBeLessThan(300);
    const replies = connector.calls.slice(before).filter((c) => c.method === 'POST' && c.path.includes('/activities'));
    return replies.map((r) => r.body);
  };
  const cardOf = (reply: Record<string, unknown>) => ((reply.attachments as Array<{ contentType: string; content: Record<string, unknown> }>)[0]!).content;
  const cardText = (card: Record<string, unknown>) => JSON.stringify(card);

  it('answers help with an Adaptive Card 1.5, the mention stripped', async () => {
    const [reply] = await send('29:teacher', '<at>CohortBot</at> aide');
    const card = cardOf(reply!);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardText(card)).toContain('cohortbot — aide');
  });

  it('searches, then adds with a confirmation card whose button runs the command again through the core', async () => {
    const [search] = await send('29:teacher', 'chercher pharma');
    expect(cardText(cardOf(search!))).toContain('etp:L2PHA1');
    const [ask] = await send('29:teacher', 'ajouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun');
    const card = cardOf(ask!);
    const actions = card.actions as Array<{ type: string; title: string; data: { cohortbot: string } }>;
    expect(actions.map((a) => [a.type, a.title])).toEqual([
      ['Action.Submit', 'Confirmer'],
      ['Action.Submit', 'Annuler'],
    ]);
    const site = h.sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-101')!;
    const before = site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length;
    // A click arrives as a message whose value carries the payload, with no text.
    const [done] = await send('29:teacher', '', { value: actions[0]!.data });
    expect(cardText(cardOf(done!))).toMatch(/17 étudiant\(s\) y ont maintenant accès/);
    expect(site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length).toBe(before + 1);
  });

  it('refuses a teacher on a colleague\'s course', async () => {
    const [reply] = await send('29:colleague', 'ajouter etp:L3PHA1 à PHA-L3-201');
    expect(cardText(cardOf(reply!))).toContain('Vous ne pouvez pas modifier les méthodes');
  });

  it('answers "why" asked in a channel privately, and says so in the channel', async () => {
    const before = connector.calls.length;
    const replies = await send('29:support', '<at>CohortBot</at> pourquoi e21900011 PHA-L2-102', {}, 'channel');
    const created = connector.calls.slice(before).filter((c) => c.path === '/v3/conversations');
    expect(created).toHaveLength(1);
    expect(JSON.stringify(created[0]!.body)).toContain('29:support');
    const channel = replies.filter((r) => (r.conversation as { id: string }).id === '19:channel@thread.tacv2');
    expect(channel.map((r) => r.text)).toEqual(['Réponse envoyée en message privé (elle contient des données personnelles).']);
    expect(JSON.stringify(channel)).not.toContain('e21900011');
    const privately = replies.filter((r) => (r.conversation as { id: string }).id === 'a:private-conv');
    expect(cardText(cardOf(privately[0]!))).toContain('Tout est en ordre');
  });

  it('offers the "add a cohort sync" form, whose submission previews the addition', async () => {
    const [form] = await send('29:teacher', 'ajouter');
    const card = cardOf(form!);
    const inputs = JSON.stringify(card.body);
    expect(inputs).toContain('"type":"Input.Text"');
    expect(inputs).toContain('"type":"Input.ChoiceSet"');
    const submit = (card.actions as Array<{ data: Record<string, string> }>)[0]!.data;
    const [preview] = await send('29:teacher', '', { value: { ...submit, course: 'PHA-M1-301', cohort: 'etp:M1PHA1', role: 'etudiant', group: 'aucun' } });
    expect(cardText(cardOf(preview!))).toContain('Ajouter une synchronisation de cohorte ?');
    await send('29:teacher', 'non');
  });

  it('posts the daily summary to the configured channel: aggregates only, with approve/reject when removals are held', async () => {
    const before = connector.calls.length;
    const run = await running.scheduler.tick();
    expect(run).toBeDefined();
    const posted = connector.calls.slice(before).filter((c) => c.method === 'POST' && c.path.startsWith('/v3/conversations/19%3Adigest%40thread.tacv2/activities'));
    expect(posted).toHaveLength(1);
    const card = cardText(cardOf(posted[0]!.body));
    expect(card).toContain('État de la synchronisation');
    for (const p of run!.platforms) expect(card).toContain(`"${p.name}"`);
    expect(card).not.toMatch(/e2\d{7}/);
  });

  it('serves /healthz with the last run and /metrics in Prometheus format', async () => {
    const health = (await (await fetch(`${running.url}/healthz`)).json()) as { ok: boolean; lastRun: { status: string } };
    expect(health.ok).toBe(true);
    expect(health.lastRun.status).toBe('applied');
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/cohortbot_moodle_calls_total\{platform="ecampus",function="local_cohortbot_add_cohort_sync",outcome="ok"\} 1/);
  });
});

describe('Teams endpoint with an app id', () => {
  let h: SyncHarness;
  let running: Running;
  beforeAll(async () => {
    h = await startSyncHarness();
    const app = createApp(loadConfig({ ...h.env, MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'dummy', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000aa' }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await h.stop();
  });

  it('rejects a request without or with a forged Authorization header, and runs no command', async () => {
    const before = (await h.store.auditEntries(100)).length;
    const activity = JSON.stringify({ type: 'message', id: 'x', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', text: 'ajouter etp:L2PHA1 à PHA-L2-101', from: { id: '29:teacher' }, recipient: { id: '28:bot' }, conversation: { id: 'a:1', conversationType: 'personal' } });
    const none = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity });
    expect(none.status).toBe(401);
    const forged = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' }, body: activity });
    expect(forged.status).toBe(401);
    expect((await h.store.auditEntries(100)).length).toBe(before);
  });

  it('in production without an app id, starts with no Teams endpoint at all (404), and refuses local mode', async () => {
    const r = await serve(createApp(loadConfig({ ...h.env, NODE_ENV: 'production' }), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
    try {
      const res = await fetch(`${r.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message","text":"aide"}' });
      expect(res.status).toBe(404);
      expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    } finally {
      await r.stop();
    }
    expect(() => loadConfig({ ...h.env, NODE_ENV: 'production', TEAMS_LOCAL_MODE: 'true' })).toThrow(/TEAMS_LOCAL_MODE=true: refused in production/);
  });
});

describe('a held summary in the Teams channel', () => {
  let h: SyncHarness;
  let running: Running;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    connector = await mockConnector({ '29:admin': ADMIN });
    const app = createApp(loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_LOCAL_MODE: 'true', SYNC_MAX_REMOVALS: '0', TEAMS_DIGEST_CONVERSATION_ID: '19:digest@thread.tacv2', TEAMS_SERVICE_URL: connector.url }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await connector.stop();
    await h.stop();
  });

  it('is updated in place, without its buttons, once the removals are decided', async () => {
    const site = h.sim.sim.site('ecampus');
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    for (const u of ['e21900044', 'e21900046']) site.addMember(cohort.id, site.users.first('username', u)!.id);
    const run = await running.scheduler.tick();
    expect(run!.status).toBe('held');
    const posted = connector.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/v3/conversations/19%3Adigest%40thread.tacv2/activities')).pop()!;
    expect(JSON.stringify(posted.body)).toContain(`approuver ${run!.runId}`);
    // The admin rejects from a 1:1 chat; the channel's card is replaced.
    const activity = { type: 'message', id: 'rj1', channelId: 'msteams', serviceUrl: connector.url, text: `rejeter ${run!.runId}`, locale: 'fr-FR', from: { id: '29:admin', aadObjectId: 'aad-29:admin' }, recipient: { id: '28:bot' }, conversation: { id: 'a:29:admin', conversationType: 'personal', tenantId: 't1' } };
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    let update: (typeof connector.calls)[number] | undefined;
    for (let i = 0; i < 300 && !update; i++) {
      update = connector.calls.find((c) => c.method === 'PUT' && c.path.startsWith('/v3/conversations/19%3Adigest%40thread.tacv2/activities/'));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(update).toBeDefined();
    expect(JSON.stringify(update!.body)).not.toContain('approuver');
    expect(JSON.stringify(update!.body)).toMatch(/déjà été rejetés par admin\.moodle@univ-demo\.fr/);
  });
});
