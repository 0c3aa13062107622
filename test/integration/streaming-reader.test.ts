/**
 * The streaming readers (#20) against the reader they replace: the same students, inscriptions, red
 * list and skip counts on the demo directory and on hostile ones, from a file and from a real slapd
 * read in small pages (so every page is asked for ahead of the one being folded); and a read cut
 * short is still incomplete.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { InscriptionCache, STUDENT_ATTRIBUTES, ldapEntryAttrs, studentFromEntry, type AttrMap } from '../../src/directory/entry';
import { TAKEN, WireEntry, interceptEntries } from '../../src/directory/ldap-entries';
import { LdapSource } from '../../src/directory/ldap';
import { LdifSource } from '../../src/directory/ldif';
import { Roster } from '../../src/directory/roster';
import { parseInscription } from '../../src/directory/supann';
import { DirectoryRead, SkipCounter, Student } from '../../src/directory/types';
import { hostileEntries, hostileShapes } from '../helpers/hostile-directory';
import { BASE_DN, LIMITED_DN, LIMITED_PW, READER_DN, READER_PW, Slapd, baseEntries, startSlapd } from '../helpers/slapd';
import { REPO_FIXTURES } from '../helpers/simulator';

const rules = { keyAttribute: 'uid', keyField: 'username' as const, uai: '0141408E' };

/** The LDIF reader as it was before streaming (whole text split into blocks, every entry kept), as the reference. */
function referenceRead(text: string): { entries: number; students: Student[]; skipped: Record<string, number> } {
  const skip = new SkipCounter();
  const students: Student[] = [];
  let people = 0;
  const unfolded = text.replace(/\r\n/g, '\n').replace(/\n /g, '');
  for (const block of unfolded.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    if (lines.length === 0 || (lines.length === 1 && /^version:/i.test(lines[0]!))) continue;
    let dn: string | undefined;
    const attrs: AttrMap = new Map();
    for (const line of lines) {
      if (/^version:/i.test(line)) continue;
      const m = /^([A-Za-z][A-Za-z0-9;-]*)(::?|:<)\s?(.*)$/.exec(line);
      if (!m) {
        skip.add('malformed_ldif_record');
        continue;
      }
      const [, name, sep, rest] = m as unknown as [string, string, string, string];
      if (sep === ':<') continue;
      const value = sep === '::' ? Buffer.from(rest, 'base64').toString('utf8') : rest;
      if (name.toLowerCase() === 'dn') dn = value;
      else attrs.set(name.split(';')[0]!.toLowerCase(), [...(attrs.get(name.split(';')[0]!.toLowerCase()) ?? []), value]);
    }
    if (dn === undefined) {
      skip.add('malformed_ldif_record');
      continue;
    }
    const classes = (attrs.get('objectclass') ?? []).map((c) => c.toLowerCase());
    if (!classes.some((c) => ['inetorgperson', 'person', 'eduperson', 'supannperson'].includes(c)) && !attrs.has('edupersonaffiliation')) continue;
    people++;
    const r = studentFromEntry(dn, attrs, rules, skip);
    if (r.ok) students.push(r.student);
    else skip.add(r.reason);
  }
  return { entries: people, students, skipped: skip.counts };
}

