import { Command, parseCommand, parseCourse, tokenize } from '../../src/bot/commands';
import { HOSTILE } from '../helpers/hostile';
import { fr } from '../../src/i18n/fr';
import { en } from '../../src/i18n/en';

const P = { platforms: ['ecampus', 'collegium'] };
const ok = (input: string): Command => {
  const r = parseCommand(input, P);
  if (!r.ok) throw new Error(`${input}: ${JSON.stringify(r.error)}`);
  return r.command;
};

describe('grammar (FR/EN, accents, case)', () => {
  it.each([
    ['aide', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['/cohort help', { kind: 'help' }],
    ['@CohortBot aide', { kind: 'help' }],
    ['qui suis-je', { kind: 'whoami' }],
    ['whoami', { kind: 'whoami' }],
    ['état', { kind: 'status', target: undefined }],
    ['ETAT L2PHA1', { kind: 'status', target: 'L2PHA1' }],
    ['status ecampus', { kind: 'status', target: 'ecampus' }],
    ['state etp:L2PHA1', { kind: 'status', target: 'etp:L2PHA1' }],
    ['oui', { kind: 'confirm', id: undefined }],
    ['yes 1a2b3c4d', { kind: 'confirm', id: '1a2b3c4d' }],
    ['Non', { kind: 'cancel', id: undefined }],
    ['chercher pharma', { kind: 'search', query: 'pharma', course: undefined, page: 1 }],
    ['Rechercher licence 2 pharmacie', { kind: 'search', query: 'licence 2 pharmacie', course: undefined, page: 1 }],
    ['search L2 pharma in PHA-L2-101', { kind: 'search', query: 'L2 pharma', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' }, page: 1 }],
    ['chercher droit dans 12 page 3', { kind: 'search', query: 'droit', course: { raw: '12', id: 12 }, page: 3 }],
    ['méthodes PHA-L2-101', { kind: 'syncs', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' } }],
    ['METHODES ecampus:PHA-L2-101', { kind: 'syncs', course: { raw: 'ecampus:PHA-L2-101', platform: 'ecampus', text: 'PHA-L2-101' } }],
    ['syncs https://ecampus.univ.fr/course/view.php?id=42', { kind: 'syncs', course: { raw: 'https://ecampus.univ.fr/course/view.php?id=42', site: 'https://ecampus.univ.fr', id: 42 } }],
    ['pourquoi e21900123 PHA-L2-101', { kind: 'why', student: 'e21900123', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' } }],
    ['why "Zoé Leroy" in PHA-L2-101', { kind: 'why', student: 'Zoé Leroy', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' } }],
    ['ajouter L2PHA1 à PHA-L2-101 groupe Groupe A du mardi rôle étudiant', { kind: 'add', cohort: 'L2PHA1', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' }, group: { kind: 'name', name: 'Groupe A du mardi' }, role: { shortname: 'student' }, inactive: false, orderKnown: true }],
    ['add L2PHA1 to PHA-L2-101 role non editing teacher group "Tuesday group"', { kind: 'add', cohort: 'L2PHA1', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' }, group: { kind: 'name', name: 'Tuesday group' }, role: { shortname: 'teacher' }, inactive: false, orderKnown: true }],
    ['modifier L2PHA1 dans PHA-L2-101 rôle enseignant non éditeur', { kind: 'update', cohort: 'L2PHA1', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' }, role: { shortname: 'teacher' } }],
    ['membres L2PHA1 sur collegium', { kind: 'members', cohort: 'L2PHA1', platform: 'collegium' }],
    ['membres ecampus:tuteurs', { kind: 'members', cohort: 'tuteurs', platform: 'ecampus' }],
    ['méthodes PHA-L2-101 sur ecampus', { kind: 'syncs', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101', platform: 'ecampus' } }],
    ['créer cohorte "Tuteurs" collegium:tut', { kind: 'createCohort', name: 'Tuteurs', idnumber: 'tut', platform: 'collegium' }],
    ['synchroniser e21900123', { kind: 'sync', target: { kind: 'guess', ref: 'e21900123' } }],
    ['synchroniser étudiant e21900123', { kind: 'sync', target: { kind: 'student', ref: 'e21900123' } }],
    ['sync student e21900123', { kind: 'sync', target: { kind: 'student', ref: 'e21900123' } }],
    ['Synchroniser Cohorte L2PHA1', { kind: 'sync', target: { kind: 'cohort', ref: 'L2PHA1' } }],
    ['sync platform collegium', { kind: 'sync', target: { kind: 'platform', ref: 'collegium' } }],
    ['sync all', { kind: 'sync', target: { kind: 'all' } }],
    ['synchroniser tout', { kind: 'sync', target: { kind: 'all' } }],
    ['historique e21900123', { kind: 'history', student: 'e21900123' }],
    ['approuver r20261129-020000-ab12', { kind: 'approve', run: 'r20261129-020000-ab12' }],
    ['reject r1', { kind: 'reject', run: 'r1' }],
    ['membres tuteurs-l2-pharma', { kind: 'members', cohort: 'tuteurs-l2-pharma' }],
    ['créer cohorte "Tuteurs L3 pharma" tuteurs-l3-pharma', { kind: 'createCohort', name: 'Tuteurs L3 pharma', idnumber: 'tuteurs-l3-pharma', platform: undefined }],
    ['create cohort «Tutors» tutors collegium', { kind: 'createCohort', name: 'Tutors', idnumber: 'tutors', platform: 'collegium' }],
    ['ajouter membres tuteurs e1, e2;e3 e4', { kind: 'addMembers', cohort: 'tuteurs', list: ['e1', 'e2', 'e3', 'e4'] }],
    ['retirer membres tuteurs e1', { kind: 'removeMembers', cohort: 'tuteurs', list: ['e1'] }],
  ])('%s', (input, expected) => expect(ok(input)).toEqual(expected));

  it('reads add with its options in French and English', () => {
    expect(ok('ajouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun')).toEqual({ kind: 'add', cohort: 'etp:L2PHA1', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' }, role: { shortname: 'student' }, group: { kind: 'none' }, name: undefined, inactive: false, orderKnown: true });
    expect(ok('AJOUTER "Licence 2 Pharmacie" a PHA-L2-101 ROLE Enseignant non éditeur groupe nouveau nom "L2 pharma" inactive')).toMatchObject({ cohort: 'Licence 2 Pharmacie', role: { shortname: 'teacher' }, group: { kind: 'new' }, name: 'L2 pharma', inactive: true });
    expect(ok('add L2PHA1 to ecampus:PHA-L2-101 role=student group=none')).toMatchObject({ cohort: 'L2PHA1', course: { platform: 'ecampus' }, role: { shortname: 'student' }, group: { kind: 'none' } });
    expect(ok('add PHA-L2-101 etp:L2PHA1 role=teacher group="TD 1"')).toMatchObject({ cohort: 'etp:L2PHA1', course: { text: 'PHA-L2-101' }, role: { shortname: 'editingteacher' }, group: { kind: 'name', name: 'TD 1' }, orderKnown: false });
    expect(ok('ajouter Licence de droit à DRT-L1-101')).toMatchObject({ cohort: 'Licence de droit', course: { text: 'DRT-L1-101' } });
  });

  it('reads update and remove', () => {
    expect(ok('modifier etp:L2PHA1 dans PHA-L2-101 rôle enseignant désactiver')).toMatchObject({ kind: 'update', role: { shortname: 'editingteacher' }, enabled: false });
    expect(ok('update L2PHA1 in PHA-L2-101 enable name "L2"')).toMatchObject({ kind: 'update', enabled: true, name: 'L2' });
    expect(ok('retirer etp:L2PHA1 de PHA-L2-101')).toEqual({ kind: 'remove', cohort: 'etp:L2PHA1', course: { raw: 'PHA-L2-101', text: 'PHA-L2-101' } });
    expect(ok('remove Licence de droit from DRT-L1-101')).toMatchObject({ cohort: 'Licence de droit' });
  });

  it('parses course references', () => {
    expect(parseCourse('https://collegium.univ.fr/course/view.php?id=7&section=2')).toEqual({ raw: 'https://collegium.univ.fr/course/view.php?id=7&section=2', site: 'https://collegium.univ.fr', id: 7 });
    expect(parseCourse('ecampus:17', ['ecampus'])).toEqual({ raw: 'ecampus:17', platform: 'ecampus', id: 17 });
    expect(parseCourse('etp:X', ['ecampus'])).toEqual({ raw: 'etp:X', text: 'etp:X' });
  });

  it('keeps quoted runs together', () => {
    expect(tokenize('a "b c" «d e» “f g” h')).toEqual(['a', 'b c', 'd e', 'f g', 'h']);
  });
});

describe('errors name what is missing and the closest command', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['ajouter etp:L2PHA1', 'missing'],
    ['ajouter', 'missing'],
    ['retirer etp:L2PHA1', 'missing'],
    ['méthodes', 'missing'],
    ['chercher', 'missing'],
    ['pourquoi e1', 'missing'],
    ['approuver', 'missing'],
    ['ajouter x à y rôle roi', 'badRole'],
    ['chercher x page -1', 'badOption'],
    ['retirer x de y groupe aucun', 'badOption'],
    ['ajoutr x à y', 'unknown'],
  ])('%j → %s', (input, code) => {
    const r = parseCommand(input, P);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('suggests the closest valid command in the language used', () => {
    const fr = parseCommand('ajoutr etp:X à Y', P);
    expect(!fr.ok && fr.error.code === 'unknown' && fr.error.suggestion).toEqual({ fr: 'ajouter', en: 'add' });
    const en = parseCommand('serch pharma', P);
    expect(!en.ok && en.error.code === 'unknown' && en.error.suggestion).toEqual({ fr: 'chercher', en: 'search' });
    const none = parseCommand('bonjour', P);
    expect(!none.ok && none.error.code === 'unknown' && none.error.suggestion).toBeUndefined();
  });
});

describe('courses and questions as people write them (#26)', () => {
  const course = (input: string) => {
    const r = parseCommand(input, P);
    if (!r.ok || !('course' in r.command)) throw new Error(`${input}: ${JSON.stringify(r)}`);
    return r.command.course;
  };
  it('a course named last takes the rest of the line, up to the options', () => {
    expect(course('méthodes Pharmacologie générale')).toEqual({ raw: 'Pharmacologie générale', text: 'Pharmacologie générale' });
    expect(parseCommand('ajouter etp:L2PHA1 à Pharmacologie générale rôle étudiant', P)).toMatchObject({ ok: true, command: { kind: 'add', cohort: 'etp:L2PHA1', course: { text: 'Pharmacologie générale' }, role: { shortname: 'student' } } });
    expect(parseCommand('retirer L2PHA1 de Droit de la famille', P)).toMatchObject({ ok: true, command: { kind: 'remove', cohort: 'L2PHA1', course: { text: 'Droit de la famille' } } });
    // A cohort name with "de" in it, typed in words: the last separator still splits.
    expect(parseCommand('retirer Licence de droit de DRT-L2-201', P)).toMatchObject({ ok: true, command: { kind: 'remove', cohort: 'Licence de droit', course: { text: 'DRT-L2-201' } } });
  });
  it('"PHA-L3-201 (ecampus)", the label the bot prints, names the course and its platform', () => {
    expect(course('syncs PHA-L3-201 (ecampus)')).toEqual({ raw: 'PHA-L3-201 (ecampus)', text: 'PHA-L3-201', platform: 'ecampus' });
    expect(course('modifier x dans PHA-L2-101 (collegium) activer')).toMatchObject({ text: 'PHA-L2-101', platform: 'collegium' });
  });
  it.each([
    ["pourquoi e21900063 n'est pas inscrit à DRT-L2-201", 'e21900063', 'DRT-L2-201'],
    ['pourquoi Sarah Dupont n’est pas inscrite en PHA-L2-101 ?', 'Sarah Dupont', 'PHA-L2-101'],
    ['est-ce que Sarah Dupont est inscrite en PHA-L2-101 ?', 'Sarah Dupont', 'PHA-L2-101'],
    ['Est-ce que e21900001 est inscrit à Pharmacologie générale?', 'e21900001', 'Pharmacologie générale'],
    ['is Sarah Dupont enrolled in PHA-L2-101?', 'Sarah Dupont', 'PHA-L2-101'],
    ['why is e21900001 not enrolled in PHA-L2-101', 'e21900001', 'PHA-L2-101'],
    ["why isn't e21900001 enrolled in PHA-L2-101?", 'e21900001', 'PHA-L2-101'],
    ['why e21900001 is not enrolled in ecampus:PHA-L2-101', 'e21900001', 'ecampus:PHA-L2-101'],
  ])('%j is `pourquoi`', (input, student, courseRaw) => {
    expect(parseCommand(input, P)).toMatchObject({ ok: true, command: { kind: 'why', student, course: { raw: courseRaw } } });
  });
  it('a sentence it does not read gets the closest command, with an example', () => {
    const r = parseCommand('qui est inscrit en L2 ?', P);
    expect(!r.ok && r.error.code === 'unknown' && r.error.example).toEqual({ fr: 'pourquoi e21900123 PHA-L2-101', en: 'why e21900123 PHA-L2-101' });
    const hello = parseCommand('bonjour', P);
    expect(!hello.ok && hello.error.code === 'unknown' && hello.error.example).toBeTruthy();
  });
  it('typed button labels are pointed to the command', () => {
    expect(parseCommand('+ etp:L2PHA1', P)).toEqual({ ok: false, error: { code: 'missing', what: 'course', example: { fr: 'ajouter etp:L2PHA1 à PHA-L2-101', en: 'add etp:L2PHA1 to PHA-L2-101' } } });
    // "voir plus" stands for the next page of the person's own last search, which only the core knows (core.ts).
    for (const typed of ['Voir plus (3)', 'see more', 'suivant']) {
      const more = parseCommand(typed, P);
      expect(!more.ok && more.error.code).toBe('typedMore');
    }
  });

  // fixparse #1: the student is one token (a key, a number, an e-mail, a quoted name); the course the rest of the line.
  it.each([
    ['pourquoi e21900001 chimie analytique', 'e21900001', 'chimie analytique'],
    ['pourquoi zoe.leroy1@etu.univ-demo.fr Pharmacologie générale', 'zoe.leroy1@etu.univ-demo.fr', 'Pharmacologie générale'],
    ['why e21900044 introduction au droit', 'e21900044', 'introduction au droit'],
    ['why 21900044 in Introduction to law', '21900044', 'Introduction to law'],
    ['pourquoi e21900001 dans Droit pour les nuls', 'e21900001', 'Droit pour les nuls'],
    ['pourquoi "Sarah Dupont" Pharmacologie générale', 'Sarah Dupont', 'Pharmacologie générale'],
    ['why jdupont Introduction au droit', 'jdupont', 'Introduction au droit'],
    ['why Sarah Dupont in PHA-L2-101', 'Sarah Dupont', 'PHA-L2-101'],
    ['pourquoi Zoé Leroy PHA-L2-101', 'Zoé Leroy', 'PHA-L2-101'],
    ['pourquoi Zoé Leroy ecampus:PHA-L2-101', 'Zoé Leroy', 'ecampus:PHA-L2-101'],
    ['pourquoi e21900001 ecampus:PHA-L2-101', 'e21900001', 'ecampus:PHA-L2-101'],
  ])('%j: the student is one token, the course the rest of the line', (input, student, courseRaw) => {
    expect(parseCommand(input, P)).toMatchObject({ ok: true, command: { kind: 'why', student, course: { raw: courseRaw } } });
  });
  it.each([
    ['pourquoi je ne suis pas inscrite en pharmacologie générale', 'pharmacologie générale'],
    ["pourquoi je n'ai pas accès à Introduction au droit ?", 'Introduction au droit'],
    ['why am I not enrolled in Introduction to law?', 'Introduction to law'],
    ['why am I not enrolled in PHA-L2-101', 'PHA-L2-101'],
    ['pourquoi je ne vois pas PHA-L2-101', 'PHA-L2-101'],
    ["why can't I access Pharmacie galénique", 'Pharmacie galénique'],
    ['why can’t I see PHA-L2-101?', 'PHA-L2-101'],
    ["why don't I see Introduction to law", 'Introduction to law'],
    ['why cannot I get into PHA-L2-101', 'PHA-L2-101'],
    ['am I enrolled in PHA-L3-201?', 'PHA-L3-201'],
    ['est-ce que je suis inscrit en PHA-L3-201 ?', 'PHA-L3-201'],
    ["est-ce que j'ai accès à Pharmacie galénique ?", 'Pharmacie galénique'],
  ])('the student\'s own %j: the course is the rest of the line', (input, courseRaw) => {
    expect(parseCommand(input, P)).toMatchObject({ ok: true, command: { kind: 'selfWhy', course: { raw: courseRaw } } });
  });
  it('changements / changes: the course is the rest of the line; a self question without a course asks for it', () => {
    expect(parseCommand('changements Pharmacologie générale', P)).toMatchObject({ ok: true, command: { kind: 'changes', course: { raw: 'Pharmacologie générale' } } });
    expect(parseCommand('pourquoi je ne suis pas inscrite', P)).toMatchObject({ ok: false, error: { code: 'missing', what: 'course' } });
  });
});

describe('commands written out for people (src/i18n/*/commands.ts)', () => {
  // fixparse #3: one writer per command kind per language; what each writes parses back to that command.
  const writers = (c: typeof fr.cmd) => [
    [c.search('pharma', 'ecampus:PHA-L2-101', 2), { kind: 'search', query: 'pharma', page: 2, course: { platform: 'ecampus', text: 'PHA-L2-101' } }],
    [c.search('L2 pharma', undefined, 3, 'collegium'), { kind: 'search', query: 'L2 pharma', page: 3, platform: 'collegium' }],
    [c.syncs('Pharmacologie générale'), { kind: 'syncs', course: { raw: 'Pharmacologie générale' } }],
    [c.add('etp:L3PHA1', 'ecampus:PHA-L2-101', { role: 'student', group: { kind: 'name', name: 'Groupe A' }, inactive: true }), { kind: 'add', cohort: 'etp:L3PHA1', course: { platform: 'ecampus', text: 'PHA-L2-101' }, role: { shortname: 'student' }, group: { kind: 'name', name: 'Groupe A' }, inactive: true }],
    [c.update('etp:L2PHA1', 'ecampus:PHA-L2-101', { enabled: true }), { kind: 'update', cohort: 'etp:L2PHA1', enabled: true }],
    [c.remove('Licence de droit', 'ecampus:DRT-L2-201'), { kind: 'remove', cohort: 'Licence de droit', course: { text: 'DRT-L2-201' } }],
    [c.why('e21900001', 'Introduction au droit'), { kind: 'why', student: 'e21900001', course: { raw: 'Introduction au droit' } }],
    [c.why('Zoé Leroy', 'ecampus:PHA-L2-101'), { kind: 'why', student: 'Zoé Leroy', course: { raw: 'ecampus:PHA-L2-101' } }],
    [c.selfWhy('Pharmacologie générale'), { kind: 'selfWhy', course: { raw: 'Pharmacologie générale' } }],
    [c.changes('Pharmacologie générale'), { kind: 'changes', course: { raw: 'Pharmacologie générale' } }],
    [c.syncStudent('e21900001'), { kind: 'sync', target: { kind: 'student', ref: 'e21900001' } }],
  ] as const;
  it.each([['fr', fr.cmd, /^(chercher|méthodes|ajouter|modifier|retirer|pourquoi|changements|synchroniser) /], ['en', en.cmd, /^(search|syncs|add|update|remove|why|changes|sync) /]] as const)('%s: every command parses back, in its language', (_lang, c, verbs) => {
    for (const [written, command] of writers(c)) {
      expect(written).toMatch(verbs);
      expect(parseCommand(written, P)).toMatchObject({ ok: true, command });
    }
  });
});

describe('hostile and malformed input', () => {
  it(`parses ${HOSTILE.length} hostile inputs without throwing, each to a command or a clear error`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(100);
    for (const input of HOSTILE) {
      const r = parseCommand(input, P);
      expect(typeof r.ok).toBe('boolean');
      if (!r.ok) expect(['empty', 'tooLong', 'unknown', 'missing', 'badOption', 'badRole']).toContain(r.error.code);
    }
    expect(parseCommand('a'.repeat(5000), P)).toEqual({ ok: false, error: { code: 'tooLong', max: 2000 } });
  });
});
