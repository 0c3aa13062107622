/** A directory of hostile entries and values (docs/directory.md §1.2): each must be skipped with a reason or read exactly. */
import { BASE_DN } from './slapd';

export function hostileEntries(): string {
  const values = [
    ...['*', ')(uid=*', '*)(|(objectClass=*))', '\\2a', "'; DROP TABLE journal;--", '${jndi:ldap://x}', '<script>x</script>', '../../etc/passwd'].flatMap((v) => [
      `[anneeinsc=2026][etape=${v}]`,
      `[anneeinsc=${v}][etape=L2PHA1]`,
      `[etab=${v}][anneeinsc=2026][etape=L2PHA1]`,
      `[${v}=1][anneeinsc=2026][etape=L2PHA1]`,
    ]),
    '[anneeinsc=2026][etape=' + 'A'.repeat(5000) + ']',
    '['.repeat(3000),
    '[anneeinsc=2026][etape=L2PHA1' + ']'.repeat(50),
    '[anneeinsc=2026]\u0000[etape=L2PHA1]',
    '[anneeinsc=2026][etape=L2\u0007PHA1]',
    '[anneeinsc=2026][etape=\uFFFD\uFFFD]',
    '[anneeinsc=٢٠٢٦][etape=L2PHA1]',
    '[anneeinsc=2026][etape=L2PHA1][anneeinsc=2025]',
    '[anneeinsc=2026][etape={UAI:0751717J}L2PHA1]',
    '[etab={UAI}0751717J][anneeinsc=2026][etape=L2PHA1]',
    '[anneeinsc=2026][etape={}]',
    '[anneeinsc=2026][etape={UAI:}]',
    '[anneeinsc=2026][etape=😀]',
    '[anneeinsc=2026][etape=l2pha1 ]',
    ...Array.from({ length: 60 }, (_, i) => `[anneeinsc=${2026 + (i % 3) - 1}][etape=HX${i}]${i % 2 ? '[diplome={SISE}1]' : ''}`),
  ];
  const b64 = (v: string) => `supannEtuInscription:: ${Buffer.from(v, 'utf8').toString('base64')}`;
  const bad = Buffer.from([0x5b, 0x61, 0x6e, 0x6e, 0x65, 0x65, 0xff, 0xfe, 0x5d]).toString('base64'); // invalid UTF-8
  const entries = values.map((v, i) => [`dn: uid=h${i},ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', `uid: h${i}`, 'cn: h', 'sn: h', 'eduPersonAffiliation: student', b64(v), ''].join('\n'));
  entries.push([`dn: uid=hbad,ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', 'uid: hbad', 'cn: h', 'sn: h', 'eduPersonAffiliation: student', `supannEtuInscription:: ${bad}`, ''].join('\n'));
  entries.push([`dn: uid=hkey,ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', `uid:: ${Buffer.from('a\u0000b').toString('base64')}`, 'cn: h', 'sn: h', 'eduPersonAffiliation: student', 'supannEtuInscription: [anneeinsc=2026][etape=L2PHA1]', ''].join('\n'));
  return entries.join('\n');
}

/**
 * Entry-level hostility on top of the values: names in other cases, padded and unicode-padded values,
 * a key given twice (two entries, one person), several uids, the red list, staff, a folded line.
 */
export function hostileShapes(): string {
  const person = (dn: string, lines: string[]) => [`dn: ${dn},ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', 'cn: x', 'sn: x', ...lines, ''].join('\n');
  return [
    person('uid=case1', ['UID: case1', 'EDUPERSONAFFILIATION: Student', 'SupannEtuInscription: [anneeinsc=2026][etape=L2PHA1]']),
    person('uid=pad1', ['uid:   pad1  ', 'eduPersonAffiliation:  student ', 'supannEtuInscription:   [anneeinsc=2026][etape=L3PHA1]  ']),
    person('uid=nbsp1', [`uid:: ${Buffer.from('\u00a0nbsp1\u00a0').toString('base64')}`, 'eduPersonAffiliation: student', 'supannEtuInscription: [anneeinsc=2026][etape=L3PHA1]']),
    person('uid=dup1', ['uid: dup1', 'eduPersonAffiliation: student', 'supannEtuInscription: [anneeinsc=2026][etape=L2PHA1]']),
    person('uid=dup1b', ['uid: DUP1', 'eduPersonAffiliation: student', 'supannListeRouge: TRUE', 'supannEtuInscription: [anneeinsc=2026][etape=L3PHA1]', 'supannEtuInscription: [anneeinsc=2026][etape=L2PHA1]']),
    person('uid=multi1', ['uid: zeta1', 'uid: alpha1', 'eduPersonAffiliation: student', 'supannEtuId: 2', 'supannEtuId: 1', 'supannEtuInscription: [anneeinsc=2026][etape=L1DRT1]']),
    person('uid=red1', ['uid: red1', 'eduPersonAffiliation: student', 'supannListeRouge: true', 'supannEtuInscription: [anneeinsc=2025][etape=L1DRT1]', 'supannEtuInscription: [anneeinsc=2026][etape=L2DRT1]']),
    person('uid=staff1', ['uid: staff1', 'eduPersonAffiliation: staff', 'supannEtuInscription: [anneeinsc=2026][etape=L2PHA1]']),
    person('uid=none1', ['uid: none1', 'eduPersonAffiliation: student']),
    person('uid=fold1', ['uid: fold1', 'eduPersonAffiliation: student', 'supannEtuInscription: [anneeinsc=2026]', ' [etape=M1INF1]']),
    person('uid=same1', ['uid: same1', 'eduPersonAffiliation: student', 'supannEtuInscription: [anneeinsc=2026][etape=L2PHA1]', 'supannEtuInscription: [etape=L2PHA1][anneeinsc=2026]']),
  ].join('\n');
}