/** A roster as comparable data: each student once, inscriptions in a fixed order. */
const norm = (students: Iterable<{ key: string; listeRouge: boolean; inscriptions: Array<{ year: number; etape: string; status?: string }> }>) =>
  [...students]
    .map((s) => ({ key: s.key, listeRouge: s.listeRouge, inscriptions: s.inscriptions.map((i) => `${i.year}:${i.etape}:${i.status ?? ''}`).sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const rosterOf = (r: DirectoryRead) => norm(r.roster.students());

describe('the streaming LDIF reader', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-stream-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string]> = [
    ['the demo directory', () => fs.readFileSync(path.join(REPO_FIXTURES, 'demo-directory.ldif'), 'utf8')],
    ['hostile values', () => hostileEntries()],
    ['hostile entry shapes', () => hostileShapes()],
    ['all of them, with CRLF line ends and a version line', () => `version: 1\r\n\r\n${[fs.readFileSync(path.join(REPO_FIXTURES, 'demo-directory.ldif'), 'utf8'), hostileEntries(), hostileShapes()].join('\n\n').replace(/\n/g, '\r\n')}`],
  ];
  it.each(cases)('reads %s exactly as the reader it replaces', async (_name, text) => {
    const file = path.join(dir, 'd.ldif');
    fs.writeFileSync(file, text());
    const read = await new LdifSource({ path: file, rules, maxFileAgeHours: 0 }).read();
    const ref = referenceRead(text());
    expect(read.complete).toBe(true);
    expect(read.entries).toBe(ref.entries);
    expect(read.skipped).toEqual(ref.skipped);
    // Two entries with one key are one student with the union of their inscriptions.
    expect(rosterOf(read)).toEqual(norm(Roster.from(ref.students).students()));
  });

  it('splits lines as the reference does, on thousands of random records over a hostile alphabet (seeded)', async () => {
    let seed = 20261201;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const alphabet = ['a', 'Z', '9', ':', ' ', '\t', '<', ';', '-', '=', '\u00a0', '\u2028', 'é', '[', ']', '{', '}'];
    const noise = () => Array.from({ length: Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const records = Array.from({ length: 3000 }, (_, i) => {
      const lines = [`dn: uid=r${i},ou=people`, 'objectClass: eduPerson', `uid${rand() < 0.3 ? noise() : ''}: r${i}`, `eduPersonAffiliation:${rand() < 0.5 ? ' ' : '\t'}student`];
      for (let k = 0; k < 3; k++) lines.push(rand() < 0.5 ? `supannEtuInscription: [anneeinsc=2026][etape=L${Math.floor(rand() * 9)}${noise()}]` : noise());
      return lines.join('\n');
    });
    const text = records.join('\n\n');
    const file = path.join(dir, 'random.ldif');
    fs.writeFileSync(file, text);
    const read = await new LdifSource({ path: file, rules, maxFileAgeHours: 0 }).read();
    const ref = referenceRead(text);
    expect(read.skipped).toEqual(ref.skipped);
    expect(rosterOf(read)).toEqual(norm(Roster.from(ref.students).students()));
  });

  it('keeps one student per key: a second entry for the same person merges into the first', async () => {
    const file = path.join(dir, 'shapes.ldif');
    fs.writeFileSync(file, hostileShapes());
    const read = await new LdifSource({ path: file, rules, maxFileAgeHours: 0 }).read();
    const dup = rosterOf(read).find((s) => s.key === 'dup1')!;
    expect(dup).toEqual({ key: 'dup1', listeRouge: true, inscriptions: ['2026:L2PHA1:', '2026:L3PHA1:'] });
    expect(rosterOf(read).find((s) => s.key === 'alpha1')).toBeDefined(); // several uids: the first in order
    expect(rosterOf(read).find((s) => s.key === 'fold1')!.inscriptions).toEqual(['2026:M1INF1:']);
    expect(read.skipped).toMatchObject({ not_student: 1, no_inscription: 1 });
  });
});

describe('the streaming LDAP reader, in small pages', () => {
  let slapd: Slapd;
  let text: string;
  beforeAll(async () => {
    // Two entries exist only in files: slapd refuses invalid UTF-8 in a DirectoryString (hbad), and adds
    // the RDN value to an entry whose only uid holds a NUL (hkey), which gives it a usable key there.
    const hostile = hostileEntries().split('\n\n').filter((e) => !e.includes('uid: hbad') && !e.includes('dn: uid=hkey,')).join('\n\n');
    const demo = fs.readFileSync(path.join(REPO_FIXTURES, 'demo-directory.ldif'), 'utf8');
    // The demo's people only: the tree (base, ou=people, ou=system, the readers) comes from baseEntries().
    text = [demo.slice(demo.indexOf('dn: uid=')), hostile, hostileShapes()].join('\n\n');
    // A size limit of 100 for ordinary accounts (the cohortbot reader has unlimited paged results).
    slapd = await startSlapd(`${baseEntries()}\n${text}`, { sizelimit: 100 });
  }, 60_000);
  afterAll(() => slapd?.stop());

  const source = (over: Partial<ConstructorParameters<typeof LdapSource>[0]> = {}) =>
    new LdapSource({ url: slapd.url, bindDn: READER_DN, bindPassword: READER_PW, baseDn: `ou=people,${BASE_DN}`, filter: '(eduPersonAffiliation=*)', pageSize: 7, startTls: false, timeoutMs: 10_000, connectTimeoutMs: 2000, timeLimitSeconds: 30, rules, ...over });

  it('gives the same roster and skip counts as the file reader, page after page', async () => {
    const viaLdap = await source().read();
    expect(viaLdap.complete).toBe(true);
    const ref = referenceRead(text);
    expect(rosterOf(viaLdap)).toEqual(norm(Roster.from(ref.students).students()));
    // The directory counts the same skipped values (a file also counts records it cannot parse).
    const { malformed_ldif_record: _m, ...refSkips } = ref.skipped;
    expect(viaLdap.skipped).toEqual(refSkips);
    expect(viaLdap.roster.size).toBeGreaterThan(200);
  });

  it('decodes every entry from the wire as ldapts does, attribute by attribute', async () => {
    const search = async (wire: boolean): Promise<Array<{ dn: string; attrs: Array<readonly string[] | undefined> }>> => {
      const client = new Client({ url: slapd.url });
      await client.bind(READER_DN, READER_PW);
      const out: Array<{ dn: string; attrs: Array<readonly string[] | undefined> }> = [];
      // ldapts lists a requested attribute the entry lacks as empty: the rules read both as absent.
      const keep = (dn: string, a: { get(n: string): readonly string[] | undefined }) => out.push({ dn, attrs: STUDENT_ATTRIBUTES.map((n) => (a.get(n.toLowerCase())?.length ? a.get(n.toLowerCase()) : undefined)) });
      if (wire) expect(interceptEntries(client, (e: WireEntry) => keep(e.dn, e))).toBe(true);
      try {
        for await (const page of client.searchPaginated(`ou=people,${BASE_DN}`, { scope: 'sub', filter: '(objectClass=*)', attributes: STUDENT_ATTRIBUTES, paged: { pageSize: 7 } })) {
          for (const e of page.searchEntries) if (e !== TAKEN) keep(e.dn, ldapEntryAttrs(e));
        }
      } finally {
        await client.unbind();
      }
      return out;
    };
    const [theirs, ours] = [await search(false), await search(true)];
    expect(theirs.length).toBeGreaterThan(200);
    expect(ours).toEqual(theirs);
  });

  it('flags a read cut by the server size limit as incomplete, with what it read so far', async () => {
    const cut = await source({ bindDn: LIMITED_DN, bindPassword: LIMITED_PW }).read();
    // 100 entries at most for this account: fewer than the tree holds.
    expect(cut.complete).toBe(false);
    expect(cut.incompleteReason).toMatch(/size limit/);
  });

  it('flags a connection that breaks mid-read as incomplete, never as a smaller directory', async () => {
    const reading = source({ pageSize: 3 }).read();
    setTimeout(() => void slapd.stop(), 5);
    const r = await reading;
    if (r.complete) {
      // The read won the race: it must then be whole.
      expect(r.roster.size).toBe(new Set(referenceRead(text).students.map((s) => s.key)).size);
    } else expect(r.incompleteReason).toMatch(/LDAP|connection|refused|answer|failed/i);
    // A size limit of 100 for ordinary accounts (the cohortbot reader has unlimited paged results).
    slapd = await startSlapd(`${baseEntries()}\n${text}`, { sizelimit: 100 });
  }, 60_000);
});

describe('the inscription cache', () => {
  it('answers exactly as the parser for every hostile value, and stops growing at its limit', () => {
    const values = hostileEntries()
      .split('\n')
      .filter((l) => l.startsWith('supannEtuInscription:: '))
      .map((l) => Buffer.from(l.slice('supannEtuInscription:: '.length), 'base64').toString('utf8'));
    const cache = new InscriptionCache(rules, 10);
    for (let round = 0; round < 2; round++) for (const v of values) expect(cache.parse(v)).toEqual(parseInscription(v, rules));
  });
});

describe('the roster', () => {
  it('holds thousands of students compactly and gives each back as given', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const statuses = [undefined, 'E', 'A', '', 'EXT'];
    const students = Array.from({ length: 5000 }, (_, i) => ({
      key: `s${i}`,
      listeRouge: rand() < 0.1,
      inscriptions: Array.from({ length: Math.floor(rand() * 4) }, (_, j) => ({ year: 2024 + j, etape: `E${Math.floor(rand() * 300)}`, status: statuses[Math.floor(rand() * statuses.length)] })),
    }));
    const roster = Roster.from(students);
    expect(roster.size).toBe(5000);
    const strip = (x: { year: number; etape: string; status?: string }) => (x.status === undefined ? { year: x.year, etape: x.etape } : x);
    for (let i = 0; i < 5000; i += 97) expect(roster.student(i)).toEqual({ ...students[i], inscriptions: students[i]!.inscriptions.map(strip) });
    expect(roster.indexOf('s4321')).toBe(4321);
    expect(roster.etapeCodes.length).toBeLessThanOrEqual(300);
    // '' is a status (not in force), not the absence of one (in force).
    const r = Roster.from([{ key: 'x', inscriptions: [{ year: 2026, etape: 'A', status: '' }, { year: 2026, etape: 'B' }] }]);
    expect(r.student(0).inscriptions).toEqual([{ year: 2026, etape: 'A', status: '' }, { year: 2026, etape: 'B' }]);
  });

  it('merges a key given again: union of inscriptions (no repeats), red list if either says so', () => {
    const r = new Roster();
    r.add('a', false, [{ year: 2026, etape: 'L1' }]);
    r.add('b', false, [{ year: 2026, etape: 'L2' }]);
    r.add('a', true, [{ year: 2026, etape: 'L1' }, { year: 2026, etape: 'L3', status: 'E' }]);
    expect(r.size).toBe(2);
    expect(r.student(0)).toEqual({ key: 'a', listeRouge: true, inscriptions: [{ year: 2026, etape: 'L1' }, { year: 2026, etape: 'L3', status: 'E' }] });
    expect(r.student(1).inscriptions).toEqual([{ year: 2026, etape: 'L2' }]);
  });
});
