/**
 * The SQLite store: one file, WAL mode, through Kysely's SQLite dialect (better-sqlite3). Opening
 * checks the file at once, so a corrupted or locked store is reported before anything runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store';
import { StoreError } from './types';

export { StoreError };

function openFile(file: string): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    const db = new Database(file, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Take and give back the write lock: a store another process holds is said now, not mid-run.
    db.exec('BEGIN IMMEDIATE; ROLLBACK');
    return db;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
      throw new StoreError(`the store ${file} is not a valid SQLite database (corrupted?). Nothing was changed; restore it from a backup or move it aside to start a new one.`);
    }
    if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') throw new StoreError(`the store ${file} is locked by another process; try again when it is done`);
    if (e.code === 'SQLITE_CANTOPEN' || e.code === 'SQLITE_READONLY') throw new StoreError(`cannot open the store ${file} for writing (${e.code}); check DATABASE_URL and the directory's permissions`);
    throw new StoreError(`cannot open the store ${file}: ${e.message}`);
  }
}

export class SqliteStore extends KyselyStore {
  constructor(file: string) {
    const database = openFile(file);
    super('sqlite', KyselyStore.kysely(new SqliteDialect({ database })), file);
  }
}
