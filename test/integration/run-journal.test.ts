/** A run's journal while its store cannot take rows: kept in memory up to a bound, counted beyond it, never thrown. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite';
import type { JournalEntry } from '../../src/store/types';
import { RunJournal } from '../../src/sync/run-journal';

const row = (i: number, platform = 'ecampus'): JournalEntry => ({ runId: 'r1', platform, cohortIdnumber: 'etp:L2PHA1', studentKey: `e${i}`, moodleUserId: i, action: 'add', reason: { code: 'legacy', text: 'test' }, at: new Date(0).toISOString() });

describe('RunJournal', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-runjournal-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes through while the store takes rows; after a failure keeps at most maxKept rows, counts the rest, and stops the run once', async () => {
    const store = new SqliteStore(path.join(dir, 'j.db'));
    const failures: Error[] = [];
    const journal = new RunJournal(store, { maxKept: 5, onFailure: (e) => failures.push(e) });
    await journal.write([row(1), row(2)]);
    expect((await store.studentHistory('e1')).length).toBe(1);
    await store.close(); // a store that can no longer take anything (a real one, closed)
    await journal.write([row(3), row(4), row(5)]);
    await journal.write([row(6), row(7), row(8)]);
    await journal.write([row(9, 'collegium')]);
    expect(failures).toHaveLength(1);
    expect(journal.failure).toBe(failures[0]);
    expect(journal.waiting).toBe(5);
    expect(journal.unjournalled).toBe(2);
    expect([...journal.failedOn].sort()).toEqual(['collegium', 'ecampus']);
    // Still not back: flushing fails and keeps the rows; giving up counts them as not journalled.
    await expect(journal.flush()).rejects.toThrow();
    expect(journal.waiting).toBe(5);
    journal.giveUp();
    expect(journal.waiting).toBe(0);
    expect(journal.unjournalled).toBe(7);
  });
});
