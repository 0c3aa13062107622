import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApogeeCsvSource } from '../../src/directory/apogee-csv';
import { readCsv, unclosedQuoteLine } from '../../src/directory/csv';
import { LdifSource, parseLdif } from '../../src/directory/ldif';
import { countedEtapes, readEtapeLabels, summariseRead } from '../../src/directory';
import { REPO_FIXTURES } from '../helpers/simulator';

const rules = { keyAttribute: 'uid', keyField: 'username' as const, uai: '0141408E' };
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-dir-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe('LDIF', () => {
  it('parses folded lines, base64 values, comments and attribute options', () => {
    const { entries, errors } = parseLdif(
      ['version: 1', '', '# a comment', 'dn: uid=a,ou=people', 'uid: a', 'cn:: ' + Buffer.from('Zoé Leroy').toString('base64'), 'supannEtuInscription: [anneeinsc=2026]', ' [etape=L2PHA1]', 'cn;lang-fr: Zoé', ''].join('\n'),
    );
    expect(errors).toBe(0);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.attrs.get('cn')).toEqual(['Zoé Leroy', 'Zoé']);
    expect(entries[0]!.attrs.get('supannetuinscription')).toEqual(['[anneeinsc=2026][etape=L2PHA1]']);
  });

  it('counts records without a dn or with broken lines, and keeps going', () => {
    const { entries, errors } = parseLdif('uid: orphan\n\ndn: uid=b\nuid: b\n!!!\n');
    expect(entries).toHaveLength(1);
    expect(errors).toBe(2);
  });

  it('reads the demo directory: 189 students, 6 staff skipped, the red list kept', async () => {
    const read = await new LdifSource({ path: path.join(REPO_FIXTURES, 'demo-directory.ldif'), rules, maxFileAgeHours: 0 }).read();
    expect(read.complete).toBe(true);
    expect([...read.roster.students()]).toHaveLength(189);
    expect(read.skipped).toEqual({ not_student: 6 });
    expect([...read.roster.students()].filter((s) => s.listeRouge)).toHaveLength(5);
    const leaver = [...read.roster.students()].find((s) => s.key === 'e21800999')!;
    expect(countedEtapes(leaver, [2026])).toEqual([]);
  });

  it('an empty or stale file is an incomplete read, never an empty directory', async () => {
    const empty = await new LdifSource({ path: write('e.ldif', ''), rules, maxFileAgeHours: 0 }).read();
    expect(empty).toMatchObject({ complete: false });
    expect(empty.roster.size).toBe(0);
    const stale = write('s.ldif', fs.readFileSync(path.join(REPO_FIXTURES, 'demo-directory.ldif'), 'utf8'));
    const old = new Date(Date.now() - 48 * 3600_000);
    fs.utimesSync(stale, old, old);
    const r = await new LdifSource({ path: stale, rules, maxFileAgeHours: 36 }).read();
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toMatch(/older than 36 h/);
    const missing = await new LdifSource({ path: path.join(dir, 'nope.ldif'), rules, maxFileAgeHours: 0 }).read();
    expect(missing.incompleteReason).toMatch(/cannot read .*ENOENT/);
  });

  it('looks one student up by uid, student number or e-mail, and tells a staff member apart', async () => {
    const src = new LdifSource({ path: path.join(REPO_FIXTURES, 'demo-directory.ldif'), rules, maxFileAgeHours: 0 });
    expect((await src.lookup('E21900001')).student?.key).toBe('e21900001');
    expect((await src.lookup('21900001')).student?.key).toBe('e21900001');
    expect(await src.lookup('mdurand')).toMatchObject({ found: 'excluded', reason: 'not_student' });
    expect(await src.lookup('nobody')).toMatchObject({ found: 'none', matches: 0 });
  });
});

