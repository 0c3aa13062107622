/** The scheduler: ticks run the sync, overlapping ticks and a second instance never run it twice. */
import { Scheduler } from '../../src/sync/scheduler';
import { demoStudents, MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';

describe('scheduler', () => {
  let h: SyncHarness;
  const dir = new MemoryDirectory();
  beforeAll(async () => {
    dir.students = await demoStudents();
  });
  beforeEach(async () => (h = await startSyncHarness({ directory: dir })));
  afterEach(() => h.stop());

  it('two instances ticking at once: one runs, the other sees the lease and skips', async () => {
    h.sim.sim.knobs.latencyMs = 20;
    const digests: string[] = [];
    const a = new Scheduler({ cron: '0 2 * * *', timezone: 'Europe/Paris', engine: h.newEngine(dir), store: h.store, onRun: (r) => void digests.push(r.runId) });
    const b = new Scheduler({ cron: '0 2 * * *', timezone: 'Europe/Paris', engine: h.newEngine(dir), store: h.store, onRun: (r) => void digests.push(r.runId) });
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    expect([ra, rb].filter((r) => r !== undefined)).toHaveLength(1);
    expect(digests).toHaveLength(1);
    expect((await h.store.lastRuns(10)).filter((r) => r.trigger === 'schedule')).toHaveLength(1);
  });

  it('fires on its cron and never starts a tick while the previous run is going', async () => {
    h.sim.sim.knobs.latencyMs = 150; // a run lasts longer than the one-second tick
    const s = new Scheduler({ cron: '* * * * * *', timezone: 'Europe/Paris', engine: h.newEngine(dir), store: h.store });
    s.start();
    await new Promise((r) => setTimeout(r, 3500));
    s.stop();
    await s.current;
    const runs = (await h.store.lastRuns(20)).filter((r) => r.trigger === 'schedule').sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    expect(runs.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt >= runs[i - 1]!.finishedAt!).toBe(true);
  });

  it('says when the next nightly run is, in Paris time', () => {
    const s = new Scheduler({ cron: '0 2 * * *', timezone: 'Europe/Paris', engine: h.engine, store: h.store });
    const next = s.nextRun()!;
    expect(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('02:00');
  });

  it('purges journal entries past the retention period after a run', async () => {
    await h.store.journal([{ runId: 'old', platform: 'ecampus', cohortIdnumber: 'etp:X', studentKey: 'someone', action: 'add', reason: { code: 'legacy', text: 'r' }, at: '2020-01-01T00:00:00.000Z' }]);
    const s = new Scheduler({ cron: '0 2 * * *', timezone: 'Europe/Paris', engine: h.engine, store: h.store });
    await s.tick();
    expect(await h.store.studentHistory('someone')).toEqual([]);
  });
});
