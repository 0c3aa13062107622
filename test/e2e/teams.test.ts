/**
 * Teams end to end, on both hosts (TEAMS_SDK=agents and botbuilder): message and invoke activities
 * POSTed to the real /api/messages endpoint (restify + the SDK's CloudAdapter), replies captured by a
 * local mock Bot Connector, assertions on the cards and on Moodle — the same for both.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Running, serve } from '../../src/server';
import { statusDocument } from '../../src/cli/sync';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER } from '../helpers/bot';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { mockConnector } from '../helpers/chat-stubs';
import { silentLogger } from '../../src/log';
import { RetryLater, teamsDelivery } from '../../src/notify/deliver';
import type { View } from '../../src/bot/views';
import { localeOf } from '../../src/i18n/locale';

const SDKS = ['agents', 'botbuilder'] as const;

describe.each(SDKS)('Teams endpoint (%s)', (sdk) => {
  let h: SyncHarness;
  let running: Running;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let seq = 0;
  const users: Record<string, string> = { '29:teacher': TEACHER, '29:colleague': COLLEAGUE, '29:support': SUPPORT, '29:admin': ADMIN };

  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    connector = await mockConnector(users);
    const app = createApp(loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_SDK: sdk, TEAMS_LOCAL_MODE: 'true', TEAMS_DIGEST_CONVERSATION_ID: '19:digest@thread.tacv2', TEAMS_SERVICE_URL: connector.url }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await connector.stop();
    await h.stop();
  });

  /** An Action.Execute click: an `adaptiveCard/action` invoke on the message `replyToId`; the HTTP answer carries the refreshed card. */
  const execute = async (from: string, data: Record<string, unknown>, replyToId: string, conversationType = 'personal') => {
    const before = connector.calls.length;
    const activity = {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `i${++seq}`,
      replyToId,
      channelId: 'msteams',
      serviceUrl: connector.url,
      locale: 'fr-FR',
      value: { action: { type: 'Action.Execute', verb: 'cohortbot', data }, trigger: 'manual' },
      from: { id: from, aadObjectId: `aad-${from}`, name: users[from] },
      recipient: { id: '28:bot', name: 'CohortBot' },
      conversation: { id: conversationType === 'personal' ? `a:${from}` : '19:channel@thread.tacv2', conversationType, tenantId: 't1' },
    };
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
    return { body, updates: connector.calls.slice(before).filter((c) => c.method === 'PUT') };
  };

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
    // Replies, not the typing indicator that may precede a slow one (#33).
    const replies = connector.calls.slice(before).filter((c) => c.method === 'POST' && c.path.includes('/activities') && c.body.type !== 'typing');
    return replies.map((r) => r.body);
  };
  const cardOf = (reply: Record<string, unknown>) => ((reply.attachments as Array<{ contentType: string; content: Record<string, unknown> }>)[0]!).content;
  // Words, typography aside (French no-break spaces: test/unit/typography.test.ts).
  const cardText = (card: Record<string, unknown>) => JSON.stringify(card).replace(/[\u00a0\u202f]/g, ' ');

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
    const actions = card.actions as Array<{ type: string; title: string; data: { cohortbot: string }; fallback: { type: string; data: unknown } }>;
    expect(actions.map((a) => [a.type, a.title, a.fallback.type])).toEqual([
      ['Action.Execute', 'Confirmer', 'Action.Submit'],
      ['Action.Execute', 'Annuler', 'Action.Submit'],
    ]);
    expect(actions[0]!.fallback.data).toEqual(actions[0]!.data);
    const site = h.sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-101')!;
    const before = site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length;
    // A client without Universal Actions: the Action.Submit fallback arrives as a message whose value carries the payload, with no text.
    const [done] = await send('29:teacher', '', { value: actions[0]!.data });
    expect(cardText(cardOf(done!))).toMatch(/17 étudiants y sont maintenant inscrits/);
    expect(site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length).toBe(before + 1);
  });

  it('a confirmation clicked (Action.Execute) acts once: the card becomes "done by" for everyone; a second click and a colleague\'s click are answered from the state', async () => {
    const site = h.sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-102')!;
    const syncs = () => site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length;
    // In a channel, where everyone sees the card.
    const [ask] = await send('29:teacher', '<at>CohortBot</at> ajouter tuteurs-l2-pharma à PHA-L2-102 rôle étudiant groupe aucun', {}, 'channel');
    const confirmAction = (cardOf(ask!).actions as Array<{ data: Record<string, unknown> }>)[0]!;
    const before = syncs();
    const audit = (await h.store.auditEntries(1000)).length;

    const first = await execute('29:teacher', confirmAction.data, 'card-msg-1', 'channel');
    expect(first.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const refreshed = cardText(first.body.value);
    expect(refreshed).toMatch(/Fait par marie\.durand@univ-demo\.fr le /);
    expect(first.body.value.actions).toBeUndefined();
    expect(syncs()).toBe(before + 1);
    // Everyone sees it: the message holding the card is replaced by the same card.
    expect(first.updates.map((u) => u.path)).toEqual(['/v3/conversations/19:channel@thread.tacv2/activities/card-msg-1']);
    expect(cardOf(first.updates[0]!.body)).toEqual(first.body.value);

    const again = await execute('29:teacher', confirmAction.data, 'card-msg-1', 'channel');
    const colleague = await execute('29:colleague', confirmAction.data, 'card-msg-1', 'channel');
    for (const r of [again, colleague]) {
      expect(r.body.value).toEqual(first.body.value);
      expect(r.updates).toEqual([]);
    }
    expect(syncs()).toBe(before + 1);
    expect((await h.store.auditEntries(1000)).length).toBe(audit + 1);
  });

  it('the Action.Submit fallback (a message carrying the button\'s data) acts once too: the card is updated for everyone, a later click answered from the state', async () => {
    const site = h.sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L2-101')!;
    const syncs = () => site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length;
    const [ask] = await send('29:teacher', '<at>CohortBot</at> ajouter tuteurs-l2-pharma à PHA-L2-101 rôle étudiant groupe aucun', {}, 'channel');
    const confirmData = (cardOf(ask!).actions as Array<{ data: Record<string, unknown> }>)[0]!.data;
    const before = syncs();
    const puts = connector.calls.filter((c) => c.method === 'PUT').length;
    const submitted = await send('29:teacher', '', { value: confirmData, replyToId: 'card-msg-submit' }, 'channel');
    expect(syncs()).toBe(before + 1);
    const updates = connector.calls.filter((c) => c.method === 'PUT').slice(puts);
    expect(updates.map((u) => u.path)).toEqual(['/v3/conversations/19:channel@thread.tacv2/activities/card-msg-submit']);
    expect(cardText(cardOf(updates[0]!.body))).toMatch(/Fait par /);
    // The card itself shows the outcome: no second copy is posted.
    expect(submitted).toEqual([]);
    // A later click, by Execute or Submit, by anyone, acts no more and is answered with the kept card.
    const later = await execute('29:colleague', confirmData, 'card-msg-submit', 'channel');
    expect(later.body.value).toEqual(cardOf(updates[0]!.body));
    const [again] = await send('29:teacher', '', { value: confirmData, replyToId: 'card-msg-submit' }, 'channel');
    expect(cardOf(again!)).toEqual(cardOf(updates[0]!.body));
    expect(syncs()).toBe(before + 1);
  });

  it('a click on someone else\'s confirmation card, before it was used, is refused to that person alone and changes nothing', async () => {
    const [ask] = await send('29:teacher', '<at>CohortBot</at> retirer tuteurs-l2-pharma de PHA-L2-102', {}, 'channel');
    const confirmAction = (cardOf(ask!).actions as Array<{ data: Record<string, unknown> }>)[0]!;
    const r = await execute('29:colleague', confirmAction.data, 'card-msg-2', 'channel');
    expect(cardText(r.body.value)).toContain('appartient à quelqu’un d’autre');
    expect(cardText(r.body.value)).not.toContain('Fait par');
    expect(r.updates).toEqual([]);
    // The owner's card still works.
    const mine = await execute('29:teacher', confirmAction.data, 'card-msg-2', 'channel');
    expect(cardText(mine.body.value)).toMatch(/Fait par/);
  });

  it('someone else\'s Cancel, like their Confirm, is refused to them alone: the card is not replaced, no "done by", and the owner can still confirm', async () => {
    const site = h.sim.sim.site('ecampus');
    const student = site.users.all().find((u) => /^e2/.test(u.username) && !u.suspended && !u.deleted && u.email)!;
    users['29:student'] = student.email;
    const course = site.courses.first('shortname', 'PHA-L3-201')!;
    const syncs = () => site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length;
    const [ask] = await send('29:teacher', '<at>CohortBot</at> ajouter etp:L3PHA1 à PHA-L3-201', {}, 'channel');
    const [confirmAction, cancelAction] = cardOf(ask!).actions as Array<{ title: string; data: Record<string, unknown> }>;
    expect(cancelAction!.title).toBe('Annuler');
    const before = syncs();
    const puts = () => connector.calls.filter((c) => c.method === 'PUT').length;
    const putsBefore = puts();
    const audited = (await h.store.auditEntries(1000)).length;
    for (const [who, action] of [['29:student', cancelAction!], ['29:colleague', cancelAction!], ['29:student', confirmAction!], ['29:colleague', confirmAction!]] as const) {
      const r = await execute(who, action.data, 'card-msg-others', 'channel');
      expect(cardText(r.body.value)).toContain('appartient à quelqu’un d’autre');
      expect(cardText(r.body.value)).not.toMatch(/Fait par|Annulé/);
      expect(r.updates).toEqual([]);
    }
    // The Action.Submit fallback of another person's Cancel: a reply to them, the card untouched.
    const [submitted] = await send('29:student', '', { value: cancelAction!.data, replyToId: 'card-msg-others' }, 'channel');
    expect(cardText(cardOf(submitted!))).toContain('appartient à quelqu’un d’autre');
    expect(cardText(cardOf(submitted!))).not.toContain('Fait par');
    expect(puts()).toBe(putsBefore);
    expect(syncs()).toBe(before);
    // Each refusal audited as refusals are: who clicked, which button, the card, the reason code (newest first).
    const all = await h.store.auditEntries(1000);
    const id = String(confirmAction!.data.cohortbot).split(' ')[1];
    expect(all.slice(0, all.length - audited).map((e) => [e.actor, e.channel, e.command, e.target, e.outcome, e.detail])).toEqual(
      [
        [student.email, 'cancel'],
        [COLLEAGUE, 'confirm'],
        [student.email, 'confirm'],
        [COLLEAGUE, 'cancel'],
        [student.email, 'cancel'],
      ].map(([actor, command]) => [actor, 'teams', command, id, 'refused', 'notYours']),
    );
    // Nothing was kept as the card's outcome: the owner's Confirmer still acts, and only then is the card everyone's.
    const mine = await execute('29:teacher', confirmAction!.data, 'card-msg-others', 'channel');
    expect(cardText(mine.body.value)).toMatch(/Fait par marie\.durand@univ-demo\.fr/);
    expect(mine.updates.map((u) => u.path)).toEqual(['/v3/conversations/19:channel@thread.tacv2/activities/card-msg-others']);
    expect(syncs()).toBe(before + 1);
  });

  it('the owner\'s Cancel replaces the card for everyone; a later Cancel by someone else is answered from it', async () => {
    const [ask] = await send('29:teacher', '<at>CohortBot</at> retirer tuteurs-l2-pharma de PHA-L2-101', {}, 'channel');
    const cancelAction = (cardOf(ask!).actions as Array<{ data: Record<string, unknown> }>)[1]!;
    const mine = await execute('29:teacher', cancelAction.data, 'card-msg-cancel', 'channel');
    expect(cardText(mine.body.value)).toMatch(/Annulé, rien n’a changé\..*Fait par marie\.durand@univ-demo\.fr/);
    // A cancellation is no success: the card says who and when, without a tick.
    expect(cardText(mine.body.value)).not.toContain('✓');
    expect(mine.updates).toHaveLength(1);
    const other = await execute('29:colleague', cancelAction.data, 'card-msg-cancel', 'channel');
    expect(other.body.value).toEqual(mine.body.value);
    expect(other.updates).toEqual([]);
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
    expect(cardText(cardOf(privately[0]!))).toContain('A accès au cours');
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
    const posted = connector.calls.slice(before).filter((c) => c.method === 'POST' && c.path.startsWith('/v3/conversations/19:digest@thread.tacv2/activities'));
    expect(posted).toHaveLength(1);
    const card = cardText(cardOf(posted[0]!.body));
    expect(card).toContain('État de la synchronisation');
    for (const p of run!.platforms) expect(card).toContain(`"${p.name}"`);
    expect(card).not.toMatch(/e2\d{7}/);
  });

  it('keeps the 1:1 conversation of whoever talks to the bot, writes to it later through the selected SDK, and forgets it on erasure', async () => {
    await send('29:teacher', 'qui suis-je');
    const before = connector.calls.length;
    expect(await running.teams!.notify(TEACHER, { title: 'Avis', blocks: [{ type: 'text', text: 'Une note privée' }] })).toBe(true);
    const sent = connector.calls.slice(before).filter((c) => c.method === 'POST');
    expect(sent.map((c) => c.path)).toEqual(['/v3/conversations/a:29:teacher/activities']);
    expect(cardText(cardOf(sent[0]!.body))).toContain('Une note privée');
    // Nobody's channel conversation is kept as theirs: only private chats are.
    expect(await running.teams!.conversations.person(SUPPORT)).toBeUndefined();
    await h.store.forget([TEACHER]);
    expect(await running.teams!.notify(TEACHER, { blocks: [{ type: 'text', text: 'encore' }] })).toBe(false);
  });

  it('a private notice the Bot Connector throttles (429, Retry-After) comes back to the queue as "retry later", with nothing else posted; it is written in the locale the person last wrote in', async () => {
    await send('29:colleague', 'qui suis-je', { locale: 'en-GB' });
    expect((await running.teams!.conversations.person(COLLEAGUE))?.locale).toBe('en-GB');
    const delivery = teamsDelivery(running.teams!);
    const build = (locale?: string): View => ({ title: 'notice', blocks: [{ type: 'text', text: localeOf(locale) === 'en' ? 'In English' : 'En français' }] });
    const paced: number[] = [];
    const pace = async () => void paced.push(connector.calls.length);
    connector.rateLimit(1, 7);
    const before = connector.calls.length;
    const refused = await delivery.send(COLLEAGUE, build, pace).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RetryLater);
    expect((refused as RetryLater).ms).toBe(7000);
    // The refused message is the only call: no "internal error" posted to the person by the SDK's turn-error handler.
    const first = connector.calls.slice(before).filter((c) => c.method === 'POST');
    expect(first.map((c) => c.limited ?? false)).toEqual([true]);
    // Once the pause is over the same notice goes out once, in English (the locale kept with the conversation).
    expect(await delivery.send(COLLEAGUE, build, pace)).toBe(true);
    const all = connector.calls.slice(before).filter((c) => c.method === 'POST');
    expect(all.map((c) => c.limited ?? false)).toEqual([true, false]);
    expect(paced).toHaveLength(2);
    expect(cardText(cardOf(all[1]!.body))).toContain('In English');
    // Back to French: the next activity's locale is kept instead.
    await send('29:colleague', 'qui suis-je', { locale: 'fr-FR' });
    const again = connector.calls.length;
    expect(await delivery.send(COLLEAGUE, build, pace)).toBe(true);
    expect(cardText(cardOf(connector.calls.slice(again).find((c) => c.method === 'POST')!.body))).toContain('En français');
  });

  it('answers a request that is no activity with a 400, and runs nothing', async () => {
    const before = (await h.store.auditEntries(100)).length;
    for (const body of ['{}', '{"type":"message"}', '[]']) {
      const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
    }
    expect((await h.store.auditEntries(100)).length).toBe(before);
  });

  it('serves /healthz with the last run and /metrics in Prometheus format', async () => {
    const health = (await (await fetch(`${running.url}/healthz`)).json()) as { ok: boolean; lastRun: { status: string } };
    expect(health.ok).toBe(true);
    expect(health.lastRun.status).toBe('applied');
    // This test's own call is counted, whatever the others did before it.
    const count = async () => Number(/cohortbot_moodle_calls_total\{platform="ecampus",function="local_cohortbot_get_cohort_syncs",outcome="ok"\} (\d+)/.exec(await (await fetch(`${running.url}/metrics`)).text())?.[1] ?? 0);
    const before = await count();
    await send('29:teacher', 'méthodes PHA-L2-101');
    expect(await count()).toBeGreaterThan(before);
  });
});

