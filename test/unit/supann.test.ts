import { parseInscription, parseTagged, ldapBoolean } from '../../src/directory/supann';
import { ldapEntryAttrs, studentFromEntry } from '../../src/directory/entry';
import { SkipCounter } from '../../src/directory/types';

const UAI = '0141408E';
const rules = { uai: UAI };

describe('parseTagged', () => {
  it.each([
    ['{UAI}0141408E', { namespace: 'UAI', code: '0141408E' }],
    ['{UAI:0141408E}L2PHA1', { namespace: 'UAI', qualifier: '0141408E', code: 'L2PHA1' }],
    ['{SISE}2500123', { namespace: 'SISE', code: '2500123' }],
    ['{supann}L2', { namespace: 'SUPANN', code: 'L2' }],
    ['L2PHA1', { code: 'L2PHA1' }],
    ['  {INCONNU}  x ', { namespace: 'INCONNU', code: 'x' }],
    ['{UAI:}L1', { namespace: 'UAI', code: 'L1' }],
  ])('%s', (raw, expected) => expect(parseTagged(raw)).toEqual(expected));
});

describe('parseInscription', () => {
  const full = `[etab={UAI}${UAI}][anneeinsc=2026][regimeinsc={SISE}10][sectdisc={SISE}34][typedip={SISE}XA][diplome={SISE}2500123][cursusann={SUPANN}L2][affect=UFRSANTE][etape={UAI:${UAI}}L2PHA1]`;

  it('reads every key into a typed inscription', () => {
    expect(parseInscription(full, rules)).toEqual({
      ok: true,
      normalised: false,
      inscription: { year: 2026, etape: 'L2PHA1', etapeQualifier: UAI, etab: UAI, diplome: '2500123', cursus: 'L2', regime: '10', typedip: 'XA', sectdisc: '34', affect: 'UFRSANTE' },
    });
  });

  it('accepts keys in any order, optional keys missing, untagged values, spaces around', () => {
    const r = parseInscription(`  [ etape = l2pha1 ][ANNEEINSC=2026]  `, rules);
    expect(r).toEqual({ ok: true, normalised: true, inscription: expect.objectContaining({ year: 2026, etape: 'L2PHA1' }) });
  });

  it('splits on the first = only', () => {
    const r = parseInscription('[anneeinsc=2026][etape=M1X][affect=a=b]', rules);
    expect(r.ok && r.inscription.affect).toBe('a=b');
  });

  it.each([
    ['', 'malformed_inscription'],
    ['garbage', 'malformed_inscription'],
    ['[anneeinsc=2026][etape=L2PHA1', 'malformed_inscription'],
    ['[anneeinsc=2026]x[etape=L2PHA1]', 'malformed_inscription'],
    ['[anneeinsc=2026][etapeL2PHA1]', 'malformed_inscription'],
    ['[=2026][etape=L2PHA1]', 'malformed_inscription'],
    ['[anneeinsc=2026][etape=L2PHA1][etape=L3PHA1]', 'malformed_inscription'],
    ['[anneeinsc=2026][etape=[L2]]', 'malformed_inscription'],
    ['[anneeinsc=2026]', 'no_etape'],
    ['[anneeinsc=2026][etape=]', 'no_etape'],
    ['[etape=L2PHA1]', 'bad_year'],
    ['[anneeinsc=26][etape=L2PHA1]', 'bad_year'],
    ['[anneeinsc=2026-2027][etape=L2PHA1]', 'bad_year'],
    ['[etab={UAI}0751717J][anneeinsc=2026][etape=L2PHA1]', 'foreign_etab'],
    ['[anneeinsc=2026][etape={UAI:0751717J}L2PHA1]', 'foreign_etape'],
    ['[anneeinsc=2026][etape=L2-PHA1]', 'bad_etape_code'],
    ['[anneeinsc=2026][etape=ABCDEFGHI]', 'bad_etape_code'],
    ['[anneeinsc=2026][etape=L2PHA1\u0000]', 'bad_etape_code'],
    ['[anneeinsc=2026][etape=L2PHÀ1]', 'bad_etape_code'],
    ['[anneeinsc=2026][etape=😀]', 'bad_etape_code'],
  ])('%j → %s', (raw, reason) => expect(parseInscription(raw, rules)).toEqual({ ok: false, reason }));

  it('keeps a foreign étape qualifier only when configured to', () => {
    expect(parseInscription('[anneeinsc=2026][etape={UAI:0751717J}L2PHA1]', { uai: UAI, acceptForeignEtapeQualifier: true }).ok).toBe(true);
  });

  it('never throws, whatever the input', () => {
    const hostile = ['[', ']', '[[]]', '[a=b]'.repeat(5000), '\uFFFD\uFFFD', '[anneeinsc=2026][etape=${jndi:ldap://x}]', String.fromCharCode(...Array.from({ length: 64 }, (_, i) => i))];
    for (const h of hostile) expect(() => parseInscription(h, rules)).not.toThrow();
  });
});

