/**
 * Slack end to end: correctly signed (and forged) requests to the real /slack/events endpoint, the
 * Web API pointed at a local stub (SLACK_API_URL), assertions on what reaches the stub and on Moodle.
 */
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { Running, serve } from '../../src/server';
import { ADMIN, COLLEAGUE, SUPPORT, TEACHER } from '../helpers/bot';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { Call, SECRET, sign, slackStub } from '../helpers/chat-stubs';
import { run } from '../helpers/cli';

const USERS: Record<string, string> = { U_TEACHER: TEACHER, U_COLLEAGUE: COLLEAGUE, U_SUPPORT: SUPPORT };

describe('Slack endpoint', () => {
  let h: SyncHarness;
  let running: Running;
  let stub: Awaited<ReturnType<typeof slackStub>>;
  let n = 0;

  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    stub = await slackStub(USERS);
    const app = createApp(loadConfig({ ...h.env, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub.url}/api`, SLACK_DIGEST_CHANNEL: 'C_DIGEST' }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await stub.stop();
    await h.stop();
  });

  const post = async (body: string, headers: Record<string, string>) => {
    const t0 = Date.now();
    const res = await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    return { status: res.status, text: await res.text(), ms: Date.now() - t0 };
  };
  const slash = (user: string, text: string) => {
    const id = ++n;
    const body = new URLSearchParams({ command: '/cohort', text, user_id: user, team_id: 'T1', channel_id: 'C1', trigger_id: `TR${id}`, response_url: `${stub.url}/resp/${id}` }).toString();
    return { id, body };
  };
  /** Waits until the stub got what the command answers with. */
  const responseTo = async (id: number, waitMs = 5000): Promise<Record<string, unknown>> => {
    for (let i = 0; i < waitMs / 10; i++) {
      // The answer, not the "on it" that may precede a slow one (#33).
      const c = stub.calls.find((x) => x.path === `/resp/${id}` && !JSON.stringify(x.body).includes('cohortbot:pending'));
      if (c) return c.body;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no response for command ${id}`);
  };

  it('acks /cohort help, then answers ephemerally with Block Kit', async () => {
    const { id, body } = slash('U_TEACHER', 'aide');
    const r = await post(body, sign(body));
    expect(r.status).toBe(200);
    const reply = await responseTo(id);
    expect(reply.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.blocks)).toContain('cohortbot — aide');
  });

  it('searches, and refuses a teacher on a colleague\'s course', async () => {
    const s = slash('U_TEACHER', 'chercher pharma');
    await post(s.body, sign(s.body));
    expect(JSON.stringify((await responseTo(s.id)).blocks)).toContain('etp:L2PHA1');
    const r = slash('U_COLLEAGUE', 'ajouter etp:L2PHA1 à PHA-L2-101');
    await post(r.body, sign(r.body));
    expect(JSON.stringify((await responseTo(r.id)).blocks)).toContain('Vous ne pouvez pas modifier les méthodes');
  });

  it('adds through the modal: views.open with the trigger id, submission, confirm button with the clicker\'s rights', async () => {
    const { body } = slash('U_TEACHER', 'ajouter');
    await post(body, sign(body));
    let open: Call | undefined;
    for (let i = 0; i < 200 && !open; i++) {
      open = stub.calls.find((c) => c.path === '/api/views.open' && c.body.trigger_id === `TR${n}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(open).toBeDefined();
    const view = JSON.parse(String(open!.body.view)) as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('cohortbot_form');
    const submission = {
      type: 'view_submission',
      user: { id: 'U_TEACHER' },
      team: { id: 'T1' },
      view: { id: 'V1', callback_id: 'cohortbot_form', private_metadata: view.private_metadata, state: { values: { course: { value: { type: 'plain_text_input', value: 'PHA-L3-201' } }, cohort: { value: { type: 'plain_text_input', value: 'etp:L3PHA1' } }, role: { value: { type: 'static_select', selected_option: { value: 'etudiant' } } }, group: { value: { type: 'static_select', selected_option: { value: 'aucun' } } } } } },
    };
    const sb = new URLSearchParams({ payload: JSON.stringify(submission) }).toString();
    expect((await post(sb, sign(sb))).status).toBe(200);
    let eph: Call | undefined;
    for (let i = 0; i < 300 && !eph; i++) {
      eph = stub.calls.find((c) => c.path === '/api/chat.postEphemeral' && String(c.body.blocks).includes('Ajouter une synchronisation'));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(eph!.body).toMatchObject({ channel: 'C1', user: 'U_TEACHER' });
    const buttons = (JSON.parse(String(eph!.body.blocks)) as Array<{ type: string; elements?: Array<{ value: string; action_id: string }> }>).find((b) => b.type === 'actions')!.elements!;
    const site = h.sim.sim.site('ecampus');
    const course = site.courses.first('shortname', 'PHA-L3-201')!;
    expect(site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort')).toHaveLength(0);
    // A colleague clicking the forwarded button acts with their own rights: nothing happens.
    const click = (user: string, id: number) => new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: user }, team: { id: 'T1' }, response_url: `${stub.url}/resp/${id}`, actions: [{ action_id: buttons[0]!.action_id, value: buttons[0]!.value, type: 'button' }] }) }).toString();
    const other = click('U_COLLEAGUE', 9001);
    await post(other, sign(other));
    expect(JSON.stringify(await responseTo(9001))).toMatch(/appartient à quelqu’un d’autre/);
    const mine = click('U_TEACHER', 9002);
    await post(mine, sign(mine));
    expect(JSON.stringify(await responseTo(9002))).toMatch(/14 étudiants y sont maintenant inscrits/);
    expect(site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort')).toHaveLength(1);
    // Slack retries the delivery (X-Slack-Retry-Num, signed anew): already done, nothing twice.
    const retry = click('U_TEACHER', 9003);
    await post(retry, { ...sign(retry, Math.floor(Date.now() / 1000) + 1), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(JSON.stringify(await responseTo(9003))).toMatch(/C’est déjà fait/);
    expect(site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort')).toHaveLength(1);
  });

  it("someone else's Cancel and Confirm are refused to them alone, ephemerally: the owner's message is not replaced, no chat.update, and the owner can still confirm", async () => {
    const site = h.sim.sim.site('ecampus');
    const student = site.users.all().find((u) => /^e2/.test(u.username) && !u.suspended && !u.deleted && u.email)!;
    USERS.U_STUDENT = student.email;
    const course = site.courses.first('shortname', 'PHA-L2-102')!;
    const syncs = () => site.enrol.find('course', course.id).filter((i) => i.enrol === 'cohort').length;
    const ask = slash('U_TEACHER', `ajouter tuteurs-l2-pharma à ${course.shortname} rôle étudiant groupe aucun`);
    await post(ask.body, sign(ask.body));
    const buttons = (JSON.parse(JSON.stringify((await responseTo(ask.id)).blocks)) as Array<{ type: string; elements?: Array<{ value: string; action_id: string; text: { text: string } }> }>).find((b) => b.type === 'actions')!.elements!;
    const [confirmButton, cancelButton] = buttons;
    expect(cancelButton!.text.text).toBe('Annuler');
    const before = syncs();
    const updates = () => stub.calls.filter((c) => c.path === '/api/chat.update').length;
    const updatesBefore = updates();
    const audited = (await h.store.auditEntries(1000)).length;
    let id = 9100;
    for (const [user, button] of [['U_STUDENT', cancelButton!], ['U_COLLEAGUE', cancelButton!], ['U_STUDENT', confirmButton!], ['U_COLLEAGUE', confirmButton!]] as const) {
      const click = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: user }, team: { id: 'T1' }, response_url: `${stub.url}/resp/${++id}`, actions: [{ action_id: button.action_id, value: button.value, type: 'button' }] }) }).toString();
      await post(click, sign(click));
      const r = await responseTo(id);
      expect(r).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(JSON.stringify(r)).toMatch(/appartient à quelqu’un d’autre/);
      expect(JSON.stringify(r)).not.toMatch(/Fait par|Annulé/);
    }
    expect(updates()).toBe(updatesBefore);
    expect(syncs()).toBe(before);
    // Each refusal audited as refusals are: who clicked, which button, the card, the reason code (newest first).
    const all = await h.store.auditEntries(1000);
    const card = confirmButton!.value.split(' ')[1];
    expect(all.slice(0, all.length - audited).map((e) => [e.actor, e.channel, e.command, e.target, e.outcome, e.detail])).toEqual(
      [
        [COLLEAGUE, 'confirm'],
        [student.email, 'confirm'],
        [COLLEAGUE, 'cancel'],
        [student.email, 'cancel'],
      ].map(([actor, command]) => [actor, 'slack', command, card, 'refused', 'notYours']),
    );
    const mine = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U_TEACHER' }, team: { id: 'T1' }, response_url: `${stub.url}/resp/${++id}`, actions: [{ action_id: confirmButton!.action_id, value: confirmButton!.value, type: 'button' }] }) }).toString();
    await post(mine, sign(mine));
    expect(JSON.stringify(await responseTo(id))).toMatch(/y sont maintenant inscrits/);
    expect(syncs()).toBe(before + 1);
  });

  it('answers why only ephemerally: nothing posted to a channel', async () => {
    const { id, body } = slash('U_SUPPORT', 'pourquoi e21900011 PHA-L2-102');
    await post(body, sign(body));
    const reply = await responseTo(id);
    expect(reply.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.blocks)).toContain('A accès au cours');
    expect(stub.calls.filter((c) => c.path === '/api/chat.postMessage')).toHaveLength(0);
  });

  it('rejects a forged signature, a stale timestamp and a replayed body, running nothing', async () => {
    const before = stub.calls.length;
    const { body } = slash('U_TEACHER', 'ajouter etp:L2PHA1 à PHA-L2-101');
    expect((await post(body, sign(body, undefined, 'wrong-secret'))).status).toBe(401);
    expect((await post(body, sign(body, Math.floor(Date.now() / 1000) - 600))).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    const ok = slash('U_TEACHER', 'aide');
    const headers = sign(ok.body);
    expect((await post(ok.body, headers)).status).toBe(200);
    await responseTo(ok.id);
    const after = stub.calls.length;
    expect((await post(ok.body, headers)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(stub.calls.length).toBe(after);
    expect(stub.calls.slice(before).filter((c) => c.path.startsWith('/resp/') && c.path !== `/resp/${ok.id}`)).toHaveLength(0);
  });

  it('posts the daily summary to SLACK_DIGEST_CHANNEL with approve/reject buttons only when removals are held', async () => {
    const before = stub.calls.length;
    const run = await running.scheduler.tick();
    const posted = stub.calls.slice(before).filter((c) => c.path === '/api/chat.postMessage');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body.channel).toBe('C_DIGEST');
    const blocks = String(posted[0]!.body.blocks);
    expect(blocks).toContain('État de la synchronisation');
    expect(blocks).not.toMatch(/e2\d{7}/);
    expect(blocks.includes('approuver')).toBe(run!.platforms.some((p) => p.removalsHeld > 0));
  });

  it('acks 50 concurrent slash commands before Moodle has answered any of their work (Slack wants the ack within 3 s)', async () => {
    h.sim.sim.knobs.latencyMs = 200;
    try {
      const cmds = Array.from({ length: 50 }, (_, i) => slash('U_TEACHER', i % 2 ? 'chercher pharma' : 'méthodes PHA-L2-102'));
      // The ack must not wait for the work: when each ack arrives, that command's answer has not been posted yet
      // (its Moodle calls take 200 ms each). An order of events, not a time limit: the machine may be slow.
      const answeredBeforeAck: number[] = [];
      const results = await Promise.all(
        cmds.map(async (c) => {
          const r = await post(c.body, sign(c.body));
          if (stub.calls.some((call) => call.path === `/resp/${c.id}`)) answeredBeforeAck.push(c.id);
          return r;
        }),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(answeredBeforeAck).toEqual([]);
      const ms = results.map((r) => r.ms).sort((a, b) => a - b);
      process.stderr.write(`slack ack latency with 50 concurrent commands: p50 ${ms[24]} ms, p99 ${ms[49]} ms\n`);
      for (const c of cmds) expect((await responseTo(c.id, 50_000)).response_type).toBe('ephemeral');
    } finally {
      h.sim.sim.knobs.latencyMs = 0;
    }
  }, 90_000);
});

describe('a held summary in the channel', () => {
  let h: SyncHarness;
  let running: Running;
  let stub: Awaited<ReturnType<typeof slackStub>>;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    h = await startSyncHarness();
    await h.engine.run();
    stub = await slackStub({ U_ADMIN: ADMIN });
    app = createApp(loadConfig({ ...h.env, SYNC_MAX_REMOVALS: '0', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub.url}/api`, SLACK_DIGEST_CHANNEL: 'C_DIGEST' }), { logger: silentLogger });
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  });
  afterAll(async () => {
    await running.stop();
    await stub.stop();
    await h.stop();
  });

  it('loses its approve/reject buttons once the removals are decided: the message is replaced by the resolved summary', async () => {
    // Two people in L2PHA1's cohort whom the directory does not put there: removals, held at SYNC_MAX_REMOVALS=0.
    const site = h.sim.sim.site('ecampus');
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    for (const u of ['e21900044', 'e21900046']) site.addMember(cohort.id, site.users.first('username', u)!.id);
    const run = await running.scheduler.tick();
    expect(run!.status).toBe('held');
    const posted = stub.calls.filter((c) => c.path === '/api/chat.postMessage').pop()!;
    expect(String(posted.body.blocks)).toContain(`approuver ${run!.runId}`);
    const body = new URLSearchParams({ command: '/cohort', text: `rejeter ${run!.runId}`, user_id: 'U_ADMIN', team_id: 'T1', channel_id: 'C1', trigger_id: 'TRH', response_url: `${stub.url}/resp/held` }).toString();
    await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
    // Rejecting shows its summary and asks first (#26): once it is shown, the admin says yes.
    for (let i = 0; i < 300 && !stub.calls.some((c) => c.path === '/resp/held'); i++) await new Promise((r) => setTimeout(r, 10));
    expect((await h.store.getHeldPlan(run!.runId))!.status).toBe('held');
    const yes = new URLSearchParams({ command: '/cohort', text: 'oui', user_id: 'U_ADMIN', team_id: 'T1', channel_id: 'C1', trigger_id: 'TRH2', response_url: `${stub.url}/resp/held2` }).toString();
    await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(yes) }, body: yes });
    let update: Call | undefined;
    for (let i = 0; i < 300 && !update; i++) {
      update = stub.calls.find((c) => c.path === '/api/chat.update');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(update).toBeDefined();
    expect(update!.body.channel).toBe('C1');
    expect(String(update!.body.blocks)).not.toContain('approuver');
    const said = String(update!.body.blocks).replace(/[\u00a0\u202f]/g, ' ');
    expect(said).toMatch(new RegExp(`Retraits retenus de ${run!.runId} rejetés par admin\\.moodle@univ-demo\\.fr le .* : 2 personnes restent dans leur cohorte`));
    expect(said).not.toMatch(/appliquée/);
  });

  it('a held run superseded by the next one, and that one approved: the summaries, status --json and status say the same true thing', async () => {
    // The two extra members are still there (the rejection dropped the removals): each run holds them again.
    const s0 = stub.calls.length;
    const a = (await running.scheduler.tick())!;
    const b = (await running.scheduler.tick())!;
    expect([a.status, b.status]).toEqual(['held', 'held']);
    expect(await h.store.getHeldPlan(a.runId)).toMatchObject({ status: 'superseded', decidedBy: b.runId });
    const updates = () => stub.calls.slice(s0).filter((c) => c.path === '/api/chat.update').map((c) => String(c.body.blocks).replace(/[\u00a0\u202f]/g, ' '));
    // A's summary: superseded by B, none of its removals applied — not "✅ appliquée".
    const ofA = updates().find((u) => u.includes(`retenus de ${a.runId}`))!;
    expect(ofA).toMatch(new RegExp(`Les retraits retenus de ${a.runId} ont été remplacés par ceux de la synchronisation ${b.runId} : aucun n’a été appliqué`));
    expect(ofA).not.toMatch(/appliquée|approuver/);
    expect(ofA).not.toContain('✅');
    // Why they were held mattered while they waited; once decided, the decision is what is true now.
    expect(ofA).not.toMatch(/pour approbation/);
    // B approved by an admin: its summary says by whom, how many removed, by which run.
    const approval = await app.engine.approve(b.runId, ADMIN);
    expect(approval.platforms.reduce((k, p) => k + p.membersRemoved, 0)).toBe(2);
    await running.refreshResolvedDigests();
    const ofB = updates().find((u) => u.includes(`retenus de ${b.runId}`))!;
    expect(updates().filter((u) => u.includes(`retenus de ${b.runId}`))).toHaveLength(1);
    expect(ofB).toMatch(new RegExp(`Retraits retenus de ${b.runId} approuvés par admin\\.moodle@univ-demo\\.fr le .* : 2 retirés \\(synchronisation ${approval.runId}\\)`));
    expect(ofB).not.toMatch(/approuver /);

    // status --json: both runs stay "held" (how they ended), each with its decision; the text agrees.
    const json = await run(['status', '--json'], h.env);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { lastRuns: Array<{ runId: string; status: string; decision?: Record<string, unknown> }> };
    const runOf = (id: string) => doc.lastRuns.find((r) => r.runId === id)!;
    expect(runOf(a.runId)).toMatchObject({ status: 'held', decision: { status: 'superseded', by: b.runId, supersededBy: b.runId, removals: 2, removed: 0 } });
    expect(runOf(b.runId)).toMatchObject({ status: 'held', decision: { status: 'approved', by: ADMIN, at: expect.any(String), removals: 2, removed: 2, approvalRunId: approval.runId } });
    expect(runOf(approval.runId)).toMatchObject({ status: 'applied', scope: `approve:${b.runId}` });
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [lang, superseded, approved] of [
      ['en', `The held removals of ${a.runId} were superseded by those of sync ${b.runId}: none of them was applied.`, [`Held removals of ${b.runId} approved by ${ADMIN} on `, `: 2 people removed (sync ${approval.runId}).`]],
      ['fr', `Les retraits retenus de ${a.runId} ont été remplacés par ceux de la synchronisation ${b.runId} : aucun n’a été appliqué.`, [`Retraits retenus de ${b.runId} approuvés par ${ADMIN} le `, ` : 2 retirés (synchronisation ${approval.runId}).`]],
    ] as const) {
      const out = (await run(['status', '--lang', lang], h.env)).stdout.replace(/[\u00a0\u202f]/g, ' ');
      expect(out).toContain(superseded);
      expect(out).toMatch(new RegExp(`${esc(approved[0])}.*${esc(approved[1])}`));
      // No line offers to approve what was decided.
      expect(out).not.toMatch(new RegExp(`(approve|approuver) (${a.runId}|${b.runId})`));
    }
  });

  it('an approval edits the summary with who approved, when and how many were removed — not the "already approved" of a second click', async () => {
    // Two members the directory does not put in L2PHA1 again (the approval above removed them): held again.
    const site = h.sim.sim.site('ecampus');
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    for (const u of ['e21900044', 'e21900046']) site.addMember(cohort.id, site.users.first('username', u)!.id);
    const run = await running.scheduler.tick();
    expect(run!.status).toBe('held');
    const updates = () => stub.calls.filter((c) => c.path === '/api/chat.update');
    const before = updates().length;
    const say = async (text: string, id: string) => {
      const body = new URLSearchParams({ command: '/cohort', text, user_id: 'U_ADMIN', team_id: 'T1', channel_id: 'C1', trigger_id: `TR${id}`, response_url: `${stub.url}/resp/${id}` }).toString();
      await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
      let reply: Call | undefined;
      for (let i = 0; i < 500 && !reply; i++) {
        reply = stub.calls.find((c) => c.path === `/resp/${id}` && !JSON.stringify(c.body).includes('cohortbot:pending'));
        await new Promise((r) => setTimeout(r, 10));
      }
      return JSON.stringify(reply!.body).replace(/[\u00a0\u202f]/g, ' ');
    };
    expect(await say(`approuver ${run!.runId}`, 'ap1')).toContain(`Approuver les retraits retenus de ${run!.runId}`);
    expect(await say('oui', 'ap2')).toContain(`Retraits de ${run!.runId} appliqués : 2 retirés`);
    for (let i = 0; i < 300 && updates().length === before; i++) await new Promise((r) => setTimeout(r, 10));
    const edits = updates().slice(before);
    expect(edits).toHaveLength(1);
    const said = String(edits[0]!.body.blocks).replace(/[\u00a0\u202f]/g, ' ');
    expect(said).toMatch(new RegExp(`Retraits retenus de ${run!.runId} approuvés par admin\\.moodle@univ-demo\\.fr le .+ : 2 retirés \\(synchronisation \\S+\\)`));
    expect(said).not.toMatch(/déjà|rien n’a changé/);
    expect(String(edits[0]!.body.blocks)).not.toContain('approuver');
    // A second "oui" is told it was already done; the summary is not edited again.
    expect(await say('oui', 'ap3')).toMatch(/déjà|Rien à confirmer|Aucune/);
    expect(updates().length).toBe(before + 1);
  });
});