describe.each(SDKS)('Teams endpoint with an app id (%s)', (sdk) => {
  let h: SyncHarness;
  let running: Running;
  beforeAll(async () => {
    h = await startSyncHarness();
    const app = createApp(loadConfig({ ...h.env, TEAMS_SDK: sdk, MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'dummy', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000aa' }), { logger: silentLogger });
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
    const r = await serve(createApp(loadConfig({ ...h.env, TEAMS_SDK: sdk, NODE_ENV: 'production' }), { logger: silentLogger }), { port: 0, host: '127.0.0.1', scheduler: false });
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

describe.each(SDKS)('a held summary in the Teams channel (%s)', (sdk) => {
  let h: SyncHarness;
  let running: Running;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    connector = await mockConnector({ '29:admin': ADMIN });
    app = createApp(loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_SDK: sdk, TEAMS_LOCAL_MODE: 'true', SYNC_MAX_REMOVALS: '0', TEAMS_DIGEST_CONVERSATION_ID: '19:digest@thread.tacv2', TEAMS_SERVICE_URL: connector.url }), { logger: silentLogger });
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
    const posted = connector.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/v3/conversations/19:digest@thread.tacv2/activities')).pop()!;
    expect(JSON.stringify(posted.body)).toContain(`approuver ${run!.runId}`);
    // The admin rejects from a 1:1 chat; the channel's card is replaced.
    const activity = { type: 'message', id: 'rj1', channelId: 'msteams', serviceUrl: connector.url, text: `rejeter ${run!.runId}`, locale: 'fr-FR', from: { id: '29:admin', aadObjectId: 'aad-29:admin' }, recipient: { id: '28:bot' }, conversation: { id: 'a:29:admin', conversationType: 'personal', tenantId: 't1' } };
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    // Rejecting shows its summary and asks first (#26): the admin says yes.
    for (let i = 0; i < 300 && !connector.calls.some((c) => c.path.includes('a:29:admin')); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await h.store.getHeldPlan(run!.runId))!.status).toBe('held');
    await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...activity, id: 'rj2', text: 'oui' }) });
    let update: (typeof connector.calls)[number] | undefined;
    for (let i = 0; i < 300 && !update; i++) {
      update = connector.calls.find((c) => c.method === 'PUT' && c.path.startsWith('/v3/conversations/19:digest@thread.tacv2/activities/'));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(update).toBeDefined();
    expect(JSON.stringify(update!.body)).not.toContain('approuver');
    // The decision as status says it: by whom, when, how many stay — never the stored "appliquée".
    const said = JSON.stringify(update!.body).replace(/[\u00a0\u202f]/g, ' ');
    expect(said).toMatch(/Retraits retenus de r[-0-9a-f]+ rejetés par admin\.moodle@univ-demo\.fr le .* : 2 personnes restent dans leur cohorte\./);
    expect(said).not.toMatch(/appliquée/);
    // /healthz says the last run as `status --json` does: held, with its decision — not the stored "applied".
    expect((await h.store.getRun(run!.runId))!.status).toBe('applied');
    const health = (await (await fetch(`${running.url}/healthz`)).json()) as { lastRun: { runId: string; status: string; decision?: Record<string, unknown> } };
    expect(health.lastRun).toMatchObject({ runId: run!.runId, status: 'held', decision: { status: 'rejected', by: ADMIN, removals: 2, removed: 0 } });
    const [shown] = (await statusDocument(app)).lastRuns;
    expect(shown).toMatchObject({ runId: health.lastRun.runId, status: health.lastRun.status, decision: health.lastRun.decision });
  });

  it('an approval replaces the summary card with who approved, when and how many were removed — not the "already approved" of a second click', async () => {
    // The rejected removals are planned again by the next run, and held again.
    const run = await running.scheduler.tick();
    expect(run!.status).toBe('held');
    const puts = () => connector.calls.filter((c) => c.method === 'PUT' && c.path.startsWith('/v3/conversations/19:digest@thread.tacv2/activities/'));
    const before = puts().length;
    const say = async (text: string, id: string) => {
      const from = connector.calls.length;
      const activity = { type: 'message', id, channelId: 'msteams', serviceUrl: connector.url, text, locale: 'fr-FR', from: { id: '29:admin', aadObjectId: 'aad-29:admin' }, recipient: { id: '28:bot' }, conversation: { id: 'a:29:admin', conversationType: 'personal', tenantId: 't1' } };
      await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      const replies = connector.calls.slice(from).filter((c) => c.method === 'POST' && c.path.includes('a:29:admin') && c.body.type !== 'typing');
      return JSON.stringify(replies.map((r) => r.body)).replace(/[\u00a0\u202f]/g, ' ');
    };
    expect(await say(`approuver ${run!.runId}`, 'ap1')).toContain(`Approuver les retraits retenus de ${run!.runId}`);
    expect(await say('oui', 'ap2')).toContain(`Retraits de ${run!.runId} appliqués : 2 retirés`);
    for (let i = 0; i < 300 && puts().length === before; i++) await new Promise((r) => setTimeout(r, 10));
    const edits = puts().slice(before);
    expect(edits).toHaveLength(1);
    const said = JSON.stringify(edits[0]!.body).replace(/[\u00a0\u202f]/g, ' ');
    expect(said).toMatch(new RegExp(`Retraits retenus de ${run!.runId} approuvés par admin\\.moodle@univ-demo\\.fr le .+ : 2 retirés \\(synchronisation \\S+\\)`));
    expect(said).not.toMatch(/déjà|rien n’a changé|approuver/);
  });
});

