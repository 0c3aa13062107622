/**
 * Migration 002-codes-only: rows an earlier version wrote with sentences (journal reasons, run and held
 * plan reasons, held removals) become codes where recognisable, else a `legacy` code with the old text.
 */
import Database from 'better-sqlite3';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { openStore } from '../../src/store';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-codes-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A database as version 1.2 left it: migration 001 only, and sentences in the rows. */
async function oldDatabase(file: string): Promise<void> {
  const store = openStore(`sqlite:${file}`);
  await store.lastRuns(1); // migrates to the latest
  await store.close();
  const db = new Database(file);
  // Version 1.2 knew only 001: the later migrations run again (their tables are created if missing).
  db.prepare("DELETE FROM kysely_migration WHERE name > '001-initial'").run();
  const journal = db.prepare('INSERT INTO journal (run_id, platform, cohort_idnumber, student_key, moodle_user_id, action, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const at = '2026-11-01T02:00:00.000Z';
  journal.run('r1', 'ecampus', 'etp:L2PHA1', 'e1', 1, 'add', 'inscription 2026 L2PHA1', at);
  journal.run('r1', 'ecampus', 'etp:L2PHA1', 'e2', 2, 'add', 'inscription 2026 L2PHA1', at);
  journal.run('r1', 'ecampus', 'etp:DUFLE1', 'e3', 3, 'add', 'inscription 2026 DUFLE1 status E', at);
  journal.run('r2', 'ecampus', 'etp:L2PHA1', 'e4', 4, 'held', 'no 2026 inscription to L2PHA1 in the directory; removal held for approval', at);
  journal.run('r3', 'ecampus', 'etp:L2PHA1', 'e4', 4, 'remove', 'no 2026 inscription to L2PHA1 in the directory (held in r2, approved by admin@univ.fr)', at);
  journal.run('r1', 'ecampus', 'etp:L2PHA1', 'e5', null, 'pending', 'no Moodle account yet (created at first login)', at);
  journal.run('r1', 'ecampus', 'etp:L2PHA1', null, null, 'rename', 'Old name → New name', at);
  journal.run('r1', 'ecampus', 'etp:X', 'e6', 6, 'remove', 'something nobody wrote twice', at);
  db.prepare("INSERT INTO runs (run_id, status, trigger, scope, started_at, guard, platforms) VALUES ('r2', 'held', 'cli', 'all', ?, ?, '[]')").run(
    at,
    JSON.stringify(['removals held for approval: 501 removals exceed SYNC_MAX_REMOVALS=500', { code: 'text', detail: 'a note of another kind' }]),
  );
  db.prepare("INSERT INTO held_plans (run_id, created_at, status, removals, reasons) VALUES ('r2', ?, 'held', ?, ?)").run(
    at,
    JSON.stringify([{ platform: 'ecampus', cohortId: 1, cohortIdnumber: 'etp:L2PHA1', userId: 4, key: 'e4', reason: 'étape L2PHA1 no longer in the directory' }]),
    JSON.stringify(['removals held for approval: 501 removals exceed SYNC_MAX_REMOVALS=500']),
  );
  db.close();
}

it('turns the sentences of older rows into codes, keeping what it cannot read as legacy text', async () => {
  const file = path.join(dir, 'old.db');
  await oldDatabase(file);
  const store = openStore(`sqlite:${file}`);
  try {
    const byKey = async (key: string) => (await store.studentHistory(key)).map((j) => [j.action, j.reason]);
    expect(await byKey('e1')).toEqual([['add', { code: 'inscription', year: 2026, etape: 'L2PHA1' }]]);
    expect(await byKey('e3')).toEqual([['add', { code: 'inscription', year: 2026, etape: 'DUFLE1', status: 'E' }]]);
    expect(await byKey('e4')).toEqual(
      expect.arrayContaining([
        ['held', { code: 'noInscription', year: 2026, etape: 'L2PHA1' }],
        ['remove', { code: 'noInscription', year: 2026, etape: 'L2PHA1', heldIn: 'r2', by: 'admin@univ.fr' }],
      ]),
    );
    expect(await byKey('e5')).toEqual([['pending', { code: 'noAccountYet' }]]);
    expect(await byKey('e6')).toEqual([['remove', { code: 'legacy', text: 'something nobody wrote twice' }]]);
    expect((await store.cohortHistory('ecampus', 'etp:L2PHA1')).find((j) => j.action === 'rename')!.reason).toEqual({ code: 'renamed', from: 'Old name', to: 'New name' });

    const run = (await store.getRun('r2'))!;
    expect(run.guardReasons).toEqual([{ code: 'tooManyRemovals', removals: 501, max: 500 }, { code: 'legacy', text: 'a note of another kind' }]);
    const held = (await store.getHeldPlan('r2'))!;
    expect(held.reasonCodes).toEqual([{ code: 'tooManyRemovals', removals: 501, max: 500 }]);
    expect(held.removals[0]!.reason).toEqual({ code: 'etapeGone', etape: 'L2PHA1' });
  } finally {
    await store.close();
  }
  // The columns hold codes only now: no sentence is left to read back.
  const db = new Database(file, { readonly: true });
  try {
    for (const r of db.prepare('SELECT reason FROM journal').all() as Array<{ reason: string }>) expect(JSON.parse(r.reason)).toHaveProperty('code');
    expect(JSON.parse((db.prepare("SELECT guard FROM runs WHERE run_id = 'r2'").get() as { guard: string }).guard)).toEqual([{ code: 'tooManyRemovals', removals: 501, max: 500 }, { code: 'legacy', text: 'a note of another kind' }]);
  } finally {
    db.close();
  }
});
