/** The LDAP source against a real OpenLDAP (slapd started by the test itself). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LdapSource, LdapSourceOptions } from '../../src/directory/ldap';
import { LdifSource } from '../../src/directory/ldif';
import { summariseRead } from '../../src/directory';
import { BASE_DN, LIMITED_DN, LIMITED_PW, READER_DN, READER_PW, Slapd, baseEntries, freePort, generatedStudents, startSlapd } from '../helpers/slapd';
import { REPO_FIXTURES } from '../helpers/simulator';

const rules = { keyAttribute: 'uid', keyField: 'username' as const, uai: '0141408E' };
const options = (url: string, over: Partial<LdapSourceOptions> = {}): LdapSourceOptions => ({
  url,
  bindDn: READER_DN,
  bindPassword: READER_PW,
  baseDn: `ou=people,${BASE_DN}`,
  filter: '(eduPersonAffiliation=student)',
  pageSize: 500,
  startTls: false,
  timeoutMs: 30_000,
  connectTimeoutMs: 3_000,
  timeLimitSeconds: 60,
  rules,
  ...over,
});

describe('LDAP source on a real slapd with 10,000 students', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd(baseEntries() + '\n' + generatedStudents(10_000));
  }, 120_000);
  afterAll(() => slapd?.stop());

  it('reads every entry with paging, complete', async () => {
    const read = await new LdapSource(options(slapd.url)).read();
    expect(read.incompleteReason).toBeUndefined();
    expect(read.complete).toBe(true);
    expect(read.entries).toBe(10_000);
    expect([...read.roster.students()]).toHaveLength(10_000);
    expect(new Set([...read.roster.students()].map((s) => s.key)).size).toBe(10_000);
    const summary = summariseRead(read, { current: 2026, add: [2026], keepOnly: [] });
    expect(Object.values(summary.etapes).reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(summary.skipped.other_year).toBe(10_000);
  });

  it('reports a read cut by the server size limit as incomplete, never as a smaller directory', async () => {
    const read = await new LdapSource(options(slapd.url, { bindDn: LIMITED_DN, bindPassword: LIMITED_PW })).read();
    expect(read.complete).toBe(false);
    expect(read.incompleteReason).toMatch(/size limit cut the result/);
    expect([...read.roster.students()].length).toBeLessThan(10_000);
  });

  it('says which setting is wrong for a bad password and for a bad base DN', async () => {
    const bad = await new LdapSource(options(slapd.url, { bindPassword: 'wrong' })).read();
    expect(bad.complete).toBe(false);
    expect(bad.incompleteReason).toMatch(/invalid credentials.*LDAP_BIND_PASSWORD/);
    expect([...bad.roster.students()]).toEqual([]);
    const base = await new LdapSource(options(slapd.url, { baseDn: `ou=nowhere,${BASE_DN}` })).read();
    expect(base.complete).toBe(false);
    expect(base.incompleteReason).toMatch(/LDAP_BASE_DN/);
    const lookup = await new LdapSource(options(slapd.url, { bindPassword: 'wrong' })).lookup('g000001');
    expect(lookup).toMatchObject({ complete: false, found: 'none' });
  });

  it('finds one student by uid, student number or e-mail', async () => {
    const src = new LdapSource(options(slapd.url));
    for (const key of ['g000042', '30000042', 'g000042@etu.univ-demo.fr', 'G000042']) {
      const r = await src.lookup(key);
      expect(r).toMatchObject({ complete: true, found: 'student', matches: 1 });
      expect(r.student!.key).toBe('g000042');
    }
  });

  it('finds a student by full name; a name shared by several gives the candidates, never a guess', async () => {
    const src = new LdapSource(options(slapd.url));
    const one = await src.lookup('Student 42');
    expect(one).toMatchObject({ complete: true, found: 'student', matches: 1 });
    expect(one.student!.key).toBe('g000042');
    expect(await src.lookup('Student')).toMatchObject({ found: 'none' }); // one word is an identifier, not a name
  });

  it('cannot be steered by filter injection in the one-student lookup', async () => {
    const src = new LdapSource(options(slapd.url));
    const hostile = ['*', 'g0000*', 'g000001)(uid=*', '*)(|(uid=*', 'g000001)(|(objectClass=*)', '\\2a', 'g000001\u0000', '(uid=g000001)', 'x)(supannEtuId=*'];
    for (const key of hostile) {
      const r = await src.lookup(key);
      expect(r.found).toBe('none');
      expect(r.student).toBeUndefined();
    }
  });

  it('reports a server that is down', async () => {
    const port = await freePort();
    const read = await new LdapSource(options(`ldap://127.0.0.1:${port}`)).read();
    expect(read.complete).toBe(false);
    expect(read.incompleteReason).toMatch(/refused the connection.*LDAP_URL/);
  });
});

describe('the demo directory through LDAP and LDIF', () => {
  let slapd: Slapd;
  const ldif = path.join(REPO_FIXTURES, 'demo-directory.ldif');
  beforeAll(async () => {
    slapd = await startSlapd(fs.readFileSync(ldif, 'utf8'));
  }, 60_000);
  afterAll(() => slapd?.stop());

  it('gives the same students and inscriptions from slapd as from the LDIF file', async () => {
    const viaLdap = await new LdapSource(options(slapd.url)).read();
    const viaFile = await new LdifSource({ path: ldif, rules, maxFileAgeHours: 0 }).read();
    const norm = (r: typeof viaFile) => [...r.roster.students()].map((s) => ({ key: s.key, listeRouge: s.listeRouge, ins: s.inscriptions.map((i) => `${i.year}:${i.etape}`).sort() })).sort((a, b) => a.key.localeCompare(b.key));
    expect(viaLdap.complete).toBe(true);
    expect(norm(viaLdap)).toEqual(norm(viaFile));
    expect([...viaLdap.roster.students()].filter((s) => s.listeRouge)).toHaveLength(5);
  });

  it('`cohortbot directory --json` reads it with the counts of the LDIF', () => {
    const cli = path.resolve(__dirname, '..', '..', 'bin', 'cohortbot.js');
    const run = spawnSync(process.execPath, [cli, 'directory', '--json'], {
      encoding: 'utf8',
      cwd: path.resolve(__dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        DIRECTORY_SOURCE: 'ldap',
        LDAP_URL: slapd.url,
        LDAP_BIND_DN: READER_DN,
        LDAP_BIND_PASSWORD: READER_PW,
        LDAP_BASE_DN: `ou=people,${BASE_DN}`,
        ACADEMIC_YEAR: '2026',
        LOG_LEVEL: 'silent',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { source: string; entries: number; students: number; etapes: Record<string, number>; complete: boolean; durationMs: number };
    expect(doc.complete).toBe(true);
    expect(doc.students).toBe(189);
    expect(doc.etapes.L2PHA1).toBe(18);
    expect(doc.etapes.DUCGE1).toBe(14);
    expect(Object.keys(doc.etapes)).toHaveLength(15);
    expect(typeof doc.durationMs).toBe('number');
  });
});
