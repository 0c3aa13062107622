/**
 * French as it is written, English without French (issue #26, deliverable 8): the typography pass, and a
 * scan of every catalogue string (functions called with sample parameters) of both languages.
 */
import { digestView } from '../../src/bot/digest';
import type { RunRecord } from '../../src/store/types';
import { en } from '../../src/i18n/en';
import { cliEn } from '../../src/i18n/en/cli';
import { demoEn } from '../../src/i18n/en/demo';
import { whyEn } from '../../src/i18n/en/why';
import { renderWhy } from '../../src/i18n/why';
import { fr } from '../../src/i18n/fr';
import { agree, count, genderOf } from '../../src/i18n/format';
import { NBSP, NNBSP, frenchTypographyFaults, typeset, typesetView } from '../../src/i18n/typography';

describe('the French typography pass', () => {
  it('puts no-break spaces before « : ; ! ? » and inside « », never inside `code`', () => {
    expect(typeset('Exemple : `ajouter etp:L2PHA1 à PHA-L2-101` ; voir « état » !', 'fr')).toBe(`Exemple${NBSP}: \`ajouter etp:L2PHA1 à PHA-L2-101\`${NNBSP}; voir «${NNBSP}état${NNBSP}»${NNBSP}!`);
    expect(typeset('Vouliez-vous dire `méthodes PHA-L2-101` ?', 'fr')).toBe(`Vouliez-vous dire \`méthodes PHA-L2-101\`${NNBSP}?`);
    // A hint stays typeable: nothing changes inside a code span, even a space before a colon.
    expect(typeset('`chercher a : b`', 'fr')).toBe('`chercher a : b`');
    // URLs and times are not French punctuation.
    expect(typeset('https://moodle.univ.fr/course/view.php?id=2 à 14:30', 'fr')).toBe('https://moodle.univ.fr/course/view.php?id=2 à 14:30');
  });

  it('is idempotent, and leaves English alone', () => {
    const once = typeset('Garde-fou : retraits « retenus » ; rien !', 'fr');
    expect(typeset(once, 'fr')).toBe(once);
    expect(frenchTypographyFaults(once)).toEqual([]);
    expect(typeset('Guard: removals held; see "status"!', 'en')).toBe('Guard: removals held; see "status"!');
  });

  it('typesets a whole view but never a button payload, a field value or a form command', () => {
    const v = typesetView(
      {
        title: 'Approuver ?',
        blocks: [{ type: 'text', text: 'Il manque : x' }, { type: 'facts', facts: [{ label: 'État', value: 'a : b' }] }, { type: 'table', columns: ['Raison :'], rows: [['c : d']] }, { type: 'form', form: { id: 'f', title: 'T :', command: 'ajouter {a} : {b}', submitLabel: 'OK !', fields: [{ id: 'a', label: 'A :', kind: 'choice', value: 'v : w', choices: [{ label: 'L :', value: 'x : y' }] }] } }],
        buttons: [{ label: 'Oui !', payload: 'approuver r1 : x' }],
      },
      'fr',
    );
    const read = [v.title!, (v.blocks[0] as { text: string }).text, ...(v.blocks[1] as { facts: Array<{ label: string; value: string }> }).facts.flatMap((f) => [f.label, f.value]), ...(v.blocks[2] as { columns: string[]; rows: string[][] }).columns, ...(v.blocks[2] as { rows: string[][] }).rows.flat(), v.buttons![0]!.label];
    for (const t of read) expect(frenchTypographyFaults(t)).toEqual([]);
    expect(v.buttons![0]!.payload).toBe('approuver r1 : x');
    const form = (v.blocks[3] as { form: { command: string; fields: Array<{ value?: string; choices?: Array<{ value: string }> }> } }).form;
    expect(form.command).toBe('ajouter {a} : {b}');
    expect(form.fields[0]!.value).toBe('v : w');
    expect(form.fields[0]!.choices![0]!.value).toBe('x : y');
  });

  it('the daily summary in French is typeset, its figures agree with their count', () => {
    const run: RunRecord = { runId: 'r1', status: 'held', trigger: 'schedule', scope: 'all', startedAt: '2026-11-03T01:00:00Z', durationMs: 1000, guardReasons: [{ code: 'tooManyRemovals', removals: 1, max: 0 }], platforms: [{ name: 'ecampus', cohortsCreated: 0, cohortsRenamed: 0, membersAdded: 0, membersRemoved: 0, removalsHeld: 1, removalsSkipped: 0, pendingAccounts: 0, writeCalls: 0, readCalls: 0, errors: [] }] };
    const v = digestView(run, null, 'fr', 'Europe/Paris');
    const texts = v.blocks.flatMap((b) => (b.type === 'text' ? [b.text] : []));
    for (const t of texts) expect(frenchTypographyFaults(t)).toEqual([]);
    expect(texts.join('\n')).toMatch(/1 retrait retenu par le garde-fou/);
    expect(texts.join('\n')).not.toMatch(/\(s\)/);
  });
});

