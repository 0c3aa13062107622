/** `cohortbot sync` as a process: JSON on stdout, a SIGKILL mid-apply, two runs at once. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite';
import { DEMO_SEED, demoEnv } from '../helpers/engine';
import { RunningSimulator, startSimulator } from '../helpers/simulator';
import { cli } from '../helpers/cli';
import { until } from '../helpers/wait';

describe('sync as a process', () => {
  let sim: RunningSimulator;
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    sim = await startSimulator(DEMO_SEED);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-cli-'));
    env = demoEnv(sim, {}, dir);
  });
  afterEach(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints exactly one JSON document with the documented shape, then 0 writes on the second run', async () => {
    const first = await cli(['sync', '--json'], env).done;
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['runId', 'status', 'platforms', 'durationMs', 'peakRssMB']));
    // The sync process's own peak memory, in MB: a Node process holds tens of MB at least.
    expect(doc.peakRssMB).toEqual(expect.any(Number));
    expect(doc.peakRssMB as number).toBeGreaterThan(20);
    expect(doc.status).toBe('applied');
    const platforms = doc.platforms as Array<Record<string, unknown>>;
    expect(platforms.map((p) => p.name)).toEqual(['ecampus', 'collegium']);
    for (const p of platforms) {
      for (const k of ['cohortsCreated', 'membersAdded', 'membersRemoved', 'removalsHeld', 'pendingAccounts', 'writeCalls', 'readCalls']) expect(typeof p[k]).toBe('number');
      expect(Array.isArray(p.errors)).toBe(true);
    }
    const second = JSON.parse((await cli(['sync', '--json'], env).done).stdout) as { platforms: Array<{ writeCalls: number }> };
    expect(second.platforms.map((p) => p.writeCalls)).toEqual([0, 0]);
  });

  it('sync --dry-run --on previews another day: the grace keeps last year’s members, its end removes them; --on alone is refused', async () => {
    // The calendar's year, not a forced one: the rollover is what is previewed.
    const e = { ...env };
    delete e.ACADEMIC_YEAR;
    expect((await cli(['sync', '--json'], e).done).code).toBe(0);
    type Doc = { status: string; platforms: Array<{ membersAdded: number; membersRemoved: number; removalsHeld: number; removalsSkipped: number }> };
    const leaving = (d: Doc) => d.platforms.reduce((n, p) => n + p.membersRemoved + p.removalsHeld + p.removalsSkipped, 0);
    const inGrace = JSON.parse((await cli(['sync', '--dry-run', '--on', '2027-08-20', '--json'], e).done).stdout) as Doc;
    expect(inGrace.status).toBe('dry-run');
    expect(leaving(inGrace)).toBe(0);
    const afterGrace = JSON.parse((await cli(['sync', '--dry-run', '--on', '2027-11-05', '--json'], e).done).stdout) as Doc;
    expect(leaving(afterGrace)).toBeGreaterThan(0);
    const refused = await cli(['sync', '--on', '2027-11-05', '--json'], e).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--on previews another day: use it with --dry-run/);
    // Nothing was written by the previews.
    const again = JSON.parse((await cli(['sync', '--json'], e).done).stdout) as { platforms: Array<{ writeCalls: number }> };
    expect(again.platforms.map((p) => p.writeCalls)).toEqual([0, 0]);
  });

  it('a run killed with SIGKILL mid-apply leaves no phantom journal entry, and the rerun converges', async () => {
    sim.sim.site('ecampus').settings.maxInputVars = 43;
    sim.sim.knobs.latencyMs = 40;
    const slow = { ...env, MOODLE_ECAMPUS_MAX_INPUT_VARS: '43', MOODLE_ECAMPUS_CONCURRENCY: '1' };
    const { child, done } = cli(['sync', '--json'], slow);
    await until('the run reaching its adds', () => (sim.sim.counters().ecampus?.local_cohortbot_add_cohort_members ?? 0) >= 4, { everyMs: 10 });
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const store = new SqliteStore(path.join(dir, 'cohortbot-test.db'));
    const [interrupted] = await store.lastRuns(1);
    expect(interrupted!.status).toBe('running');
    const adds: Array<{ key?: string; cohortIdnumber: string; platform: string }> = [];
    const keys = new Set(['ecampus', 'collegium'].flatMap((p) => sim.sim.site(p).users.all().map((u) => u.username)));
    for (const key of keys) for (const j of await store.studentHistory(key)) if (j.action === 'add') adds.push({ key, cohortIdnumber: j.cohortIdnumber, platform: j.platform });
    expect(adds.filter((a) => a.platform === 'ecampus').length).toBeGreaterThan(0);
    // Every journalled add is a real membership: the journal is written only after Moodle said yes.
    for (const a of adds) {
      const s = sim.sim.site(a.platform);
      const cohort = s.cohorts.first('idnumber', a.cohortIdnumber)!;
      expect(s.isMember(cohort.id, s.users.first('username', a.key!)!.id)).toBe(true);
    }
    // And the run was really cut short: some adds were still to do.
    expect(adds.filter((a) => a.platform === 'ecampus').length).toBeLessThan(110);
    await store.close();
    sim.sim.knobs.latencyMs = 0;
    const rerun = await cli(['sync', '--json'], slow).done;
    expect(rerun.stderr).not.toMatch(/in progress/);
    expect(rerun.code).toBe(0);
    // The killed run is no longer "running" forever: the next start closed it as interrupted.
    const after = new SqliteStore(path.join(dir, 'cohortbot-test.db'));
    expect(await after.getRun(interrupted!.runId)).toMatchObject({ status: 'interrupted' });
    await after.close();
    const again = JSON.parse((await cli(['sync', '--json'], slow).done).stdout) as { platforms: Array<{ writeCalls: number; membersAdded: number }> };
    expect(again.platforms.map((p) => p.writeCalls)).toEqual([0, 0]);
  });

  it('every Moodle unreachable: the run is failed, recorded with why, exit 1; one of two: partial', async () => {
    const closed = 'http://127.0.0.1:9';
    const down = { ...env, MOODLE_ECAMPUS_URL: closed, MOODLE_COLLEGIUM_URL: closed, MOODLE_RETRIES: '0', MOODLE_TIMEOUT_MS: '1000' };
    const r = await cli(['sync', '--json'], down).done;
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { runId: string; status: string; durationMs: number; platforms: Array<{ errors: string[] }> };
    expect(doc.status).toBe('failed');
    expect(doc.platforms.every((p) => p.errors.length > 0)).toBe(true);
    const store = new SqliteStore(path.join(dir, 'cohortbot-test.db'));
    expect(await store.getRun(doc.runId)).toMatchObject({ status: 'failed' });
    await store.close();
    const half = await cli(['sync', '--json'], { ...env, MOODLE_COLLEGIUM_URL: closed, MOODLE_RETRIES: '0' }).done;
    expect(half.code).toBe(1);
    expect((JSON.parse(half.stdout) as { status: string }).status).toBe('partial');
  });

  it('two syncs at once: the second says a run is in progress and exits non-zero', async () => {
    // Moodle holds the first run's calls until the second has answered: "at once" whatever the machine's speed.
    let release!: () => void;
    sim.sim.knobs.hold = new Promise<void>((r) => (release = r));
    const a = cli(['sync', '--json'], env);
    // Once the first run talks to Moodle it holds the lease.
    await until('the first run talking to Moodle', () => (sim.sim.counters().ecampus?.core_webservice_get_site_info ?? 0) >= 1);
    const b = await cli(['sync', '--json'], env).done;
    sim.sim.knobs.hold = undefined;
    release();
    const first = await a.done;
    expect(first.code).toBe(0);
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/already in progress/);
    // --json: still exactly one document, saying why.
    expect(JSON.parse(b.stdout)).toMatchObject({ status: 'error', exitCode: 3, error: { code: 'runInProgress', message: expect.stringMatching(/already in progress/) } });
  });

  it('with --json, a command that cannot run prints one document with its error, and the same exit code', async () => {
    const bad = await cli(['sync', '--json'], { ...env, SYNC_MAX_REMOVALS: '-3' }).done;
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'config', message: expect.stringMatching(/SYNC_MAX_REMOVALS/) } });
    const unknown = await cli(['approve', 'r-nope', '--json'], env).done;
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 'error', exitCode: 2 });
  });

  it('a bad configuration stops with one line per problem and exit code 2', async () => {
    const r = await cli(['sync'], { ...env, MOODLE_ECAMPUS_URL: 'nope', SYNC_MAX_REMOVALS: '-3' }).done;
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^cohortbot: config: MOODLE_ECAMPUS_URL="nope": expected an http\(s\) URL/);
    expect(lines[1]).toMatch(/^cohortbot: config: SYNC_MAX_REMOVALS="-3": expected a whole number/);
    expect(r.stderr).not.toMatch(/ at /);
  });
});
