/** Two `serve` replicas on one PostgreSQL: one sync per tick, and a takeover when the holder dies. */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store';
import type { RunRecord, Store } from '../../src/store/types';
import { DEMO_SEED, demoEnv } from '../helpers/engine';
import { Postgres, startPostgres } from '../helpers/postgres';
import { RunningSimulator, startSimulator } from '../helpers/simulator';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'cohortbot.js');

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
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await store.close();
    await sim.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const replica = () => {
    const env = { ...demoEnv(sim, { DATABASE_URL: pg.url, PORT: '0', SYNC_SCHEDULE: '* * * * * *', LOG_LEVEL: 'silent' }, dir), PATH: process.env.PATH ?? '' };
    const child = spawn(process.execPath, [CLI, 'serve', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise<ChildProcess>((resolve, reject) => {
      child.stdout!.once('data', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
    });
  };
  const scheduled = async (): Promise<RunRecord[]> => (await store.lastRuns(200)).filter((r) => r.trigger === 'schedule').sort((a, b) => a.startedAt.localeCompare(b.startedAt));

  it('runs one sync per tick across both, never two at once; a kill of the holder mid-run is taken over', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    await new Promise((r) => setTimeout(r, 5000));
    const runs = (await scheduled()).filter((r) => r.finishedAt);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt >= runs[i - 1]!.finishedAt!).toBe(true);
    // Ticks are once a second, runs take longer: fewer runs than ticks means overlapping ticks were skipped.
    const span = (Date.parse(runs[runs.length - 1]!.finishedAt!) - Date.parse(runs[0]!.startedAt)) / 1000;
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(span) + 1);

    // Kill whichever replica holds the lease, in the middle of its run.
    let holder: { holder: string } | undefined;
    for (let i = 0; i < 200 && !holder; i++) {
      holder = await store.leaseHolder('sync', new Date());
      if (!holder) await new Promise((r) => setTimeout(r, 25));
    }
    const pid = Number(holder!.holder.split(':')[1]);
    const victim = [a, b].find((c) => c.pid === pid)!;
    const survivor = [a, b].find((c) => c.pid !== pid)!;
    expect(victim).toBeDefined();
    victim.kill('SIGKILL');
    const killedAt = new Date().toISOString();
    let after: RunRecord | undefined;
    for (let i = 0; i < 200 && !after; i++) {
      after = (await scheduled()).find((r) => r.startedAt > killedAt && r.status === 'applied');
      if (!after) await new Promise((r) => setTimeout(r, 50));
    }
    expect(after).toBeDefined();
    expect(survivor.exitCode).toBeNull();
    survivor.kill('SIGTERM');
  }, 60_000);
});
