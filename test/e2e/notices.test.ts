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
import { SyncEngine } from '../../src/sync/engine';
import type { Site } from '../../src/simulator/model';
import { ADMIN, COLLEAGUE, TEACHER } from '../helpers/bot';
import { Call, SECRET, mockConnector, sign, slackStub } from '../helpers/chat-stubs';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

const SLACK_USERS: Record<string, string> = { U_TEACHER: TEACHER, U_COLLEAGUE: COLLEAGUE, U_ADMIN: ADMIN };
const TEAMS_USERS: Record<string, string> = { '29:teacher': TEACHER };

describe('private notices after scheduled runs', () => {
  let h: SyncHarness;
  let dir: MemoryDirectory;
  let site: Site;
  let running: Running;
  let app: App;
  let slack: Awaited<ReturnType<typeof slackStub>>;
  let connector: Awaited<ReturnType<typeof mockConnector>>;
  let n = 0;

  const env = () => ({ ...h.env, NODE_ENV: 'test', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${slack.url}/api`, TEAMS_LOCAL_MODE: 'true', TEAMS_SERVICE_URL: connector.url, NOTIFY_SLACK_PER_MINUTE: '1000', NOTIFY_TEAMS_PER_SECOND: '100', SYNC_MAX_REMOVALS: '5' });
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
  const teamsPosts = (from: number) => connector.calls.slice(from).filter((c) => c.method === 'POST' && c.path.includes('/activities') && c.body.type === 'message');
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
});