describe('Apogée CSV extract', () => {
  it('splits quoted fields: separators, doubled quotes, line breaks inside quotes, a bare quote kept', () => {
    expect(readCsv('a;"b;c";"d ""e""";\r\n"x\r\ny";z"w\n\n   \n')).toEqual({ records: [['a', 'b;c', 'd "e"', ''], ['x\r\ny', 'z"w']] });
    expect(readCsv('a;"b\n')).toEqual({ problem: expect.stringMatching(/not valid CSV: a quoted field opened on line 1 is never closed/) });
  });

  it('names the line where an unclosed quote opened, with CRLF or LF line ends', () => {
    for (const eol of ['\r\n', '\n']) {
      const text = ['cod_etu;cod_anu;lib_etp', '1;2026;"QA ""1"""', '2;2026;"QA', '3;2026;QA1', '4;2026;QA1'].join(eol) + eol;
      expect(readCsv(text)).toEqual({ problem: expect.stringMatching(/quoted field opened on line 3 is never closed/) });
    }
    expect(unclosedQuoteLine('a;"b;c\nd";e\n')).toBeUndefined();
  });

  it('reads an extract whose fields hold quoted separators, quotes and line breaks, with a BOM and CRLF, exactly', async () => {
    const p = write(
      'q.csv',
      '\uFEFFcod_etu;cod_anu;cod_etp;lib_etp;eta_iae\r\n' +
        '00201;2026;L1SCI1;"Licence 1\r\nSciences; parcours ""MIPI""";E\r\n' +
        '00202;2026;L1SCI1;"Licence 1\r\nSciences; parcours ""MIPI""";E\r\n' +
        '"00203";"2026";"M1INF1";"Master ""Info""; 1re année";"E"\r\n',
    );
    fs.writeFileSync(`${p}.count`, '3\n');
    const read = await new ApogeeCsvSource({ path: p, maxFileAgeHours: 0 }).read();
    expect(read).toMatchObject({ complete: true, entries: 3, skipped: {} });
    expect(read.etapes).toEqual({ L1SCI1: { label: 'Licence 1\r\nSciences; parcours "MIPI"' }, M1INF1: { label: 'Master "Info"; 1re année' } });
    expect([...read.roster.students()].map((s) => [s.key, countedEtapes(s, [2026])])).toEqual([
      ['00201', ['L1SCI1']],
      ['00202', ['L1SCI1']],
      ['00203', ['M1INF1']],
    ]);
  });

  it('an extract cut inside a quoted field is an incomplete read that names the line, and reads nobody', async () => {
    const p = write('cut.csv', 'cod_etu;cod_anu;cod_etp;lib_etp\n1;2026;L1SCI1;ok\n2;2026;L1SCI1;"Licence\n');
    const read = await new ApogeeCsvSource({ path: p, maxFileAgeHours: 0 }).read();
    expect(read.complete).toBe(false);
    expect(read.roster.size).toBe(0);
    expect(read.incompleteReason).toMatch(/cut\.csv: the file is not valid CSV: a quoted field opened on line 3 is never closed/);
  });

  it('honours eta_iae, keeps labels, strips a BOM, accepts CRLF and any column order', async () => {
    const p = write('x.csv', '\uFEFFlib_etp;cod_etp;cod_anu;cod_etu;eta_iae;extra\r\nLicence 2 Pharmacie;l2pha1;2026;00123;E;z\r\n;L2PHA1;2026;00124;A;z\r\n"Licence 3; Pharmacie";L3PHA1;2026;00125;E;z\r\n');
    const read = await new ApogeeCsvSource({ path: p, maxFileAgeHours: 0 }).read();
    expect(read.complete).toBe(true);
    expect(read.entries).toBe(3);
    expect(read.etapes).toEqual({ L2PHA1: { label: 'Licence 2 Pharmacie' }, L3PHA1: { label: 'Licence 3; Pharmacie' } });
    expect(read.skipped).toEqual({ normalised_code: 1, not_active: 1 });
    const s124 = [...read.roster.students()].find((s) => s.key === '00124')!;
    expect(countedEtapes(s124, [2026])).toEqual([]);
    expect(countedEtapes([...read.roster.students()].find((s) => s.key === '00123')!, [2026])).toEqual(['L2PHA1']);
  });

  it('refuses a file without a required column, or whose row count differs from its .count sidecar', async () => {
    const noCol = await new ApogeeCsvSource({ path: write('a.csv', 'cod_etu;cod_etp\n1;L1\n'), maxFileAgeHours: 0 }).read();
    expect(noCol).toMatchObject({ complete: false });
    expect(noCol.roster.size).toBe(0);
    expect(noCol.incompleteReason).toMatch(/no cod_anu column/);
    const p = write('b.csv', 'cod_etu;cod_anu;cod_etp\n1;2026;L1\n2;2026;L1\n');
    fs.writeFileSync(`${p}.count`, '3\n');
    const cut = await new ApogeeCsvSource({ path: p, maxFileAgeHours: 0 }).read();
    expect(cut.complete).toBe(false);
    expect(cut.incompleteReason).toMatch(/has 2 rows but .*count says 3/);
    fs.writeFileSync(`${p}.count`, '2\n');
    expect((await new ApogeeCsvSource({ path: p, maxFileAgeHours: 0 }).read()).complete).toBe(true);
  });

  it('skips bad rows by reason and keeps the rest', async () => {
    const p = write('c.csv', 'cod_etu;cod_anu;cod_etp\n;2026;L1\n5;26;L1\n6;2026;\n7;2026;L1-X\n8;2026;L1SCI1\n');
    const read = await new ApogeeCsvSource({ path: p, maxFileAgeHours: 0 }).read();
    expect(read.skipped).toEqual({ no_user_key: 1, bad_year: 1, no_etape: 1, bad_etape_code: 1 });
    expect([...read.roster.students()].map((s) => s.key)).toEqual(['8']);
  });

  it('reads the demo extract: the cancelled inscription does not count', async () => {
    const read = await new ApogeeCsvSource({ path: path.join(REPO_FIXTURES, 'demo-apogee.csv'), maxFileAgeHours: 0 }).read();
    const summary = summariseRead(read, { current: 2026, add: [2026], keepOnly: [] });
    expect(summary.skipped.not_active).toBe(1);
    expect(summary.etapes.L2DRT1).toBe(15);
    expect(summary.etapes.L2PHA1).toBe(18);
  });
});

describe('étape labels', () => {
  it('reads code;label;composante with or without a header', () => {
    expect(readEtapeLabels(write('l.csv', 'code;label;composante\nl2pha1;Licence 2 Pharmacie;UFR Santé\nDUCGE1;"DU Capacité; FOAD";CEMU\n'))).toEqual({
      L2PHA1: { label: 'Licence 2 Pharmacie', composante: 'UFR Santé' },
      DUCGE1: { label: 'DU Capacité; FOAD', composante: 'CEMU' },
    });
  });
});
