/**
 * The SQLite store: one file, WAL mode, through Kysely's SQLite dialect (better-sqlite3). Opening
 * checks the file at once, so a corrupted or locked store is reported before anything runs.
 */
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store';
import { serializeJournalReason } from './rows';
import { prepareStoreFile } from './private-file';
import { JournalEntry, StoreError } from './types';
import { StoreUnavailableError, classify } from './unavailable';

export { StoreError };

function openFile(file: string): Database.Database {
  prepareStoreFile(file);
  try {
    const db = new Database(file, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a commit is durable against a crash of the process (the store is never corrupted),
    // and only a power cut can lose the last commits — each commit no longer waits for an fsync, which
    // made a first sync's journal (one commit per Moodle call) cost seconds.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Take and give back the write lock: a store another process holds is said now, not mid-run.
    db.exec('BEGIN IMMEDIATE; ROLLBACK');
    return db;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
      throw new StoreError(`the store ${file} is not a valid SQLite database (corrupted?). Nothing was changed; restore it from a backup or move it aside to start a new one.`);
    }
    // Locked, full or failing disk: an outage of the store, not a configuration error (the CLI exits 1 with its document).
    if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') throw new StoreUnavailableError(`the store ${file} is locked by another process; try again when it is done`, e.code);
    if (e.code === 'SQLITE_FULL' || e.code?.startsWith('SQLITE_IOERR')) throw new StoreUnavailableError(`cannot open the store ${file}: ${e.message} (${e.code}); is its disk full?`, e.code);
    if (e.code === 'SQLITE_CANTOPEN' || e.code === 'SQLITE_READONLY') throw new StoreError(`cannot open the store ${file} for writing (${e.code}); check DATABASE_URL and the directory's permissions`);
    throw new StoreError(`cannot open the store ${file}: ${e.message}`);
  }
}

export class SqliteStore extends KyselyStore {
  private insertJournal?: Database.Statement;

  constructor(
    file: string,
    private readonly database = openFile(file),
  ) {
    super('sqlite', KyselyStore.kysely(new SqliteDialect({ database })), file);
  }

  /**
   * The journal of a first sync is a hundred thousand rows: one prepared statement in one native
   * transaction, run while Kysely's connection is held (so no other query of this store interleaves),
   * instead of compiling multi-row inserts.
   */
  override async journal(entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const db = await this.q();
    await db.connection().execute(async () => {
      // Prepared once the migrations have made the table.
      const insert = (this.insertJournal ??= this.database.prepare('INSERT INTO journal (run_id, platform, cohort_idnumber, student_key, moodle_user_id, action, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'));
      try {
        this.database.transaction(() => {
          for (const e of entries) insert.run(e.runId, e.platform, e.cohortIdnumber, e.studentKey ?? null, e.moodleUserId ?? null, e.action, serializeJournalReason(e.reason), e.at);
        })();
      } catch (err) {
        // A full disk or a locked file: rolled back whole, said as the store being unavailable.
        throw classify(err);
      }
    });
  }
}