describe('ldapBoolean', () => {
  it('reads TRUE/FALSE case-insensitively and treats missing as false', () => {
    expect(ldapBoolean(['TRUE'])).toBe(true);
    expect(ldapBoolean(['true'])).toBe(true);
    expect(ldapBoolean(['FALSE'])).toBe(false);
    expect(ldapBoolean([])).toBe(false);
  });
});

describe('studentFromEntry (the three shapes of reference §6, plus edge cases)', () => {
  const erules = { keyAttribute: 'uid', keyField: 'username' as const, uai: UAI };
  const run = (entry: Record<string, unknown>) => {
    const skip = new SkipCounter();
    return { r: studentFromEntry('uid=x,ou=people', ldapEntryAttrs(entry), erules, skip), skipped: skip.counts };
  };

  it('a two-year student with multi-valued attributes (arrays)', () => {
    const { r, skipped } = run({
      dn: 'uid=e1',
      uid: 'E21900123',
      supannEtuId: ['21900123'],
      eduPersonAffiliation: ['member', 'student'],
      supannEtuInscription: [`[anneeinsc=2026][etape=L2PHA1]`, `[anneeinsc=2025][etape=L1SCI1]`, `[anneeinsc=2026][etape=L2PHA1]`],
      supannListeRouge: 'FALSE',
    });
    expect(r.ok && r.student).toMatchObject({ key: 'e21900123', etuId: '21900123', listeRouge: false, inscriptions: [{ year: 2026, etape: 'L2PHA1' }, { year: 2025, etape: 'L1SCI1' }] });
    expect(skipped).toEqual({});
  });

  it('a red-listed student with a single inscription whose keys are out of order (plain strings)', () => {
    const { r } = run({ uid: 'e2', eduPersonAffiliation: 'student', supannEtuId: '2', supannListeRouge: 'TRUE', supannEtuInscription: '[etape={UAI:0141408E}M1INF1][anneeinsc=2026][etab={UAI}0141408E]' });
    expect(r.ok && r.student).toMatchObject({ key: 'e2', listeRouge: true, inscriptions: [{ etape: 'M1INF1', year: 2026 }] });
  });

  it('the grammatical gender from supannCivilite (M. / Mme), none when the directory does not say', () => {
    const base = { uid: 'e3', eduPersonAffiliation: 'student', supannEtuInscription: '[anneeinsc=2026][etape=L2PHA1]' };
    expect(run({ ...base, supannCivilite: 'Mme' }).r).toMatchObject({ ok: true, student: { gender: 'f' } });
    expect(run({ ...base, supannCivilite: 'M.' }).r).toMatchObject({ ok: true, student: { gender: 'm' } });
    const unknown = run(base).r;
    expect(unknown.ok && 'gender' in unknown.student).toBe(false);
  });

  it('an employee without SupAnn student attributes (every requested attribute [])', () => {
    expect(run({ uid: 'jdoe', eduPersonAffiliation: ['employee', 'staff'], supannEtuInscription: [], supannEtuId: [] }).r).toEqual({ ok: false, reason: 'not_student' });
  });

  it('counts entry-level and value-level problems by reason', () => {
    expect(run({ eduPersonAffiliation: 'student', supannEtuInscription: '[anneeinsc=2026][etape=X1]' }).r).toEqual({ ok: false, reason: 'no_user_key' });
    expect(run({ uid: 'a', eduPersonAffiliation: 'student' }).r).toEqual({ ok: false, reason: 'no_inscription' });
    const { r, skipped } = run({ uid: 'b', eduPersonAffiliation: 'student', supannEtuId: ['2', '1'], supannEtuInscription: ['[anneeinsc=2026][etape=l1sci1]', 'junk', '[anneeinsc=2026]', 'x'.repeat(5000)] });
    expect(r.ok && r.student.etuId).toBe('1');
    expect(skipped).toEqual({ multi_etu_id: 1, normalised_code: 1, malformed_inscription: 2, no_etape: 1 });
  });

  it('keeps a staff member who also studies, whatever the primary affiliation', () => {
    const { r } = run({ uid: 'c', eduPersonAffiliation: ['employee', 'student'], eduPersonPrimaryAffiliation: 'employee', supannEtuInscription: '[anneeinsc=2026][etape=M2MEE1]' });
    expect(r.ok).toBe(true);
  });
});
