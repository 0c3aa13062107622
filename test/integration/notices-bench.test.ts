/**
 * A night with 2,000 teachers to notify (#32), measured: 2,000 courses, each with its own editing
 * teacher, all syncing the étape cohort that changes. What the run waits for (nothing: the notices are
 * queued after it is recorded), how long queueing takes (Moodle reads + store), and how long the queue
 * takes at Slack's pace (NOTIFY_SLACK_PER_MINUTE, default 50) — the pace's waits are on a virtual clock,
 * the sends are real HTTP calls to the local Slack stub. Asserts correctness only (everyone told once);
 * the times are printed for the reader.
 */
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createPlatformApis } from '../../src/moodle/platforms';
import { Notifier } from '../../src/notify';
import { enqueueRunNotices } from '../../src/notify/enqueue';
import { SyncEngine } from '../../src/sync/engine';
import { botFor, converse } from '../helpers/bot';
import { SECRET, slackStub } from '../helpers/chat-stubs';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

/** 200 in the suite; `NOTICES_BENCH_TEACHERS=2000 npx jest test/integration/notices-bench.test.ts` for the night the issue asks about. */
const TEACHERS = Number(process.env.NOTICES_BENCH_TEACHERS ?? 200);

describe(`a night with ${TEACHERS} teachers to notify`, () => {
  let h: SyncHarness;
  let stub: Awaited<ReturnType<typeof slackStub>>;
  afterAll(async () => {
    await stub?.stop();
    await h?.stop();
  });

  it('the run waits for none of it; every teacher is told once', async () => {
    const dir = new MemoryDirectory();
    dir.students = await demoStudents();
    h = await startSyncHarness({ directory: dir });
    await h.engine.run();
    const site = h.sim.sim.site('ecampus');
    const cohort = site.cohorts.first('idnumber', 'etp:L2PHA1')!;
    const student = site.roles.first('shortname', 'student')!.id;
    const editing = site.roles.first('shortname', 'editingteacher')!.id;
    const category = site.courses.first('shortname', 'PHA-L2-102')!.categoryid;
    const users: Record<string, string> = {};
    for (let i = 0; i < TEACHERS; i++) {
      const course = site.courses.insert({ fullname: `Cours ${i}`, shortname: `BENCH-${i}`, idnumber: '', categoryid: category, visible: true, summary: '', format: 'topics', startdate: 0, enddate: 0, timecreated: 0 });
      const manual = site.enrol.insert({ courseid: course.id, enrol: 'manual', status: 0, name: '', roleid: student, customint1: 0, customint2: 0, sortorder: 0 });
      const email = `teacher${i}@univ-demo.fr`;
      const teacher = site.users.insert({ username: `teacher${i}`, firstname: 'T', lastname: String(i), email, idnumber: '', auth: 'cas', suspended: false, deleted: false, confirmed: true, firstaccess: 0, lastaccess: 0, lang: 'fr', department: '' });
      site.enrolUser(manual, teacher.id, editing);
      site.addInstance(course.id, cohort.id, student, 0, 0, '');
      users[`U${i}`] = email;
    }
    stub = await slackStub(users);
    const config = loadConfig({ ...h.env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub.url}/api` });
    const apis = createPlatformApis(config);
    const engine = new SyncEngine({ config, directory: dir, apis, store: h.store });
    // The pace's waits on a virtual clock: the queue's duration at Slack's rate without waiting for it.
    let virtual = 0;
    const notifier = new Notifier({ config, store: h.store, apis, logger: silentLogger, slack: true, now: () => new Date(Date.now() + virtual), sleep: async (ms) => void (virtual += ms) });
    const mover = dir.students.find((s) => s.inscriptions.some((i) => i.year === 2026 && i.etape === 'L2PHA1') && site.users.first('username', s.key))!;
    mover.inscriptions = mover.inscriptions.map((i) => (i.etape === 'L2PHA1' ? { ...i, etape: 'L3PHA1' } : i));

    const t0 = Date.now();
    const run = await engine.run({ trigger: 'schedule' });
    const runMs = Date.now() - t0;
    // serve hands the run to the notifier without awaiting it (server.ts): the run and the digest wait for nothing.
    const t1 = Date.now();
    const queued = await enqueueRunNotices({ config, store: h.store, apis, logger: silentLogger }, run);
    const enqueueMs = Date.now() - t1;
    const t2 = Date.now();
    const draining = notifier.sender.kick();
    // A chat command while the queue drains (its Moodle calls go ahead of the queue's).
    const bot = botFor(h);
    const c0 = Date.now();
    await converse(bot, 'marie.durand@univ-demo.fr', ['méthodes PHA-L2-102']);
    const chatMs = Date.now() - c0;
    await draining;
    const drainMs = Date.now() - t2;
    const counts = await h.store.notices.counts(run.runId);
    expect(queued?.teachers).toBe(TEACHERS + 1); // the demo's own teacher of PHA-L2-102 too
    // She has no Slack account in this workspace: skipped and counted, not an error.
    expect(counts).toMatchObject({ sent: TEACHERS, skipped: 1, queued: 0, sending: 0, failed: 0 });
    const posts = stub.calls.filter((c) => c.path === '/api/chat.postMessage');
    expect(new Set(posts.map((p) => String(p.body.channel))).size).toBe(posts.length);
    await notifier.stop();
    process.stderr.write(
      `notices bench: ${TEACHERS} teachers — run ${runMs} ms (waits for no notice); queueing ${enqueueMs} ms (Moodle reads + store); ` +
        `sending ${drainMs} ms of work + ${Math.round(virtual / 60_000)} min of Slack pacing at ${config.notify.slackPerMinute}/min ` +
        `(about ${Math.round((enqueueMs + drainMs + virtual) / 60_000)} min to the last notice); a chat command meanwhile ${chatMs} ms\n`,
    );
  }, 600_000);
});
