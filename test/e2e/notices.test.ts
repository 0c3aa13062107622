/**
 * Private notices (#32) end to end: `serve` with the local Slack stub and Bot Connector, scheduled runs
 * (the scheduler's own tick), and what reaches the stubs checked against Moodle's state — teachers'
 * per-run notices (one per person, counts by reason, no names, opt-out, nothing when nothing changed),
 * a 429 with Retry-After, a restart mid-queue, and an admin's held-removal message whose buttons work once.
 */
import type { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createPlatformApis } from '../../src/moodle/platforms';
import { Running, serve } from '../../src/server';
import { statusDocument } from '../../src/cli/sync';
import { SyncEngine } from '../../src/sync/engine';
import type { Site } from '../../src/simulator/model';
import { ADMIN, COLLEAGUE, TEACHER } from '../helpers/bot';
import { Call, SECRET, mockConnector, sign, slackStub } from '../helpers/chat-stubs';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

const SLACK_USERS: Record<string, string> = { U_TEACHER: TEACHER, U_COLLEAGUE: COLLEAGUE, U_ADMIN: ADMIN };
const TEAMS_USERS: Record<string, string> = { '29:teacher': TEACHER, '29:admin': ADMIN };
const DIGEST = '19:digest@thread.tacv2';

describe('private notices after scheduled runs', () => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  let site: Site;
  let running: Running;
  let app: App;
  let slack: Awaited<ReturnType<typeof slackStub>>;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let n = 0;

  const env = () => ({ ...h.env, NODE_ENV: 'test', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${slack.url}/api`, TEAMS_LOCAL_MODE: 'true', TEAMS_SERVICE_URL: connector.url, TEAMS_DIGEST_CONVERSATION_ID: DIGEST, NOTIFY_SLACK_PER_MINUTE: '1000', NOTIFY_TEAMS_PER_SECOND: '100', SYNC_MAX_REMOVALS: '5' });
  const start = async () => {
    const config = loadConfig(env());
    const apis = createPlatformApis(config);
    app = { config, logger: process.env.DEBUG_NOTICES ? (require('../../src/log') as typeof import('../../src/log')).createLogger('debug') : silentLogger, store: h.store, directory: dir, apis, engine: new SyncEngine({ config, directory: dir, apis, store: h.store }), close: async () => undefined };
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });
  };

  beforeAll(async () => {
    dir = new MemoryDirectory();
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir });
    site = h.sim.sim.site('ecampus');
    await h.engine.run();
    slack = await slackStub(SLACK_USERS);
    connector = await mockConnector(TEAMS_USERS);
    await start();
  });
  afterAll(async () => {
    await running.stop();
    await slack.stop();
    await connector.stop();
    await h.stop();
  });

  const cohortMembers = (idnumber: string) => new Set(site.members.find('cohort', site.cohorts.first('idnumber', idnumber)!.id).map((m) => m.userid));
  const account = (uid: string) => site.users.first('username', uid);
  const studentsOf = (etape: string, withAccount: boolean) => dir.students.filter((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === etape) && !!account(s.key) === withAccount && !account(s.key)?.suspended);
  /** DMs posted since `from`, by Slack channel. */
  const dms = (from: number): Call[] => slack.calls.slice(from).filter((c) => c.path === '/api/chat.postMessage' && String(c.body.channel).startsWith('D'));
  /** Private Teams messages posted since `from` (not the channel's daily summary). */
  const teamsPosts = (from: number) => connector.calls.slice(from).filter((c) => c.method === 'POST' && c.path.includes('/activities') && !c.path.includes(DIGEST) && c.body.type === 'message');
  /** The daily summaries posted to the Teams channel since `from`, as text. */
  const digests = (from: number) => connector.calls.slice(from).filter((c) => c.method === 'POST' && c.path.includes(`/v3/conversations/${DIGEST}/activities`)).map((c) => JSON.stringify(c.body).replace(/[\u00a0\u202f]/g, ' '));
  /** A message from someone in their Teams 1:1 chat, in their locale (their conversation and locale are kept). */
  const teamsSays = async (from: string, text: string, locale: string) => {
    const activity = { type: 'message', id: `m${++n}`, channelId: 'msteams', serviceUrl: connector.url, text, locale, from: { id: from, aadObjectId: `aad-${from}` }, recipient: { id: '28:bot' }, conversation: { id: `a:${from}`, conversationType: 'personal', tenantId: 't1' } };
    expect((await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status).toBeLessThan(300);
  };
  const waitFor = async <T>(what: () => Promise<T | undefined>, label: string): Promise<T> => {
    for (let i = 0; i < 1500; i++) {
      const v = await what();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${label}`);
  };
  const textOf = (c: { body: Record<string, unknown> }) => JSON.stringify(c.body).replace(/[\u00a0\u202f]/g, ' ');
  const tick = async () => {
    const run = await running.scheduler.tick();
    await running.notifier.last;
    return run!;
  };
  const slash = async (user: string, text: string) => {
    const id = ++n;
    const body = new URLSearchParams({ command: '/cohort', text, user_id: user, team_id: 'T1', channel_id: 'C1', trigger_id: `TR${id}`, response_url: `${slack.url}/resp/${id}` }).toString();
    await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
    for (let i = 0; i < 500; i++) {
      const c = slack.calls.find((x) => x.path === `/resp/${id}` && !JSON.stringify(x.body).includes('cohortbot:pending'));
      if (c) return JSON.stringify(c.body);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no answer to ${text}`);
  };
  const countIn = (textOf: string, course: string) => {
    const m = new RegExp(`${course}\\) — (\\d+) arrivées?, (\\d+) départs?`).exec(textOf);
    return m ? { arrived: Number(m[1]), left: Number(m[2]) } : undefined;
  };

  it('three courses of two teachers changed: exactly two private messages, counts as Moodle shows them, no names', async () => {
    // The teacher talked to the bot in Teams once: her notices go there; her colleague's go to Slack.
    const hello = { type: 'message', id: 'm1', channelId: 'msteams', serviceUrl: connector.url, text: 'aide', locale: 'fr-FR', from: { id: '29:teacher', aadObjectId: 'aad-29:teacher' }, recipient: { id: '28:bot' }, conversation: { id: 'a:29:teacher', conversationType: 'personal', tenantId: 't1' } };
    expect((await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(hello) })).status).toBeLessThan(300);
    // A third course of hers starts syncing L3PHA1.
    const l3 = site.courses.first('shortname', 'PHA-L3-201')!;
    site.addInstance(l3.id, site.cohorts.first('idnumber', 'etp:L3PHA1')!.id, site.roles.first('shortname', 'student')!.id, 0, 0, '');
    // The night's changes: one student moves from L2PHA1 to L3PHA1, one leaves L1DRT1, one waiting for an account gets it.
    const mover = studentsOf('L2PHA1', true)[0]!;
    mover.inscriptions = mover.inscriptions.map((i) => (i.year === 2026 && i.etape === 'L2PHA1' ? { ...i, etape: 'L3PHA1' } : i));
    const leaver = studentsOf('L1DRT1', true)[0]!;
    leaver.inscriptions = leaver.inscriptions.filter((i) => !(i.year === 2026 && i.etape === 'L1DRT1'));
    const waiting = studentsOf('L2PHA1', false)[0]!;
    site.users.insert({ username: waiting.key, firstname: 'Nouveau', lastname: 'Compte', email: `${waiting.key}@etu.univ-demo.fr`, idnumber: '', auth: 'cas', suspended: false, deleted: false, confirmed: true, firstaccess: 0, lastaccess: 0, lang: 'fr', department: '' });
    const before = { l2: cohortMembers('etp:L2PHA1'), l3: cohortMembers('etp:L3PHA1'), drt: cohortMembers('etp:L1DRT1') };
    const s0 = slack.calls.length;
    const t0 = connector.calls.length;
    await tick();
    const after = { l2: cohortMembers('etp:L2PHA1'), l3: cohortMembers('etp:L3PHA1'), drt: cohortMembers('etp:L1DRT1') };
    const moodle = (b: Set<number>, a: Set<number>) => ({ arrived: [...a].filter((x) => !b.has(x)).length, left: [...b].filter((x) => !a.has(x)).length });

    const slackDms = dms(s0);
    const teams = teamsPosts(t0);
    expect(slackDms).toHaveLength(1);
    expect(teams).toHaveLength(1);
    // The colleague, on Slack: his DM was opened for his own Slack id.
    expect(slackDms[0]!.body.channel).toBe('DU_COLLEAGUE');
    const colleagueText = JSON.stringify(slackDms[0]!.body);
    expect(countIn(colleagueText, 'DRT-L1-101')).toEqual(moodle(before.drt, after.drt));
    expect(colleagueText).toMatch(/a quitté l’étape : 1/);
    expect(colleagueText).not.toMatch(/PHA-/);
    // The teacher, on Teams: both her changed courses in one message.
    const teacherText = JSON.stringify(teams[0]!.body);
    expect(countIn(teacherText, 'PHA-L2-102')).toEqual(moodle(before.l2, after.l2));
    expect(countIn(teacherText, 'PHA-L3-201')).toEqual(moodle(before.l3, after.l3));
    expect(countIn(teacherText, 'PHA-L3-201')!.arrived).toBeGreaterThan(0);
    expect(teacherText).toMatch(/compte Moodle créé : 1/);
    expect(teacherText).toMatch(/changements ecampus:PHA-L2-102/);
    // No names and no identifiers of students in a notice.
    for (const s of [mover, leaver, waiting]) for (const t of [teacherText, colleagueText]) expect(t.toLowerCase()).not.toContain(s.key.toLowerCase());
    // The command it names lists them, privately, for a teacher of the course.
    expect(await slash('U_TEACHER', 'changements PHA-L2-102')).toContain(waiting.key);
    expect(await slash('U_COLLEAGUE', 'changements PHA-L2-102')).not.toContain(waiting.key);
    const counts = await h.store.notices.counts();
    expect(counts.sent).toBe(2);
    expect(await slash('U_ADMIN', 'état')).toBeDefined();
  });

  it('nothing changed: no message; a teacher who opted out gets none', async () => {
    const s0 = slack.calls.length;
    const t0 = connector.calls.length;
    await tick();
    expect(dms(s0)).toHaveLength(0);
    expect(teamsPosts(t0)).toHaveLength(0);
    expect(await slash('U_COLLEAGUE', 'notifications non')).toMatch(/plus d’avis privé/);
    // Changes in both teachers' courses again.
    studentsOf('L1DRT1', true)[0]!.inscriptions = [];
    const l2 = studentsOf('L2PHA1', true)[0]!;
    l2.inscriptions = [];
    const s1 = slack.calls.length;
    const t1 = connector.calls.length;
    await tick();
    expect(dms(s1)).toHaveLength(0);
    expect(teamsPosts(t1)).toHaveLength(1);
    expect(await slash('U_COLLEAGUE', 'notifications oui')).toMatch(/vous recevrez/);
  });

  it('students who are no longer students (deleted, no longer affiliated) are told apart from one who changed étape: notice, journal, changements', async () => {
    // Two L2PHA1 students deleted from the directory, one no longer a student (the read leaves them out alike), one moves to L3PHA1.
    const [gone1, gone2, employee, mover] = studentsOf('L2PHA1', true);
    dir.students = dir.students.filter((s) => s !== gone1 && s !== gone2 && s !== employee);
    mover!.inscriptions = mover!.inscriptions.map((i) => (i.year === 2026 && i.etape === 'L2PHA1' ? { ...i, etape: 'L3PHA1' } : i));
    const t0 = connector.calls.length;
    const run = await tick();
    expect(run.status).toBe('applied');
    const teams = teamsPosts(t0);
    expect(teams).toHaveLength(1);
    const said = textOf(teams[0]!);
    expect(countIn(said, 'PHA-L2-102')).toEqual({ arrived: 0, left: 4 });
    expect(said).toMatch(/n’est plus étudiant dans l’annuaire : 3/);
    expect(said).toMatch(/a quitté l’étape : 1/);
    // The journal (historique) keeps the code: not a student, apart from the one who moved.
    for (const s of [gone1!, gone2!, employee!]) expect((await h.store.studentHistory(s.key))[0]).toMatchObject({ runId: run.runId, action: 'remove', cohortIdnumber: 'etp:L2PHA1', reason: { code: 'notStudent' } });
    expect((await h.store.studentHistory(mover!.key)).find((e) => e.runId === run.runId && e.action === 'remove')).toMatchObject({ reason: { code: 'noInscription', etape: 'L2PHA1', year: 2026 } });
    // changements says why, per student.
    const listed = (await slash('U_TEACHER', 'changements PHA-L2-102')).replace(/[\u00a0\u202f]/g, ' ');
    for (const s of [gone1!, gone2!, employee!]) expect(listed).toMatch(new RegExp(`${s.key} +etp:L2PHA1 +départ +n’est plus étudiant`));
    expect(listed).toMatch(new RegExp(`${mover!.key} +etp:L2PHA1 +départ +a quitté l’étape`));
  });

  it('a 429 is honoured with its Retry-After, and the notice is sent once', async () => {
    slack.rateLimit('chat.postMessage', 1, 1);
    studentsOf('L1DRT1', true)[0]!.inscriptions = [];
    const s0 = slack.calls.length;
    const run = await tick();
    // The first attempt was refused; the row waits in the store for its Retry-After, then goes out once.
    for (let i = 0; i < 400 && (await h.store.notices.counts(run.runId)).sent === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const rows = await h.store.notices.ofRun(run.runId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', attempts: 2, recipient: COLLEAGUE });
    const posts = slack.calls.slice(s0).filter((c) => c.path === '/api/chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(dms(s0).length).toBe(2); // the 429'd call and the one Slack took
  });

  it('Teams: the Bot Connector answers 429 with Retry-After; the notice waits in the store until then and goes out once, in the language the teacher writes in', async () => {
    // The teacher now writes to the bot in English: her notices follow.
    await teamsSays('29:teacher', 'help', 'en-GB');
    connector.rateLimit(1, 2, 'a:29:teacher');
    studentsOf('L2PHA1', true)[0]!.inscriptions = [];
    const t0 = connector.calls.length;
    const run = await tick();
    // The refused attempt: the row is queued again with its "not before" = the 429 + Retry-After.
    const waiting = await waitFor(async () => (await h.store.notices.ofRun(run.runId)).find((r) => r.recipient === TEACHER && r.status === 'queued' && r.detail === 'rateLimited'), 'the 429');
    expect(waiting.attempts).toBe(1);
    const refused = teamsPosts(t0).filter((c) => c.limited);
    expect(refused).toHaveLength(1);
    expect(Date.parse(waiting.nextAt)).toBeGreaterThanOrEqual(refused[0]!.at + 2000);
    const sent = await waitFor(async () => (await h.store.notices.ofRun(run.runId)).find((r) => r.recipient === TEACHER && r.status === 'sent'), 'the notice to be sent');
    expect(sent).toMatchObject({ attempts: 2, channel: 'teams' });
    // Exactly two posts to her conversation: the refused one, then the one taken — not before the time the store kept.
    const posts = teamsPosts(t0);
    expect(posts.map((c) => c.limited ?? false)).toEqual([true, false]);
    expect(posts[1]!.at).toBeGreaterThanOrEqual(Date.parse(waiting.nextAt));
    expect(Date.parse(sent.nextAt)).toBeGreaterThanOrEqual(Date.parse(waiting.nextAt));
    const said = textOf(posts[1]!);
    expect(said).toContain('Your courses after the sync');
    expect(said).toMatch(/PHA-L2-102\) — 0 arrivals, 1 departure/);
    expect(said).toContain('changes ecampus:PHA-L2-102');
    expect(said).not.toMatch(/arrivée|Vos cours/);
    // Nothing else reached her (no error message from the SDK's turn handler), and nothing is sent again.
    await running.notifier.sender.kick();
    expect(teamsPosts(t0)).toHaveLength(2);
    await teamsSays('29:teacher', 'aide', 'fr-FR');
  });

  it('a restart mid-queue delivers the rest once; a row a dead process left mid-send is not sent again', async () => {
    const q = h.store.notices;
    const body = (course: string) => JSON.stringify({ kind: 'teacher', runId: 'r-restart', startedAt: new Date().toISOString(), courses: [{ platform: 'ecampus', courseId: 1, shortname: course, fullname: course, arrived: 1, left: 0, held: 0, reasons: { newInscription: 1 } }] });
    await running.stop();
    await q.enqueue([COLLEAGUE, ADMIN, 'nobody@univ-demo.fr'].map((r, i) => ({ runId: 'r-restart', recipient: r, kind: 'teacher' as const, body: body(`C-${i}`) })), new Date());
    // A process died while sending the admin's: claimed, never settled, its claim long past.
    const adminRow = (await q.ofRun('r-restart')).find((r) => r.recipient === ADMIN)!;
    expect(await q.claim(adminRow.id, new Date(Date.now() - 3_600_000), 1000)).toBe(true);
    const s0 = slack.calls.length;
    await start();
    await running.notifier.sender.kick();
    const rows = await q.ofRun('r-restart');
    expect(Object.fromEntries(rows.map((r) => [r.recipient, [r.status, r.detail ?? null]]))).toEqual({ [COLLEAGUE]: ['sent', null], [ADMIN]: ['failed', 'interrupted'], 'nobody@univ-demo.fr': ['skipped', 'unreachable'] });
    expect(dms(s0)).toHaveLength(1);
    // Draining again sends nothing twice.
    await running.notifier.sender.kick();
    expect(dms(s0)).toHaveLength(1);
  });

  it('forget erases the notices to a person, their preference and their kept Slack DM', async () => {
    await h.store.notices.setPreference(COLLEAGUE, 'off', new Date());
    expect(await h.store.getState(`slack:person:${COLLEAGUE}`)).toBeDefined();
    const erased = await h.store.forget([COLLEAGUE]);
    expect(erased.state).toBeGreaterThan(0);
    expect((await h.store.notices.ofRun('r-restart')).map((r) => r.recipient)).not.toContain(COLLEAGUE);
    expect(await h.store.notices.preference(COLLEAGUE)).toBeUndefined();
    expect(await h.store.getState(`slack:person:${COLLEAGUE}`)).toBeUndefined();
  });

  it("held removals: each admin gets a private message whose buttons approve once, for admins only", async () => {
    // Most of L2PHA1 leaves at once: above SYNC_MAX_REMOVAL_PERCENT, the removals are held.
    for (const s of studentsOf('L2PHA1', true)) s.inscriptions = [];
    const s0 = slack.calls.length;
    const run = await tick();
    expect(run.status).toBe('held');
    const mine = dms(s0).filter((c) => c.body.channel === 'DU_ADMIN');
    expect(mine).toHaveLength(1);
    const blocks = JSON.parse(String(mine[0]!.body.blocks)) as Array<{ type: string; elements?: Array<{ value: string; action_id: string }> }>;
    const approve = blocks.find((b) => b.type === 'actions')!.elements!.find((e) => e.value === `approuver ${run.runId}`)!;
    const click = async (user: string) => {
      const id = ++n;
      const payload = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: user }, team: { id: 'T1' }, response_url: `${slack.url}/resp/${id}`, actions: [{ action_id: approve.action_id, value: approve.value, type: 'button' }] }) }).toString();
      await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(payload) }, body: payload });
      for (let i = 0; i < 500; i++) {
        const c = slack.calls.find((x) => x.path === `/resp/${id}`);
        if (c) return c.body;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no answer');
    };
    // A teacher clicking a forwarded button is refused like any missing right.
    expect(JSON.stringify(await click('U_TEACHER'))).toMatch(/administrat/i);
    const confirm = (await click('U_ADMIN')).blocks as Array<{ type: string; elements?: Array<{ value: string; action_id: string }> }>;
    const yes = confirm.find((b) => b.type === 'actions')!.elements!.find((e) => e.value.startsWith('oui '))!;
    const id = ++n;
    const payload = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U_ADMIN' }, team: { id: 'T1' }, response_url: `${slack.url}/resp/${id}`, actions: [{ action_id: yes.action_id, value: yes.value, type: 'button' }] }) }).toString();
    await fetch(`${running.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(payload) }, body: payload });
    for (let i = 0; i < 1000 && (await h.store.getHeldPlan(run.runId))?.status === 'held'; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await h.store.getHeldPlan(run.runId))?.status).toBe('approved');
    // The button again: already decided, nothing happens twice.
    expect(JSON.stringify(await click('U_ADMIN'))).toMatch(/approuv/i);
  });

  it('a plan still held at the next run is reminded to the admin (in her language); teachers the bot cannot reach are counted in her summary and in status', async () => {
    // The admin now talks to the bot in Teams, in English: her held-removal messages go there, in English.
    await teamsSays('29:admin', 'help', 'en-GB');
    // The colleague cannot be reached: never wrote in Teams, and Slack knows no account for his e-mail.
    delete SLACK_USERS.U_COLLEAGUE;
    await h.store.setState(`slack:person:${COLLEAGUE}`, '');
    // Most of L1DRT1 leaves: removals held, and the colleague (its teacher) is to be told.
    for (const s of studentsOf('L1DRT1', true)) s.inscriptions = [];
    const t0 = connector.calls.length;
    const first = await tick();
    expect(first.status).toBe('held');
    expect((await h.store.notices.ofRun(first.runId)).find((r) => r.recipient === COLLEAGUE)).toMatchObject({ status: 'skipped', detail: 'unreachable' });
    const held = teamsPosts(t0).filter((c) => c.path.includes('a:29:admin'));
    expect(held).toHaveLength(1);
    expect(textOf(held[0]!)).toContain('Removals held: your decision');
    expect(textOf(held[0]!)).toContain(`approve ${first.runId}`);
    // status, in the chat and as JSON: the latest run's notices with the unreachable counted.
    expect((await slash('U_ADMIN', 'état')).replace(/[\u00a0\u202f]/g, ' ')).toMatch(new RegExp(`Avis privés de ${first.runId} : \\d+ envoyés?, 1 non joignable`));
    expect((await statusDocument(app as never)).notices).toMatchObject({ runId: first.runId, skipped: 1 });

    // The next run, nothing decided: the removals are still held — a reminder, not a first notice; with the count of the unreachable.
    const t1 = connector.calls.length;
    const second = await tick();
    expect(second.status).toBe('held');
    const rows = (await h.store.notices.ofRun(second.runId)).filter((r) => r.recipient === ADMIN);
    expect(rows.map((r) => r.kind)).toEqual(['heldReminder']);
    // The teachers were told of these held removals at the first run: not again for the same removals.
    expect((await h.store.notices.ofRun(second.runId)).filter((r) => r.kind === 'teacher')).toEqual([]);
    const reminder = teamsPosts(t1).filter((c) => c.path.includes('a:29:admin'));
    expect(reminder).toHaveLength(1);
    const said = textOf(reminder[0]!);
    expect(said).toContain('Reminder: removals are still waiting for your decision');
    expect(said).toContain(`approve ${second.runId}`);
    expect(said).toMatch(/1 teacher could not be told/);
    expect(said).not.toMatch(/Retraits|Rappel/);
    // The admins' daily summary counts the previous run's unreachable teacher.
    const summary = digests(t1);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(new RegExp(`Avis privés de ${first.runId} : \\d+ envoyés?, 1 non joignable`));
    // The second run told no teacher (the same held removals): its own notices are the admin's reminder only.
    expect((await statusDocument(app as never)).notices).toMatchObject({ runId: second.runId, sent: 1, skipped: 0 });
  });
});
