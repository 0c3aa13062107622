/**
 * The store going away during a run (issue #34), on a real PostgreSQL restarted or stopped mid-run
 * and on SQLite with a full disk (a small tmpfs): no crash, one JSON document, the run ended failed
 * (or partial) with its reason recorded when the store is back, the journal holding every change
 * made in Moodle (kept in memory meanwhile), serve answering, and the next run exact.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { BotCore } from '../../src/bot/core';
import { loadConfig } from '../../src/config';
import { createDirectorySource } from '../../src/directory';
import { silentLogger } from '../../src/log';
import { createPlatformApis } from '../../src/moodle/platforms';
import { openStore } from '../../src/store';
import { SqliteStore } from '../../src/store/sqlite';
import type { RunRecord, Store } from '../../src/store/types';
import { SyncEngine } from '../../src/sync/engine';
import { TEACHER, who } from '../helpers/bot';
import { CLI, cli } from '../helpers/cli';
import { DEMO_SEED, demoEnv } from '../helpers/engine';
import { Postgres, startPostgres } from '../helpers/postgres';
import { RunningSimulator, seededRandom, startSimulator } from '../helpers/simulator';
import { englishGuard } from '../../src/i18n/codes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, withinMs = 60_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A slow Moodle with many small write batches: a first run writes for several seconds. */
async function slowSimulator(): Promise<RunningSimulator> {
  const sim = await startSimulator(DEMO_SEED);
  sim.sim.knobs.latencyMs = 120;
  sim.sim.site('ecampus').settings.maxInputVars = 43;
  return sim;
}
const SLOW_ENV = { MOODLE_ECAMPUS_MAX_INPUT_VARS: '43', MOODLE_ECAMPUS_CONCURRENCY: '1' };
const addCalls = (sim: RunningSimulator) => sim.sim.counters().ecampus?.local_cohortbot_add_cohort_members ?? 0;

/** Moodle's memberships of managed cohorts, as platform|cohort|user. */
function moodleMembers(sim: RunningSimulator): Set<string> {
  const out = new Set<string>();
  for (const name of ['ecampus', 'collegium']) {
    const site = sim.sim.site(name);
    for (const c of site.cohorts.all().filter((x) => x.idnumber.startsWith('etp:'))) for (const m of site.members.find('cohort', c.id)) out.add(`${name}|${c.idnumber}|${m.userid}`);
  }
  return out;
}

/** The journal's adds and removals since `since`, as platform|cohort|user (a change journalled twice counts once). */
async function journalled(store: Store, sim: RunningSimulator, since: string): Promise<{ adds: Set<string>; removes: Set<string> }> {
  const out = { adds: new Set<string>(), removes: new Set<string>() };
  for (const name of ['ecampus', 'collegium']) {
    for (const c of sim.sim.site(name).cohorts.all().filter((x) => x.idnumber.startsWith('etp:'))) {
      for (const e of await store.cohortHistory(name, c.idnumber, 100_000)) {
        if (e.at < since) continue;
        if (e.action === 'add') out.adds.add(`${name}|${c.idnumber}|${e.moodleUserId}`);
        if (e.action === 'remove') out.removes.add(`${name}|${c.idnumber}|${e.moodleUserId}`);
      }
    }
  }
  return out;
}

/** What Moodle changed since `before` (a snapshot of moodleMembers): the journal must hold exactly that. */
function changedSince(before: Set<string>, sim: RunningSimulator): { adds: Set<string>; removes: Set<string> } {
  const after = moodleMembers(sim);
  return { adds: new Set([...after].filter((x) => !before.has(x))), removes: new Set([...before].filter((x) => !after.has(x))) };
}

const plannedChanges = (doc: { platforms: Array<{ membersAdded: number; membersRemoved: number; cohortsCreated: number }> }) => doc.platforms.reduce((n, p) => n + p.membersAdded + p.membersRemoved + p.cohortsCreated, 0);

