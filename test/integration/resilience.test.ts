/** What cohortbot does when things go wrong: bad directory data, a directory that fails, a bad store. */
import { hostileEntries } from '../helpers/hostile-directory';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { digestView } from '../../src/bot/digest';
import { LdifSource } from '../../src/directory/ldif';
import { LdapSource } from '../../src/directory/ldap';
import { renderText } from '../../src/channels/cli/render';
import { SqliteStore, StoreError } from '../../src/store/sqlite';
import { MemoryDirectory } from '../helpers/directory';
import { SyncHarness, startSyncHarness } from '../helpers/engine';
import { BASE_DN, READER_DN, READER_PW, Slapd, baseEntries, freePort, startSlapd } from '../helpers/slapd';

const rules = { keyAttribute: 'uid', keyField: 'username' as const, uai: '0141408E' };

/** Over a hundred hostile directory values: injection, huge, control characters, bad UTF-8, malformed SupAnn. */
describe('hostile directory values', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-hostile-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are each skipped with a counted reason, from a file and from a real slapd, never crashing or changing meaning', async () => {
    const ldif = hostileEntries();
    const file = path.join(dir, 'hostile.ldif');
    fs.writeFileSync(file, ldif);
    const read = await new LdifSource({ path: file, rules, maxFileAgeHours: 0 }).read();
    expect(read.entries).toBeGreaterThanOrEqual(100);
    // Only values that are valid after normalisation survive: L2PHA1 (trimmed, upper-cased) and the HX codes.
    const codes = new Set([...read.roster.students()].flatMap((s) => s.inscriptions.map((i) => i.etape)));
    for (const c of codes) expect(c).toMatch(/^(L2PHA1|HX\d+)$/);
    expect(read.skipped.malformed_inscription).toBeGreaterThan(5);
    expect(read.skipped.bad_etape_code).toBeGreaterThan(5);
    expect(read.skipped.bad_year).toBeGreaterThan(5);
    expect(read.skipped.foreign_etab).toBeGreaterThan(0);
    expect(read.skipped.no_user_key).toBe(1);
    // A real slapd refuses to store invalid UTF-8 in a DirectoryString: that entry only exists in files.
    const storable = ldif.split('\n\n').filter((e) => !e.includes('uid: hbad')).join('\n\n');
    const slapd = await startSlapd(`${baseEntries()}\n${storable}`);
    try {
      const viaLdap = await new LdapSource({ url: slapd.url, bindDn: READER_DN, bindPassword: READER_PW, baseDn: `ou=people,${BASE_DN}`, filter: '(eduPersonAffiliation=student)', pageSize: 50, startTls: false, timeoutMs: 10_000, connectTimeoutMs: 2000, timeLimitSeconds: 30, rules }).read();
      expect(viaLdap.complete).toBe(true);
      expect(new Set([...viaLdap.roster.students()].flatMap((s) => s.inscriptions.map((i) => i.etape)))).toEqual(codes);
    } finally {
      await slapd.stop();
    }
  }, 60_000);
});

describe('a directory that fails removes no one, and the digest says why', () => {
  let h: SyncHarness;
  let slapd: Slapd;
  const mem = new MemoryDirectory();
  beforeAll(async () => {
    mem.students = (await new LdifSource({ path: path.resolve(__dirname, '..', '..', 'fixtures', 'demo-directory.ldif'), rules, maxFileAgeHours: 0 }).students());
    h = await startSyncHarness({ directory: mem });
    await h.engine.run();
    slapd = await startSlapd(baseEntries()); // no people at all: an empty directory
  }, 60_000);
  afterAll(async () => {
    await slapd.stop();
    await h.stop();
  });

  const memberships = () => h.sim.sim.site('ecampus').members.size + h.sim.sim.site('collegium').members.size;
  const ldap = (url: string, over: Record<string, unknown> = {}) => new LdapSource({ url, bindDn: READER_DN, bindPassword: READER_PW, baseDn: `ou=people,${BASE_DN}`, filter: '(eduPersonAffiliation=student)', pageSize: 500, startTls: false, timeoutMs: 3000, connectTimeoutMs: 1000, timeLimitSeconds: 10, rules, ...over });

  it.each([
    ['down', async () => ldap(`ldap://127.0.0.1:${await freePort()}`), /refused the connection/],
    ['empty', async () => ldap(slapd.url), /no entries/],
    ['wrong password', async () => ldap(slapd.url, { bindPassword: 'nope' }), /invalid credentials/],
  ])('LDAP %s', async (_name, source, reason) => {
    const before = memberships();
    const run = await h.newEngine(await source()).run();
    expect(run.status).toBe('aborted');
    expect(run.platforms.every((p) => p.membersRemoved === 0 && p.writeCalls === 0)).toBe(true);
    expect(memberships()).toBe(before);
    const digest = renderText(digestView(run, null));
    expect(digest).toMatch(reason);
    expect(digest).toMatch(/abandonnée/);
    // Aggregates only: no student key in a channel message.
    expect(digest).not.toMatch(/e2\d{7}/);
  });

  it('a truncated read (a round number of entries) adds but does not remove', async () => {
    mem.students = mem.students.slice(0, 170);
    mem.warnings = ['the read returned exactly 500 entries, a common server size limit'];
    const before = memberships();
    const run = await h.newEngine(mem).run();
    expect(run.platforms.every((p) => p.membersRemoved === 0)).toBe(true);
    expect(memberships()).toBe(before);
    expect(renderText(digestView(run, null, 'en'))).toMatch(/removals skipped: the read returned exactly 500 entries/);
    expect(renderText(digestView(run, null, 'fr'))).toMatch(/retraits non appliqués\u00a0: lecture de l’annuaire douteuse/);
  });
});

describe('a corrupted or locked store', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a corrupted file gives a clear error at start and is left untouched', () => {
    const file = path.join(dir, 'cohortbot.db');
    const garbage = Buffer.from('this is not a database '.repeat(500));
    fs.writeFileSync(file, garbage);
    expect(() => new SqliteStore(file)).toThrow(StoreError);
    expect(() => new SqliteStore(file)).toThrow(/not a valid SQLite database .* Nothing was changed/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    const cli = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'bin', 'cohortbot.js'), 'forget', 'someone'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${file}` } });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^cohortbot: store: the store .* is not a valid SQLite database/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('a store locked by another process gives a clear error, and loses nothing', async () => {
    const file = path.join(dir, 'cohortbot.db');
    const first = new SqliteStore(file);
    await first.journal([{ runId: 'r1', platform: 'p', cohortIdnumber: 'etp:X', studentKey: 'k', action: 'add', reason: { code: 'legacy', text: 'r' }, at: new Date().toISOString() }]);
    await first.close();
    const locker = new Database(file);
    locker.pragma('journal_mode = DELETE');
    locker.exec('BEGIN EXCLUSIVE');
    try {
      // Gives up after its busy timeout (the test's own timeout is the deadline), with what to do.
      expect(() => new SqliteStore(file)).toThrow(/locked by another process/);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    const again = new SqliteStore(file);
    expect(await again.studentHistory('k')).toHaveLength(1);
    await again.close();
  }, 30_000);
});
