/** Files as secrets (#28): the store, its WAL and SHM, and the folder it creates are owner-only, whatever the umask. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite';

const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('the SQLite store is created owner-only', () => {
  let dir: string;
  let previous: number;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-files-'));
    // A permissive umask, as a service started without UMask=0077 would have.
    previous = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(previous);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a new store: data folder 0700, database, WAL and SHM 0600', async () => {
    const file = path.join(dir, 'data', 'nested', 'cohortbot.db');
    const store = new SqliteStore(file);
    try {
      await store.audit({ at: new Date().toISOString(), actor: 'x@univ-demo.fr', channel: 'cli', command: 'help', outcome: 'ok' });
      expect(mode(path.join(dir, 'data'))).toBe(0o700);
      expect(mode(path.join(dir, 'data', 'nested'))).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect(fs.existsSync(f)).toBe(true);
        expect(mode(f)).toBe(0o600);
      }
    } finally {
      await store.close();
    }
  });

  it('a world-readable store left by an older version is narrowed to 0600 when opened', async () => {
    const file = path.join(dir, 'old.db');
    await new SqliteStore(file).close();
    fs.chmodSync(file, 0o644);
    const store = new SqliteStore(file);
    try {
      await store.audit({ at: new Date().toISOString(), actor: 'x@univ-demo.fr', channel: 'cli', command: 'help', outcome: 'ok' });
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
    } finally {
      await store.close();
    }
  });
});
