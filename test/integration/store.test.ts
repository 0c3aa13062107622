/** The store's behaviour, the same test code against SQLite and a real PostgreSQL. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store';
import type { RunRecord, Store } from '../../src/store/types';
import { Postgres, startPostgres } from '../helpers/postgres';

const run = (id: string, over: Partial<RunRecord> = {}): RunRecord => ({
  runId: id,
  status: 'applied',
  trigger: 'cli',
  scope: 'all',
  startedAt: `2026-11-2${id.slice(-1)}T02:00:00.000Z`,
  finishedAt: `2026-11-2${id.slice(-1)}T02:01:00.000Z`,
  durationMs: 60_000,
  directoryStudents: 100,
  directoryComplete: true,
  guardReasons: [],
  platforms: [{ name: 'ecampus', cohortsCreated: 1, cohortsRenamed: 0, membersAdded: 2, membersRemoved: 0, removalsHeld: 0, removalsSkipped: 0, pendingAccounts: 1, writeCalls: 2, readCalls: 3, errors: [] }],
  ...over,
});

let pg: Postgres;
let dir: string;
beforeAll(async () => {
  pg = await startPostgres();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-store-'));
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(['sqlite', 'postgres'])('store on %s', (kind) => {
  let store: Store;
  let n = 0;
  beforeEach(async () => {
    n++;
    if (kind === 'sqlite') store = openStore(`sqlite:${path.join(dir, `s${n}.db`)}`);
    else {
      store = openStore(pg.url);
      const { Client } = await import('pg');
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      await c.query('DROP TABLE IF EXISTS runs, journal, held_plans, audit, leases, state, once_keys, confirmations, schema_version, kysely_migration, kysely_migration_lock');
      await c.end();
    }
  });
  afterEach(() => store.close());

  it('keeps runs, and finds the last good full run', async () => {
    await store.saveRun(run('r1'));
    await store.saveRun(run('r2', { status: 'aborted', directoryComplete: false }));
    await store.saveRun(run('r3', { scope: 'user:e1' }));
    await store.saveRun({ ...run('r1'), status: 'held' });
    expect((await store.lastRuns(10)).map((r) => r.runId)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.getRun('r1'))!.status).toBe('held');
    expect((await store.getRun('r1'))!.platforms[0]!.membersAdded).toBe(2);
    expect((await store.lastGoodRun())!.runId).toBe('r1');
  });

  it('journals, and answers the history of a student and of a cohort', async () => {
    const at = (d: number) => new Date(Date.UTC(2026, 10, d)).toISOString();
    await store.journal([
      { runId: 'r1', platform: 'ecampus', cohortIdnumber: 'etp:L2PHA1', studentKey: 'e2190001', moodleUserId: 9, action: 'add', reason: { code: 'inscription', year: 2026, etape: 'L2PHA1' }, at: at(1) },
      { runId: 'r2', platform: 'ecampus', cohortIdnumber: 'etp:L2PHA1', studentKey: 'e2190001', moodleUserId: 9, action: 'remove', reason: { code: 'etapeGone', etape: 'X' }, at: at(2) },
      { runId: 'r2', platform: 'ecampus', cohortIdnumber: 'etp:L2PHA1', studentKey: 'e2190002', action: 'pending', reason: { code: 'noAccountYet' }, at: at(2) },
    ]);
    expect((await store.studentHistory('e2190001')).map((j) => j.action)).toEqual(['remove', 'add']);
    expect(await store.cohortHistory('ecampus', 'etp:L2PHA1')).toHaveLength(3);
    expect(await store.purge(new Date(Date.UTC(2026, 10, 2)))).toBe(1);
    expect(await store.forget(['e2190001'])).toMatchObject({ journal: 1 });
    expect(await store.studentHistory('e2190001')).toEqual([]);
  });

  it("journals a first sync's rows exactly and in order, across statements, with text that is not plain", async () => {
    // More rows than one statement takes; keys, idnumbers and reasons with quotes, backslashes, JSON and non-Latin text.
    const odd = ['o\'brien', 'a"b', 'back\\slash', '{"x":1}', 'ñandú', '😀', 'tab\there', '[1,2]', 'null'];
    const entries = Array.from({ length: 12_345 }, (_, i) => ({
      runId: 'r1',
      platform: 'ecampus',
      cohortIdnumber: `etp:${odd[i % odd.length]}`,
      ...(i % 7 === 0 ? {} : { studentKey: `${odd[(i * 3) % odd.length]}-${i}` }),
      ...(i % 5 === 0 ? {} : { moodleUserId: 100_000 + i }),
      action: (i % 3 === 0 ? 'pending' : 'add') as 'pending' | 'add',
      reason: i % 3 === 0 ? ({ code: 'noAccountYet' } as const) : ({ code: 'inscription', year: 2026, etape: odd[i % odd.length]! } as const),
      // One time stamp per thousand rows, as a call's batch has: within it only the ids keep the order.
      at: new Date(Date.UTC(2026, 10, 1, 0, 0, Math.floor(i / 1000))).toISOString(),
    }));
    await store.journal(entries);
    const back = (await store.cohortHistory('ecampus', `etp:${odd[4]}`, 100_000)).reverse();
    const want = entries.filter((e) => e.cohortIdnumber === `etp:${odd[4]}`);
    expect(back.map((j) => [j.studentKey, j.moodleUserId, j.action, j.reason, j.at])).toEqual(want.map((e) => [e.studentKey, e.moodleUserId, e.action, e.reason, e.at]));
    expect(typeof back.find((j) => j.moodleUserId !== undefined)!.moodleUserId).toBe('number');
  });

  it('decides a held plan exactly once', async () => {
    await store.saveHeldPlan({ runId: 'r9', createdAt: 'now', status: 'held', removals: [{ platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:X', userId: 2, reason: { code: 'etapeGone', etape: 'X' } }], reasonCodes: [{ code: 'tooManyRemovals', removals: 1, max: 0 }] });
    expect((await store.heldPlans()).map((h) => h.runId)).toEqual(['r9']);
    const [a, b] = await Promise.all([store.decideHeldPlan('r9', 'approved', 'admin1', 't'), store.decideHeldPlan('r9', 'rejected', 'admin2', 't')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await store.heldPlans()).toEqual([]);
  });

  it('gives the lease to one holder at a time, and to another once it expires', async () => {
    const t0 = new Date('2026-11-29T02:00:00Z');
    const [a, b] = await Promise.all([store.acquireLease('sync', 'A', t0, 60_000), store.acquireLease('sync', 'B', t0, 60_000)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const holder = a ? 'A' : 'B';
    const other = a ? 'B' : 'A';
    expect(await store.acquireLease('sync', holder, new Date(t0.getTime() + 30_000), 60_000)).toBe(true);
    expect(await store.acquireLease('sync', other, new Date(t0.getTime() + 60_000), 60_000)).toBe(false);
    expect((await store.leaseHolder('sync', new Date(t0.getTime() + 60_000)))!.holder).toBe(holder);
    expect(await store.acquireLease('sync', other, new Date(t0.getTime() + 91_000), 60_000)).toBe(true);
    await store.releaseLease('sync', other);
    expect(await store.leaseHolder('sync', new Date(t0.getTime() + 92_000))).toBeUndefined();
  });

  it('keeps audit entries and chat state (confirmations, conversation references)', async () => {
    await store.audit({ at: 't', actor: 'a@x', channel: 'teams', command: 'add', outcome: 'refused', detail: 'onbehalfnopermission' });
    expect((await store.auditEntries(5))[0]).toMatchObject({ actor: 'a@x', outcome: 'refused' });
    await store.setState('confirm:1234abcd', '{"x":1}');
    await store.setState('confirm:1234abcd', '{"x":2}');
    expect(await store.getState('confirm:1234abcd')).toBe('{"x":2}');
    expect(await store.getState('nope')).toBeUndefined();
  });

  it('forgets a person everywhere in one go: journal, audit as typed, runs, held plans, chat state', async () => {
    const ids = ['e21900077', 'Sarah.Laurent@etu.univ-demo.fr', '21900077', 'Sarah Laurent'];
    await store.journal([
      { runId: 'r1', platform: 'ecampus', cohortIdnumber: 'etp:L2PHA1', studentKey: 'e21900077', moodleUserId: 9, action: 'add', reason: { code: 'inscription', year: 2026, etape: 'L2PHA1' }, at: '2026-11-01T00:00:00.000Z' },
      { runId: 'r1', platform: 'ecampus', cohortIdnumber: 'etp:L2PHA1', studentKey: 'e21900078', moodleUserId: 10, action: 'add', reason: { code: 'inscription', year: 2026, etape: 'L2PHA1' }, at: '2026-11-01T00:00:00.000Z' },
    ]);
    await store.audit({ at: '2026-11-01T00:00:00.000Z', actor: 'marie.durand@univ-demo.fr', channel: 'teams', command: 'why', target: 'SARAH LAURENT', outcome: 'ok' });
    await store.audit({ at: '2026-11-01T00:00:00.000Z', actor: 'claire.moreau@univ-demo.fr', channel: 'cli', command: 'sync', target: '21900077', outcome: 'applied' });
    await store.audit({ at: '2026-11-01T00:00:00.000Z', actor: 'claire.moreau@univ-demo.fr', channel: 'cli', command: 'sync', target: 'e21900078', outcome: 'applied' });
    await store.saveRun(run('r4', { scope: 'user:E21900077', trigger: 'chat:claire.moreau@univ-demo.fr', platforms: [{ ...run('r4').platforms[0]!, errors: ['e21900077: account suspended'] }] }));
    await store.saveHeldPlan({ runId: 'r5', createdAt: 'now', status: 'held', reasonCodes: [{ code: 'tooManyRemovals', removals: 2, max: 1 }], removals: [
      { platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:X', userId: 9, key: 'e21900077', reason: { code: 'etapeGone', etape: 'X' } },
      { platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:X', userId: 10, key: 'e21900078', reason: { code: 'etapeGone', etape: 'X' } },
    ] });
    await store.setState('confirm:0badcafe', JSON.stringify({ command: { kind: 'addMembers', list: ['sarah.laurent@etu.univ-demo.fr'] } }));
    await store.setState('teams:digest-reference', '{"conversation":"19:x"}');

    const erased = await store.forget(ids);
    expect(erased).toEqual({ journal: 1, audit: 2, runs: 1, heldPlans: 1, state: 1, moodleKeys: 0 });
    // Nothing left that names her, in any table; everyone else untouched.
    const dump = JSON.stringify([await store.lastRuns(10), await store.heldPlans(), await store.auditEntries(100), await store.studentHistory('e21900077'), await store.getState('confirm:0badcafe')]).toLowerCase();
    for (const id of ids) expect(dump).not.toContain(id.toLowerCase());
    expect(await store.studentHistory('e21900078')).toHaveLength(1);
    expect((await store.heldPlans())[0]!.removals.map((r) => r.key)).toEqual(['e21900078']);
    expect(await store.auditEntries(100)).toHaveLength(1);
    expect(await store.getState('teams:digest-reference')).toBeDefined();
  });

  it('keeps learnt Moodle keys per platform and field: refreshed, dropped by id or by platform, erased by forget', async () => {
    await store.saveMoodleKeys('ecampus', 'username', [{ userId: 7, key: 'e21900007' }, { userId: 8, key: 'e21900008' }], '2026-11-01T00:00:00.000Z');
    await store.saveMoodleKeys('collegium', 'username', [{ userId: 7, key: 'e21900099' }], '2026-11-01T00:00:00.000Z');
    // A rename seen later: the same id, a new key and check time.
    await store.saveMoodleKeys('ecampus', 'username', [{ userId: 7, key: 'x-renamed' }], '2026-11-02T00:00:00.000Z');
    const byId = async (platform: string) => Object.fromEntries((await store.moodleKeys(platform, 'username')).map((k) => [k.userId, [k.key, k.checkedAt]]));
    expect(await byId('ecampus')).toEqual({ 7: ['x-renamed', '2026-11-02T00:00:00.000Z'], 8: ['e21900008', '2026-11-01T00:00:00.000Z'] });
    expect(await store.moodleKeys('ecampus', 'email')).toEqual([]);
    expect(await store.forget(['E21900008'])).toMatchObject({ moodleKeys: 1 });
    expect(await store.dropMoodleKeys('ecampus', [7, 999])).toBe(1);
    expect(await byId('ecampus')).toEqual({});
    expect(await store.dropMoodleKeys('collegium')).toBe(1);
  });

  it('purges past retention and blanks the student of old one-student runs', async () => {
    await store.saveRun(run('r1', { scope: 'user:e21900077', trigger: 'chat:claire.moreau@univ-demo.fr' }));
    await store.saveRun(run('r9', { scope: 'user:e21900088' }));
    await store.purge(new Date('2026-11-25T00:00:00.000Z'));
    const runs = await store.lastRuns(10);
    expect(runs.find((r) => r.runId === 'r1')).toMatchObject({ scope: 'user:[effacé]', trigger: 'chat:[effacé]' });
    expect(runs.find((r) => r.runId === 'r9')!.scope).toBe('user:e21900088');
  });

  it('remembers a key once across concurrent callers, until it expires', async () => {
    const now = new Date('2026-11-29T10:00:00.000Z');
    const until = new Date(now.getTime() + 300_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.rememberOnce('slack:abc', until, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.rememberOnce('slack:abc', until, new Date(now.getTime() + 299_000))).toBe(false);
    expect(await store.rememberOnce('slack:abc', new Date(now.getTime() + 900_000), new Date(now.getTime() + 301_000))).toBe(true);
  });

  it('consumes a confirmation once, whoever races for it; says used, expired or not yours', async () => {
    const now = new Date('2026-11-29T10:00:00.000Z');
    const later = new Date(now.getTime() + 15 * 60_000).toISOString();
    await store.saveConfirmation({ id: 'a1b2c3d4', actor: 'marie@u.fr', body: '{"x":1}', createdAt: now.toISOString(), expiresAt: later });
    const results = await Promise.all(Array.from({ length: 8 }, () => store.consumeConfirmation('a1b2c3d4', 'marie@u.fr', now)));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, body: '{"x":1}' }]);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.problem === 'used')).toBe(true);
    await store.saveConfirmation({ id: 'b1b2c3d4', actor: 'marie@u.fr', body: '{"y":2}', createdAt: new Date(now.getTime() + 1000).toISOString(), expiresAt: later });
    expect(await store.consumeConfirmation('b1b2c3d4', 'paul@u.fr', now)).toEqual({ ok: false, problem: 'notYours' });
    expect(await store.consumeConfirmation('b1b2c3d4', 'marie@u.fr', new Date(now.getTime() + 16 * 60_000))).toEqual({ ok: false, problem: 'expired' });
    // Without an id: the person's latest unused one.
    await store.saveConfirmation({ id: 'c1b2c3d4', actor: 'marie@u.fr', body: '{"z":3}', createdAt: new Date(now.getTime() + 2000).toISOString(), expiresAt: later });
    expect(await store.consumeConfirmation(undefined, 'marie@u.fr', now)).toEqual({ ok: true, body: '{"z":3}' });
    expect(await store.consumeConfirmation('zzzzzzzz', 'marie@u.fr', now)).toEqual({ ok: false, problem: 'expired' });
  });
});

describe('an SQLite store written by an earlier version', () => {
  it('migrates forward in place: its runs and journal stay, the new tables appear', async () => {
    const file = path.join(dir, 'old.db');
    const Database = (await import('better-sqlite3')).default;
    const old = new Database(file);
    // The schema the hand-written store of the first version created.
    old.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
      CREATE TABLE runs (run_id TEXT PRIMARY KEY, status TEXT NOT NULL, trigger TEXT NOT NULL, scope TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, duration_ms INTEGER, directory_students INTEGER, directory_complete INTEGER, guard TEXT NOT NULL, platforms TEXT NOT NULL);
      CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, platform TEXT NOT NULL, cohort_idnumber TEXT NOT NULL, student_key TEXT, moodle_user_id INTEGER, action TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
      CREATE TABLE held_plans (run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL, removals TEXT NOT NULL, reasons TEXT NOT NULL, decided_by TEXT, decided_at TEXT);
      CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, channel TEXT NOT NULL, command TEXT NOT NULL, platform TEXT, course TEXT, target TEXT, outcome TEXT NOT NULL, detail TEXT);
      CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);
      CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO runs VALUES ('r-old', 'held', 'cron', 'all', '2026-10-01T02:00:00.000Z', NULL, 1000, 100, 1, '["removals held for approval: 600 removals exceed SYNC_MAX_REMOVALS=500"]', '[]');
      INSERT INTO journal (run_id, platform, cohort_idnumber, student_key, action, reason, at) VALUES ('r-old', 'ecampus', 'etp:X', 'e21900001', 'add', 'inscription', '2026-10-01T02:00:00.000Z');`);
    old.close();
    const store = openStore(`sqlite:${file}`);
    try {
      expect(await store.getRun('r-old')).toMatchObject({ status: 'held', guardReasons: [{ code: 'tooManyRemovals', removals: 600, max: 500 }] });
      expect(await store.studentHistory('e21900001')).toHaveLength(1);
      await store.saveConfirmation({ id: 'a1b2c3d4', actor: 'x@u.fr', body: '{}', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() });
      expect(await store.consumeConfirmation('a1b2c3d4', 'x@u.fr', new Date())).toMatchObject({ ok: true });
      expect(await store.rememberOnce('k', new Date(Date.now() + 60_000), new Date())).toBe(true);
    } finally {
      await store.close();
    }
  });
});