describe('agreement', () => {
  it('plural forms come from the count (French 0 and 1 singular)', () => {
    const forms = { one: 'étudiant', other: 'étudiants' };
    expect([0, 1, 2, 17].map((n) => count(n, 'fr', forms))).toEqual(['0 étudiant', '1 étudiant', '2 étudiants', '17 étudiants']);
    expect(count(1500, 'fr', forms)).toBe(`1${NNBSP}500 étudiants`);
    expect([0, 1, 2].map((n) => count(n, 'en', { one: 'student', other: 'students' }))).toEqual(['0 students', '1 student', '2 students']);
  });

  it('a person’s gender from SupAnn’s supannCivilite, else the neutral form', () => {
    const inscrit = { m: 'inscrit', f: 'inscrite', neutral: 'inscrit·e' };
    expect(agree(genderOf('M.'), inscrit)).toBe('inscrit');
    expect(agree(genderOf('Mme'), inscrit)).toBe('inscrite');
    expect(agree(genderOf('Mlle'), inscrit)).toBe('inscrite');
    expect(agree(genderOf(undefined), inscrit)).toBe('inscrit·e');
    expect(agree(genderOf('Mx'), inscrit)).toBe('inscrit·e');
  });
});

/** Every string a catalogue can produce: strings as they are, functions called with sample parameters. */
function sayings(cat: object): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const samples: unknown[][] = [
    ['PHA-L2-101', 'ecampus', 'L2PHA1', 'Licence 2', 'r20261103-0100-ab12', 'x'],
    [2, 'student', 3, 4, 5, 6],
    [1, 1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0, 0],
    ['PHA-L2-101', 2, true, 'x', 'y', 'z'],
  ];
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'string') out.push([at, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (typeof v === 'function') {
      for (const args of samples) {
        try {
          const r = (v as (...a: unknown[]) => unknown)(...args);
          if (typeof r === 'string' && !/undefined/.test(r)) out.push([at, r]);
        } catch {
          // parameters of another shape: the other samples or the dedicated tests cover it
        }
      }
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
  };
  walk(cat, '');
  return out;
}

/** Outside code spans (commands the person types, which the grammar reads in both languages). */
const prose = (s: string) => s.replace(/`[^`]*`/g, '');
/** The French words English may keep: the proper names Apogée and code étape. */
const allowed = (s: string) => s.replace(/Apogée|code étape|codes étape|étapes?\b/g, '');

describe('the catalogues', () => {
  it('English says nothing in French (but Apogée and code étape)', () => {
    const french = /[àâçèéêëîïôœûùü«»]|\b(liste rouge|le|la|les|des|du|une|est|avec|pour|dans|inscrit|inscrite|inscriptions?|étudiants?|cohortes?|oui|non(?!-)|aucun|rôle)\b/i;
    const bad = sayings(en).filter(([, s]) => french.test(allowed(prose(s))));
    expect(bad.map(([at, s]) => `${at}: ${s}`)).toEqual([]);
  });

  it('English typography: no space before ; : ! ? or % (outside code), in every section', () => {
    const bad = [...sayings(en), ...sayings(whyEn), ...sayings(cliEn), ...sayings(demoEn)].filter(([, s]) => /\s[;:!?%]/.test(s.replace(/`[^`]*`/g, "C")));
    expect(bad.map(([at, s]) => `${at}: ${s}`)).toEqual([]);
  });

  it('English why: facts joined the English way, "of them" said naturally', () => {
    const d = {
      student: 'e1', course: 'PHA-L2-101 (ecampus)', platform: 'ecampus', on: '2026-12-03T10:00:00Z', listeRouge: false, verdict: 'course-not-syncing', about: { cohort: 'etp:L2PHA1' },
      access: { has: false, account: 'live', via: [] },
      steps: [{ id: 'directory', status: 'ok', facts: [{ code: 'inscriptions', list: [{ year: 2025, etape: 'L1SCI1' }] }, { code: 'window', current: 2026, add: ['2026'], keepOnly: ['2025'] }] }],
      fixes: [{ action: 'add-cohort-sync', cohort: 'etp:L2PHA1', by: 'teacher', effect: { adds: 17, removes: 0, others: new Array(16).fill('x') } }],
      durationMs: 1,
    } as unknown as Parameters<typeof renderWhy>[0];
    const r = renderWhy(d, 'en', 'Europe/Paris');
    expect([...r.lines, ...r.fixes].filter((l) => /\s[;:!?%]/.test(l.replace(/`[^`]*`/g, "C")))).toEqual([]);
    expect(r.fixes.join('\n')).toContain('enrols 17 people (16 other people not enrolled today)');
  });

  it('French has no "(s)": plural forms come from the count', () => {
    expect(sayings(fr).filter(([, s]) => /\w\(s\)/.test(s)).map(([at, s]) => `${at}: ${s}`)).toEqual([]);
  });

  it('French, once typeset, keeps every no-break space rule', () => {
    const faults = sayings(fr).flatMap(([at, s]) => frenchTypographyFaults(typeset(s, 'fr')).map((f) => `${at}: ${f}`));
    expect(faults).toEqual([]);
  });
});