describe('PostgreSQL restarted or stopped during a CLI run', () => {
  let pg: Postgres;
  let dir: string;
  const sims: RunningSimulator[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-outage-'));
  }, 120_000);
  afterAll(async () => {
    for (const s of sims) await s.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sync = (sim: RunningSimulator, args: string[], extra: Record<string, string> = {}) => cli(['sync', '--json', ...args], demoEnv(sim, { DATABASE_URL: pg.url, ...SLOW_ENV, ...extra }, dir));

  it('a restart mid-run: one JSON document, the run failed with its reason, every change journalled; the next run is exact', async () => {
    const sim = await slowSimulator();
    sims.push(sim);
    const since = new Date().toISOString();
    const before = moodleMembers(sim);
    const { done } = sync(sim, []);
    await until('the run to be adding members', () => addCalls(sim) >= 2);
    // A restart whose outage outlasts a few of the run's writes (a plain `pg_ctl restart` may fall between two).
    pg.halt();
    await sleep(1500);
    pg.resume();
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { runId: string; status: string; guard: string[]; platforms: Array<{ membersAdded: number; membersRemoved: number; cohortsCreated: number; errors: string[] }> };
    expect(['failed', 'partial']).toContain(doc.status);
    expect(doc.guard.join(' ')).toMatch(/the store was unavailable during the run/);
    const store = openStore(pg.url);
    try {
      // Recorded once the database was back, with its reason as a code.
      const recorded = (await store.getRun(doc.runId))!;
      expect(recorded.status).toBe(doc.status);
      expect(recorded.guardReasons).toContainEqual(expect.objectContaining({ code: 'storeUnavailable', recorded: true, unjournalled: 0 }));
      // Every change Moodle made was journalled (the rows kept in memory while the database was away).
      const changed = changedSince(before, sim);
      expect(changed.adds.size).toBeGreaterThan(0);
      expect(await journalled(store, sim, since)).toEqual(changed);

      const next = await sync(sim, []).done;
      expect(next.code).toBe(0);
      expect(JSON.parse(next.stdout)).toMatchObject({ status: 'applied' });
      expect(await journalled(store, sim, since)).toEqual(changedSince(before, sim));
      const dry = await sync(sim, ['--dry-run']).done;
      expect(plannedChanges(JSON.parse(dry.stdout))).toBe(0);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('plain restarts at moments the run does not know: never a crash, one JSON document, its status as recorded, the journal exact', async () => {
    const random = seededRandom(34);
    for (let round = 0; round < 3; round++) {
      const sim = await slowSimulator();
      sims.push(sim);
      const since = new Date().toISOString();
      const before = moodleMembers(sim);
      const { done } = sync(sim, []);
      // Somewhere between the first reads and the last writes of the run.
      await until('the run to be calling Moodle', () => Object.values(sim.sim.counters().ecampus ?? {}).some((n) => n > 0));
      await sleep(Math.floor(random() * 2500));
      pg.restart();
      const r = await done;
      expect(r.signal).toBeNull();
      const doc = JSON.parse(r.stdout) as { runId: string; status: string };
      // A restart between two of its store calls goes unnoticed; one that meets a call ends the run failed or partial.
      expect(['applied', 'failed', 'partial']).toContain(doc.status);
      expect(r.code).toBe(doc.status === 'applied' ? 0 : 1);
      const store = openStore(pg.url);
      try {
        expect((await store.getRun(doc.runId))!.status).toBe(doc.status);
        expect(await journalled(store, sim, since)).toEqual(changedSince(before, sim));
        const next = await sync(sim, []).done;
        expect(JSON.parse(next.stdout)).toMatchObject({ status: 'applied' });
        expect(plannedChanges(JSON.parse((await sync(sim, ['--dry-run']).done).stdout))).toBe(0);
      } finally {
        await store.close();
      }
    }
  }, 240_000);

  it('stopped beyond SYNC_DB_RETRY_SECONDS: still one JSON document, failed with the reason, exit 1; once back, the next run closes it and is exact', async () => {
    const sim = await slowSimulator();
    sims.push(sim);
    const { done } = sync(sim, [], { SYNC_DB_RETRY_SECONDS: '2' });
    await until('the run to be adding members', () => addCalls(sim) >= 2);
    pg.halt();
    let r;
    try {
      r = await done;
    } finally {
      pg.resume();
    }
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { runId: string; status: string; guard: string[] };
    expect(doc.status).toBe('failed');
    expect(doc.guard.join(' ')).toMatch(/the store did not come back within SYNC_DB_RETRY_SECONDS .*this run is not recorded/);

    const next = await sync(sim, []).done;
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'applied' });
    const store = openStore(pg.url);
    try {
      // The unrecorded run, left `running`, was closed by the next one.
      expect((await store.getRun(doc.runId))!.status).toBe('interrupted');
    } finally {
      await store.close();
    }
    const dry = await sync(sim, ['--dry-run']).done;
    expect(plannedChanges(JSON.parse(dry.stdout))).toBe(0);
  }, 120_000);
});

describe('serve while PostgreSQL restarts under a scheduled run', () => {
  let pg: Postgres;
  let sim: RunningSimulator;
  let dir: string;
  let store: Store;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    pg = await startPostgres();
    sim = await slowSimulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-outage-serve-'));
    store = openStore(pg.url);
  }, 120_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    await store.close();
    await sim.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving; the run in progress ends failed with its reason, the chat says "try again in a moment", the next run is exact', async () => {
    const env = demoEnv(sim, { DATABASE_URL: pg.url, PORT: '0', SYNC_SCHEDULE: '*/2 * * * * *', ...SLOW_ENV }, dir);
    child = spawn(process.execPath, [CLI, 'serve', '--json'], { env: { ...env, PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await new Promise<{ port: number }>((resolve, reject) => {
      child!.stdout!.once('data', (b: Buffer) => resolve(JSON.parse(b.toString().split('\n')[0]!) as { port: number }));
      child!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const healthz = async () => (await fetch(`http://127.0.0.1:${ready.port}/healthz`)).json() as Promise<{ ok: boolean; store: string }>;
    const since = new Date().toISOString();
    const before = moodleMembers(sim);

    await until('a scheduled run to be adding members', () => addCalls(sim) >= 2);
    const [inProgress] = (await store.lastRuns(1)).filter((r) => r.status === 'running');
    expect(inProgress).toBeDefined();
    pg.halt();
    try {
      // Serve answers: alive, and saying its store is away.
      expect(await healthz()).toMatchObject({ ok: true, store: 'unavailable' });
      // A chat answer that needs no store goes on; one that must record something says to try again.
      const config = loadConfig(env);
      const chatStore = openStore(pg.url);
      try {
        const bot = new BotCore({ config, apis: createPlatformApis(config), store: chatStore, engine: new SyncEngine({ config, directory: createDirectorySource(config), apis: createPlatformApis(config), store: chatStore }), directory: createDirectorySource(config), logger: silentLogger });
        const help = await bot.handle(who(TEACHER), 'aide');
        expect(help.tone).not.toBe('error');
        const add = await bot.handle(who(TEACHER), 'ajouter etp:L1DRT1 à PHA-L3-201');
        expect(add.tone).toBe('error');
        expect(JSON.stringify(add.blocks)).toMatch(/base de données .*réessayez dans un instant/);
      } finally {
        await chatStore.close();
      }
      await sleep(1000);
    } finally {
      pg.resume();
    }

    // The run that was in progress is recorded as failed (or partial), with its reason.
    const ended = await until('the interrupted scheduled run to be recorded', async () => {
      const r = await store.getRun(inProgress!.runId);
      return r && r.status !== 'running' ? r : undefined;
    });
    expect(['failed', 'partial']).toContain(ended.status);
    expect(ended.guardReasons).toContainEqual(expect.objectContaining({ code: 'storeUnavailable', recorded: true }));
    // The next scheduled run runs and converges.
    const applied = await until('a later scheduled run applied', async () => (await store.lastRuns(20)).find((r: RunRecord) => r.trigger === 'schedule' && r.startedAt > ended.startedAt && r.status === 'applied'));
    expect(applied).toBeDefined();
    expect(await healthz()).toMatchObject({ ok: true, store: 'ok' });
    expect(child.exitCode).toBeNull();
    // Nothing Moodle did is missing from the journal.
    expect(await journalled(store, sim, since)).toEqual(changedSince(before, sim));
  }, 120_000);
});

describe('SQLite on a full disk', () => {
  let sim: RunningSimulator;
  let dir: string;
  let disk: string;
  let mounted = false;
  beforeAll(async () => {
    sim = await slowSimulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-full-'));
    disk = path.join(dir, 'disk');
    fs.mkdirSync(disk);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
      mounted = true;
    } catch (err) {
      throw new Error(`this test mounts a 2 MB tmpfs to fill a disk for real, which needs root: ${(err as Error).message}`);
    }
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', ['-l', disk]);
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Fills the disk but for `leave` bytes; returns the filler's path. */
  function fill(leave: number): string {
    const filler = path.join(disk, 'filler');
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(4096);
    try {
      for (;;) {
        const free = fs.statfsSync(disk).bavail * fs.statfsSync(disk).bsize;
        if (free <= leave) break;
        fs.writeSync(fd, chunk, 0, Math.min(chunk.length, free - leave));
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      fs.closeSync(fd);
    }
    return filler;
  }

  it('a disk already full when the CLI starts: one JSON document, failed with the reason, exit 1 — not a configuration error', async () => {
    const file = path.join(disk, 'cli.db');
    const store = new SqliteStore(file);
    await store.lastRuns(1);
    await store.close();
    const filler = fill(0);
    try {
      const r = await cli(['sync', '--json'], demoEnv(sim, { DATABASE_URL: `sqlite:${file}` }, dir)).done;
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', exitCode: 1, error: { code: 'storeUnavailable' } });
    } finally {
      fs.rmSync(filler);
    }
  }, 120_000);

  it('a clear failure, never a crash; the rows kept are journalled once space is freed; the next run is exact', async () => {
    const config = loadConfig(demoEnv(sim, { SYNC_DB_RETRY_SECONDS: '60', ...SLOW_ENV }, dir));
    const store = new SqliteStore(path.join(disk, 'cohortbot.db'));
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
    const engine = new SyncEngine({ config, directory: createDirectorySource(config), apis: createPlatformApis(config), store, logger });
    try {
      await store.lastRuns(1); // migrated while there is room
      const since = new Date().toISOString();
      const before = moodleMembers(sim);
      const running = engine.run();
      // The disk fills up while the run is writing to Moodle.
      await until('the run to be adding members', () => addCalls(sim) >= 2);
      const filler = fill(0);
      // The run waits for its store; space freed meanwhile lets it record itself and its journal.
      await until('the run to wait for its store', () => lines.some((l) => l.includes('waiting for it to record the run')));
      fs.rmSync(filler);
      const run = await running;
      expect(['failed', 'partial']).toContain(run.status);
      expect(englishGuard(run.guardReasons).join(' ')).toMatch(/store was unavailable during the run.*disk is full \(SQLITE_FULL\)/);
      expect((await store.getRun(run.runId))!.status).toBe(run.status);
      expect(await journalled(store, sim, since)).toEqual(changedSince(before, sim));
      const next = await engine.run();
      expect(next.status).toBe('applied');
      expect(plannedChanges((await engine.run({ dryRun: true })) as { platforms: Array<{ membersAdded: number; membersRemoved: number; cohortsCreated: number }> })).toBe(0);
    } finally {
      await store.close();
    }
  }, 120_000);
});
