/** Two `serve` replicas on one PostgreSQL: one sync per tick, and a takeover when the holder dies. */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store';
import type { RunRecord, Store } from '../../src/store/types';
import { DEMO_SEED, demoEnv } from '../helpers/engine';
import { Postgres, startPostgres } from '../helpers/postgres';
import { stopGroup, spawnGroup } from '../helpers/process-group';
import { until } from '../helpers/wait';
import { RunningSimulator, startSimulator } from '../helpers/simulator';
import { englishGuard } from '../../src/i18n/codes';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'cohortbot.js');

/** A `serve` replica on the simulator and the shared PostgreSQL, ticking every second; resolves once it listens. */
function spawnReplica(sim: RunningSimulator, pgUrl: string, dir: string, children: ChildProcess[], extra: Record<string, string> = {}): Promise<ChildProcess> {
  const env = { ...demoEnv(sim, { DATABASE_URL: pgUrl, PORT: '0', SYNC_SCHEDULE: '* * * * * *', LOG_LEVEL: 'silent', ...extra }, dir), PATH: process.env.PATH ?? '' };
  const child = spawnGroup(process.execPath, [CLI, 'serve', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise<ChildProcess>((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
  });
}

describe('two replicas on one PostgreSQL', () => {
  let pg: Postgres;
  let sim: RunningSimulator;
  let store: Store;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    sim = await startSimulator(DEMO_SEED);
    sim.sim.knobs.latencyMs = 120; // a run lasts longer than a one-second tick
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-replicas-'));
    store = openStore(pg.url);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => stopGroup(c, { signal: 'SIGKILL' })));
    await store.close();
    await sim.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const replica = () => spawnReplica(sim, pg.url, dir, children);
  const scheduled = async (): Promise<RunRecord[]> => (await store.lastRuns(200)).filter((r) => r.trigger === 'schedule').sort((a, b) => a.startedAt.localeCompare(b.startedAt));

  it('runs one sync per tick across both, never two at once; a kill of the holder mid-run is taken over', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const runs = await until('two finished scheduled runs', async () => {
      const finished = (await scheduled()).filter((r) => r.finishedAt);
      return finished.length >= 2 && finished;
    });
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt >= runs[i - 1]!.finishedAt!).toBe(true);
    // Ticks are once a second, runs take longer: fewer runs than ticks means overlapping ticks were skipped.
    const span = (Date.parse(runs[runs.length - 1]!.finishedAt!) - Date.parse(runs[0]!.startedAt)) / 1000;
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(span) + 1);

    // Kill whichever replica holds the lease, in the middle of its run.
    const holder = await until('a replica holding the lease', () => store.leaseHolder('sync', new Date()));
    const pid = Number(holder.holder.split(':')[1]);
    const victim = [a, b].find((c) => c.pid === pid)!;
    const survivor = [a, b].find((c) => c.pid !== pid)!;
    expect(victim).toBeDefined();
    victim.kill('SIGKILL');
    const killedAt = new Date().toISOString();
    await until('a run applied after the kill', async () => (await scheduled()).find((r) => r.startedAt > killedAt && r.status === 'applied'));
    expect(survivor.exitCode).toBeNull();
    survivor.kill('SIGTERM');
  }, 60_000);
});

describe('a lease holder paused past its lease (SIGSTOP)', () => {
  let pg: Postgres;
  let sim: RunningSimulator;
  let store: Store;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    sim = await startSimulator(DEMO_SEED);
    sim.sim.knobs.latencyMs = 100;
    sim.sim.site('ecampus').settings.maxInputVars = 43; // many small batches: the first run lasts
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-sigstop-'));
    store = openStore(pg.url);
  }, 120_000);
  afterAll(async () => {
    // SIGKILL ends a stopped process too.
    await Promise.all(children.map((c) => stopGroup(c, { signal: 'SIGKILL' })));
    await store.close();
    await sim.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const replica = () => spawnReplica(sim, pg.url, dir, children, { SYNC_LEASE_TTL_SECONDS: '5', MOODLE_ECAMPUS_MAX_INPUT_VARS: '43', MOODLE_ECAMPUS_CONCURRENCY: '1' });

  it('the other replica takes over after the lease expires; the paused one, resumed, writes nothing more', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    // Wait until a run is adding members (writes under way), then freeze its process.
    await until('a run adding members', () => (sim.sim.counters().ecampus?.local_cohortbot_add_cohort_members ?? 0) >= 2);
    const holder = (await store.leaseHolder('sync', new Date()))!;
    const pid = Number(holder.holder.split(':')[1]);
    const paused = [a, b].find((c) => c.pid === pid)!;
    const other = [a, b].find((c) => c.pid !== pid)!;
    paused.kill('SIGSTOP');
    const [pausedRun] = (await store.lastRuns(5)).filter((r) => r.status === 'running');
    expect(pausedRun).toBeDefined();
    // Past the 5 s lease, the other replica's next tick takes over and finishes the work.
    await until('the other replica applying a run after the pause', async () =>
      (await store.lastRuns(20)).find((r) => r.runId !== pausedRun!.runId && r.startedAt > pausedRun!.startedAt && r.status === 'applied'),
    );
    expect((await store.leaseHolder('sync', new Date()))?.holder ?? '').not.toBe(holder.holder);
    // From here on only the paused replica has work left: Moodle's write counter must not move.
    const writesBefore = sim.sim.writeCalls();
    paused.kill('SIGCONT');
    // The resumed run stops before its next write, and says why.
    const closed = await until('the paused run closed', async () => {
      const r = await store.getRun(pausedRun!.runId);
      return r && r.status !== 'running' && r;
    });
    expect(['failed', 'partial', 'interrupted']).toContain(closed.status);
    await new Promise((r) => setTimeout(r, 1500)); // the other replica's next ticks are no-ops
    expect(sim.sim.writeCalls() - writesBefore).toBe(0);
    // Closed by the replica that took over (interrupted), or by itself when it met the fence (lease lost).
    expect([...englishGuard(closed.guardReasons), ...closed.platforms.flatMap((p) => p.errors)].join(' ')).toMatch(/lease|interrupted/);
    expect(other.exitCode).toBeNull();
  }, 90_000);
});
