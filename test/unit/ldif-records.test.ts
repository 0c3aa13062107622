/**
 * The LDIF reader over seeded random texts (folded lines, CRLF, comments, base64, options, broken lines,
 * stray line breaks): its records equal a reference that applies the grammar as one regular expression
 * per line, and a full read's scan (only some attributes kept) equals the whole parse filtered.
 */
import { LdifEntry, ldifRecords } from '../../src/directory/ldif';

let seed = 20261203;
const rand = (n: number) => Math.floor(((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * n);
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

const LINES = [
  'dn: uid=a,ou=people', 'DN: uid=B,ou=people', 'dn;x: odd', 'uid: a', 'UID: A', 'uid:b', 'cn:: ' + Buffer.from('Zoé Leroy').toString('base64'),
  'cn;lang-fr: Zoé', 'objectClass: supannPerson', 'objectclass: person', 'eduPersonAffiliation: student', 'mail: a@x.fr', 'mail:< file:///x',
  'supannEtuInscription: [etab={UAI}0141408E][anneeinsc=2026][etape={UAI:0141408E}A0001]', 'supannEtuInscription: [anneeinsc=2026]', ' [etape=L2PHA1]',
  ' continued', '# a comment', 'version: 1', 'Version: 1', '', '', '', '   ', '!!!', 'x', ':novalue', '1uid: a', 'uid: a\rb', 'cn: a\u2028b', 'cn:\r',
  'cn:<\rx', 'sn: ' + 'z'.repeat(300),
];
const randomLdif = () => Array.from({ length: rand(40) }, () => pick(LINES)).join(rand(4) === 0 ? '\r\n' : '\n') + pick(['', '\n', '\n\n']);

/** The reference: logical lines unfolded, then LINE on each, as the reader's grammar says. */
function reference(text: string): Array<LdifEntry | 'error'> {
  const LINE = /^([A-Za-z][A-Za-z0-9;-]*)(::?|:<)\s?(.*)$/;
  const out: Array<LdifEntry | 'error'> = [];
  const physical = text.split('\n');
  const logical: Array<{ line: string; blankSeparator: boolean }> = [];
  for (let i = 0; i < physical.length; i++) {
    const strip = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);
    if (i === physical.length - 1 && physical[i] === '') break; // the text's final line end
    let line = strip(physical[i]!);
    const first = i;
    while (i + 1 < physical.length && physical[i + 1]!.startsWith(' ') && !(i + 1 === physical.length - 1 && physical[i + 1] === '')) line += strip(physical[++i]!).slice(1);
    const terminated = i < physical.length - 1;
    logical.push({ line, blankSeparator: line.trim() === '' && (line === '' || (first > 0 && terminated)) });
  }
  let dn: string | undefined;
  let attrs = new Map<string, string[]>();
  let lines = 0;
  let versionOnly = true;
  const end = () => {
    if (lines > 0 && !versionOnly) out.push(dn === undefined ? 'error' : { dn, attrs });
    dn = undefined;
    attrs = new Map();
    lines = 0;
    versionOnly = true;
  };
  for (const { line, blankSeparator } of logical) {
    if (blankSeparator) {
      end();
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    lines++;
    if (/^version:/i.test(line)) continue;
    versionOnly = false;
    const m = LINE.exec(line);
    if (!m) {
      out.push('error');
      continue;
    }
    if (m[2] === ':<') continue;
    const value = m[2] === '::' ? Buffer.from(m[3]!, 'base64').toString('utf8') : m[3]!;
    if (m[1]!.toLowerCase() === 'dn') dn = value;
    else {
      const key = m[1]!.split(';')[0]!.toLowerCase();
      attrs.set(key, [...(attrs.get(key) ?? []), value]);
    }
  }
  end();
  return out;
}

const keepOnly = (records: Array<LdifEntry | 'error'>, keep: ReadonlySet<string>) =>
  records.map((r) => (r === 'error' ? r : { dn: r.dn, attrs: new Map([...r.attrs].filter(([k]) => keep.has(k))) }));

describe('ldifRecords (seeded random texts)', () => {
  it('reads every text as the grammar says, and a scan keeping some attributes reads the same records filtered', () => {
    const keep = new Set(['uid', 'supannetuinscription', 'objectclass', 'edupersonaffiliation']);
    for (let i = 0; i < 3000; i++) {
      const text = randomLdif();
      const whole = [...ldifRecords(text)];
      expect({ text, records: whole }).toEqual({ text, records: reference(text) });
      expect({ text, records: [...ldifRecords(text, keep)] }).toEqual({ text, records: keepOnly(whole, keep) });
    }
  });
});