describe.each(SDKS)('a held summary decided from its own card (%s)', (sdk) => {
  let h: SyncHarness;
  let running: Running;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    connector = await mockConnector({ '29:admin': ADMIN, '29:teacher': TEACHER });
    const app = createApp(loadConfig({ ...h.env, NODE_ENV: 'test', TEAMS_SDK: sdk, TEAMS_LOCAL_MODE: 'true', SYNC_MAX_REMOVALS: '0', TEAMS_DIGEST_CONVERSATION_ID: '19:digest@thread.tacv2', TEAMS_SERVICE_URL: connector.url }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await connector.stop();
    await h.stop();
  });

  const click = async (from: string, data: Record<string, unknown>, replyToId: string) => {
    const activity = { type: 'invoke', name: 'adaptiveCard/action', id: `c-${from}-${Math.floor(performance.now())}`, replyToId, channelId: 'msteams', serviceUrl: connector.url, locale: 'fr-FR', value: { action: { type: 'Action.Execute', verb: 'cohortbot', data } }, from: { id: from, aadObjectId: `aad-${from}` }, recipient: { id: '28:bot' }, conversation: { id: '19:digest@thread.tacv2', conversationType: 'channel', tenantId: 't1' } };
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    return JSON.stringify(((await res.json()) as { value: unknown }).value);
  };

  it('Reject on the card: a teacher is refused alone; the admin\'s click decides once and the card shows it to everyone', async () => {
    const site = h.sim.sim.site('ecampus');
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    for (const u of ['e21900044', 'e21900046']) site.addMember(cohort.id, site.users.first('username', u)!.id);
    const run = await running.scheduler.tick();
    expect(run!.status).toBe('held');
    const posted = connector.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations/19:digest@thread.tacv2/activities').pop()!;
    const actions = ((posted.body.attachments as Array<{ content: { actions: Array<{ type: string; title: string; data: Record<string, unknown> }> } }>)[0]!).content.actions;
    expect(actions.map((a) => [a.type, a.title])).toEqual([
      ['Action.Execute', 'Approuver les retraits'],
      ['Action.Execute', 'Rejeter'],
    ]);
    const reject = actions[1]!.data;

    const teacher = await click('29:teacher', reject, 'digest-msg');
    expect(teacher).not.toContain('Fait par');
    expect((await h.store.getHeldPlan(run!.runId))!.status).toBe('held');

    // The admin's click shows what would be dropped and asks first (#26); their "yes" decides.
    const ask = await click('29:admin', reject, 'digest-msg');
    expect(ask).toContain('Rejeter les retraits retenus de');
    expect((await h.store.getHeldPlan(run!.runId))!.status).toBe('held');
    const yes = (JSON.parse(ask) as { actions: Array<{ title: string; data: Record<string, unknown> }> }).actions.find((a) => a.title === 'Confirmer')!.data;
    const before = connector.calls.length;
    const admin = await click('29:admin', yes, 'digest-msg');
    expect(admin).toContain('Fait par admin.moodle@univ-demo.fr');
    expect(admin).not.toContain('Action.Execute');
    expect((await h.store.getHeldPlan(run!.runId))!.status).toBe('rejected');
    expect(connector.calls.slice(before).some((c) => c.method === 'PUT' && c.path === '/v3/conversations/19:digest@thread.tacv2/activities/digest-msg')).toBe(true);
    const audit = (await h.store.auditEntries(1000)).length;
    // Twice more, by the admin and by the teacher: the decision is shown, nothing decided again
    // (the Reject button now leads to a confirmation, so its card is not the one the "yes" closed).
    expect(await click('29:admin', reject, 'digest-msg')).toMatch(/déjà été rejetés par admin\.moodle@univ-demo\.fr/);
    expect(await click('29:teacher', reject, 'digest-msg')).not.toContain('Action.Execute');
    // Only the teacher's refusal is added to the audit (refusals are audited); nothing is decided again.
    const after = await h.store.auditEntries(1000);
    expect(after.slice(0, after.length - audit).map((e) => e.outcome)).toEqual(['refused']);
    expect((await h.store.getHeldPlan(run!.runId))!.status).toBe('rejected');
  });
});
