/**
 * The run's lease fences the run's writes only (issue #25): in one `serve` process, a teacher's
 * `ajouter` made while a scheduled run is writing neither renews the run's lease nor fails on it —
 * also once the run has lost it. The run's write is held at a gate in front of the simulator, so the
 * chat's writes happen while the run is in the middle of its own (a slow Moodle, made exact).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDirectorySource } from '../../src/directory';
import { silentLogger } from '../../src/log';
import { createPlatformApis } from '../../src/moodle/platforms';
import { Running, serve } from '../../src/server';
import { SqliteStore } from '../../src/store/sqlite';
import { RunInProgressError, SyncEngine } from '../../src/sync/engine';
import { TEACHER, who } from '../helpers/bot';
import { DEMO_SEED, SyncHarness, demoEnv, startSyncHarness } from '../helpers/engine';
import { RunningSimulator, startSimulator } from '../helpers/simulator';

/** A pass-through proxy to the simulator that holds every call of one function while closed. */
async function gate(target: string, fn: string): Promise<{ url: string; held: () => number; open: () => void; close: () => Promise<void> }> {
  let opened = false;
  const waiting: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = () => {
        const up = http.request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(body);
      };
      if (!opened && new URLSearchParams(body.toString()).get('wsfunction') === fn) waiting.push(forward);
      else forward();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => waiting.length,
    open: () => {
      opened = true;
      for (const f of waiting.splice(0)) f();
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('the run lease fences the run, not the chat in the same serve', () => {
  let sim: RunningSimulator;
  let dir: string;
  let store: SqliteStore;
  let running: Running | undefined;
  let door: Awaited<ReturnType<typeof gate>> | undefined;

  beforeAll(async () => {
    sim = await startSimulator(DEMO_SEED);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-fence-'));
  });
  afterAll(async () => {
    door?.open();
    await running?.stop();
    await door?.close();
    await store?.close();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a teacher\'s ajouter during a run neither renews nor fails on the run\'s lease, before and after the run lost it', async () => {
    // A long lease: its periodic renewal (every TTL/4) never fires during the test; only fences renew it.
    const env = demoEnv(sim, { SYNC_LEASE_TTL_SECONDS: '3600' }, dir);
    const first = new SyncEngine({ config: loadConfig(env), directory: createDirectorySource(loadConfig(env)), apis: createPlatformApis(loadConfig(env)), store: (store = new SqliteStore(path.join(dir, 'fence.db'))) });
    expect((await first.run()).status).toBe('applied');

    // One membership undone in Moodle: the next run has exactly one write (its add), held at the gate.
    const site = sim.sim.site('ecampus');
    const cohort = site.cohorts.first('idnumber', 'etp:L3PHA1')!;
    const member = site.members.find('cohort', cohort.id)[0]!;
    site.removeMember(cohort.id, member.userid);
    door = await gate(sim.url, 'local_cohortbot_add_cohort_members');
    const config = loadConfig({ ...env, MOODLE_ECAMPUS_URL: `${door.url}/ecampus` });
    const apis = createPlatformApis(config);
    const directory = createDirectorySource(config);
    const engine = new SyncEngine({ config, directory, apis, store });
    const app: App = { config, logger: silentLogger, store, directory, apis, engine, close: async () => undefined };
    running = await serve(app, { port: 0, host: '127.0.0.1', scheduler: false });

    const run = engine.run({ trigger: 'schedule' });
    for (let i = 0; door.held() === 0; i++) {
      if (i > 2000) throw new Error('the run never reached its write');
      await new Promise((r) => setTimeout(r, 10));
    }
    const lease = (await store.leaseHolder('sync', new Date()))!;
    expect(lease.holder).toBe(engine.holder);

    const say = async (line: string) => running!.core.handle(who(TEACHER), line);
    const ask = await say('ajouter etp:L1DRT1 à PHA-L3-201');
    const done = await say(ask.buttons!.find((b) => b.payload.startsWith('oui '))!.payload);
    expect(done.tone).toBe('success');
    // The chat's writes went through the same clients, outside the run: the lease was not renewed by them.
    expect((await store.leaseHolder('sync', new Date()))!.expiresAt).toBe(lease.expiresAt);

    // Another replica takes the lease over: the run has lost it; the chat's writes do not care.
    await store.releaseLease('sync', engine.holder);
    expect(await store.acquireLease('sync', 'other-replica', new Date(), 3_600_000)).toBe(true);
    const ask2 = await say('ajouter etp:L2PHA1 à PHA-M1-301');
    const done2 = await say(ask2.buttons!.find((b) => b.payload.startsWith('oui '))!.payload);
    expect(done2.tone).toBe('success');
    expect((await store.leaseHolder('sync', new Date()))!.holder).toBe('other-replica');

    door.open();
    const result = await run;
    // Its one write was fenced before it reached the gate; the run ends and gives back nothing it no longer holds.
    expect(result.platforms.find((p) => p.name === 'ecampus')!.membersAdded).toBe(1);
    expect((await store.leaseHolder('sync', new Date()))!.holder).toBe('other-replica');
    await store.releaseLease('sync', 'other-replica');
  }, 60_000);
});

describe('approve and reject live as runs do (issue #25)', () => {
  let h: SyncHarness;
  beforeAll(async () => (h = await startSyncHarness()));
  afterAll(() => h.stop());

  const holdEmptyPlan = (runId: string) => h.store.saveHeldPlan({ runId, createdAt: new Date().toISOString(), status: 'held', removals: [], reasonCodes: [] });
  const oldRow = (key: string) => h.store.journal([{ runId: 'r-2000', platform: 'ecampus', cohortIdnumber: 'etp:L2PHA1', studentKey: key, action: 'add', reason: { code: 'legacy', text: 'long ago' }, at: '2000-01-01T00:00:00.000Z' }]);

  it('a rejection waits for no run: it holds the run lease (refused while another holds it), then decides and audits; retention follows', async () => {
    await holdEmptyPlan('r-held-1');
    await oldRow('old-student-1');
    expect(await h.store.acquireLease('sync', 'other-replica', new Date(), 60_000)).toBe(true);
    await expect(h.engine.reject('r-held-1', 'admin')).rejects.toBeInstanceOf(RunInProgressError);
    expect((await h.store.getHeldPlan('r-held-1'))!.status).toBe('held');
    await h.store.releaseLease('sync', 'other-replica');
    expect(await h.engine.reject('r-held-1', 'admin')).toMatchObject({ status: 'rejected' });
    expect((await h.store.getHeldPlan('r-held-1'))!.status).toBe('rejected');
    expect((await h.store.auditEntries(5)).find((a) => a.command === 'reject')).toMatchObject({ target: 'r-held-1', outcome: 'ok' });
    expect(await h.store.studentHistory('old-student-1')).toEqual([]);
    expect(await h.store.leaseHolder('sync', new Date())).toBeUndefined();
  });

  it('an approval is a recorded run, and retention runs after it', async () => {
    await holdEmptyPlan('r-held-2');
    await oldRow('old-student-2');
    const run = await h.engine.approve('r-held-2', 'admin');
    expect(run).toMatchObject({ status: 'applied', scope: 'approve:r-held-2' });
    expect((await h.store.getRun(run.runId))!.status).toBe('applied');
    expect((await h.store.getHeldPlan('r-held-2'))!.status).toBe('approved');
    expect(await h.store.studentHistory('old-student-2')).toEqual([]);
  });
});
