/**
 * The store holds the journal, the audit trail and pending confirmations: personal data. Its folder is
 * created owner-only (0700) and its file owner-only (0600) before SQLite opens it; SQLite gives the WAL
 * and SHM files the mode of the database file, so they are owner-only too. A file already there with
 * wider rights is narrowed (a store created by an older version was world-readable).
 */
import fs from 'node:fs';
import path from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export function prepareStoreFile(file: string): void {
  if (file === ':memory:' || file === '' || file.startsWith('file:')) return;
  const resolved = path.resolve(file);
  // Only the folders this call creates get 0700; an existing one (e.g. /var/lib/cohortbot) is the operator's.
  fs.mkdirSync(path.dirname(resolved), { recursive: true, mode: DIR_MODE });
  fs.closeSync(fs.openSync(resolved, fs.constants.O_CREAT | fs.constants.O_RDWR, FILE_MODE));
  for (const f of [resolved, `${resolved}-wal`, `${resolved}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
