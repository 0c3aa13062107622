/**
 * Every code has words (issue #26, deliverable 3): the plugin's refusals (from its lang file and its PHP),
 * every Moodle error the client can raise (and every one the simulator raises), every guard, journal and
 * run-outcome code — each has a sentence in French and in English. The lists come from the sources (the
 * lang file, the `const` arrays behind the union types), so a new code without words fails here.
 */
import fs from 'fs';
import path from 'path';
import { GUARD_CODES, GuardCode, GuardReason, JOURNAL_ACTIONS, JOURNAL_REASON_CODES, JournalReason, JournalReasonCode, RUN_STATUSES } from '../../src/domain/codes';
import { guardText, journalActionText, journalReasonText, moodleErrorText, runStatusText } from '../../src/i18n/codes';
import type { Locale } from '../../src/i18n/locale';
import { catalog } from '../../src/i18n';
import { noticesFr } from '../../src/i18n/fr/notices';
import { noticesEn } from '../../src/i18n/en/notices';
import { MOODLE_ERROR_CODES, MoodleError, PLUGIN_REFUSAL_CODES, exceptionCode } from '../../src/moodle/errors';
import { PLUGIN_REFUSAL_TEXTS } from '../../src/simulator/functions/plugins';

const ROOT = path.join(__dirname, '..', '..');
const PLUGIN = path.join(ROOT, 'moodle-plugin', 'local_cohortbot');
const LOCALES: Locale[] = ['fr', 'en'];

/** $string['key'] = 'text'; of a Moodle lang file, unescaped. */
function langFile(lang: string): Map<string, string> {
  const php = fs.readFileSync(path.join(PLUGIN, 'lang', lang, 'local_cohortbot.php'), 'utf8');
  return new Map([...php.matchAll(/\$string\['([^']+)'\]\s*=\s*'((?:[^'\\]|\\.)*)';/g)].map((m) => [m[1]!, m[2]!.replace(/\\'/g, "'")]));
}
/** Lang strings that are not refusals: the plugin's name, capability, event and privacy strings. */
const notARefusal = (key: string) => ['pluginname', 'servicename', 'eventcohortsyncchanged'].includes(key) || key.includes(':');

function phpFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'tests' ? [] : phpFiles(path.join(dir, e.name))) : e.name.endsWith('.php') ? [path.join(dir, e.name)] : []));
}
function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** A sentence: words, no raw parameter left unfilled, no code standing in for the sentence. */
function expectSentence(s: string, code: string): void {
  expect(s.trim().length).toBeGreaterThan(3);
  expect(s).not.toMatch(/undefined|NaN|\[object Object\]/);
  expect(s.trim()).not.toBe(code);
}

describe('the plugin’s refusals', () => {
  const en = langFile('en');
  const fr = langFile('fr');
  const refusals = [...en.keys()].filter((k) => !notARefusal(k)).sort();

  it('are the codes the client knows, and the ones the plugin throws', () => {
    expect(refusals).toEqual([...PLUGIN_REFUSAL_CODES].sort());
    const thrown = new Set(phpFiles(path.join(PLUGIN, 'classes')).flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/moodle_exception\('([a-z_]+)', 'local_cohortbot'/g)].map((m) => m[1]!)));
    expect([...thrown].sort()).toEqual(refusals);
  });

  it('have words in the plugin’s own lang files, French and English', () => {
    for (const code of refusals) {
      expect(fr.get(code)).toBeTruthy();
      expect(fr.get(code)).not.toBe(en.get(code));
    }
  });

  it('the simulator refuses with the plugin’s own texts', () => {
    expect(Object.keys(PLUGIN_REFUSAL_TEXTS).sort()).toEqual(refusals);
    for (const [code, text] of Object.entries(PLUGIN_REFUSAL_TEXTS)) expect([code, text]).toEqual([code, en.get(code)]);
  });
});

describe('Moodle failures', () => {
  /** Error codes the simulator can raise, read from its sources: what a real site answers, the client words. */
  const simulatorCodes = (): Set<string> => {
    const codes = new Set<string>();
    for (const f of tsFiles(path.join(ROOT, 'src', 'simulator'))) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/new WsException\([^,]+,\s*'([a-zA-Z_]+)'/g)) codes.add(m[1]!);
      for (const m of src.matchAll(/(?:moodleException|pluginError|fail)\('([a-zA-Z_]+)'/g)) codes.add(m[1]!);
      for (const m of src.matchAll(/errorcode: '([a-zA-Z_]+)'/g)) codes.add(m[1]!);
      if (/invalidParameter\(/.test(src)) codes.add('invalidparameter');
      if (/invalidRecord\(/.test(src)) codes.add('invalidrecord');
      if (/invalidUser\(/.test(src)) codes.add('invaliduser');
      if (/noPermissions\(/.test(src)) codes.add('nopermissions');
      if (/requireLoginError\(/.test(src)) codes.add('requireloginerror');
      if (/codingError\(/.test(src)) codes.add('codingerror');
    }
    return codes;
  };

  it('every error code the simulator raises is one the client words (none falls to "unknown")', () => {
    const codes = simulatorCodes();
    expect(codes.size).toBeGreaterThan(10);
    for (const code of codes) expect([code, exceptionCode(code, undefined).code]).not.toEqual([code, 'unknown']);
    // core_enrol's sentence-as-code is told apart too.
    expect(exceptionCode('You cannot execute functions in the course context (course id:). The context error message was: Course or activity not accessible.', undefined).code).toBe('courseContextNotValid');
  });

  it.each(LOCALES)('every code has a sentence in %s', (locale) => {
    for (const code of MOODLE_ERROR_CODES) {
      const s = moodleErrorText({ code, platform: 'ecampus', function: 'fn', params: { status: 503, idnumber: 'tuteurs-l2', errorcode: 'newcode', vars: 1200, max: 1000, cause: 'timeout', attempts: 3, path: 'x.y', bytes: 12 } }, locale);
      expectSentence(s, code);
    }
  });

  it('French and English differ for every code', () => {
    for (const code of MOODLE_ERROR_CODES) {
      const facts = { code, platform: 'ecampus', params: {} };
      expect([code, moodleErrorText(facts, 'fr')]).not.toEqual([code, moodleErrorText(facts, 'en')]);
    }
  });

  it('an existing cohort id is said as such, not as "invalidparameter"', () => {
    const err = new MoodleError({ kind: 'exception', platform: 'collegium', function: 'local_cohortbot_create_cohort', message: 'x', errorcode: 'invalidparameter', debuginfo: 'idnumber already exists' });
    expect(err.code).toBe('cohortIdnumberTaken');
    expect(moodleErrorText(err.facts(), 'fr')).toMatch(/^Une cohorte de cet identifiant existe déjà sur collegium/);
    expect(moodleErrorText(err.facts(), 'en')).toMatch(/^A cohort with this ID already exists on collegium/);
    const core = new MoodleError({ kind: 'exception', platform: 'collegium', function: 'core_cohort_create_cohorts', message: 'x', errorcode: 'invalidparameter', debuginfo: 'record already exists: idnumber=tuteurs-l2' });
    expect(moodleErrorText(core.facts(), 'en')).toMatch(/with ID tuteurs-l2 already exists/);
    expect(moodleErrorText(core.facts(), 'fr')).not.toMatch(/invalidparameter/);
  });
});

describe('guard, journal and run codes', () => {
  // One sample per code: the mapped type makes a new code without a sample a compile error.
  const guardSamples: { [K in GuardCode]: Extract<GuardReason, { code: K }> } = {
    incomplete: { code: 'incomplete', detail: 'size limit', effect: 'skip' },
    noInscriptions: { code: 'noInscriptions', effect: 'skip' },
    tooFewRecords: { code: 'tooFewRecords', students: 1, min: 1000, effect: 'skip' },
    belowRatio: { code: 'belowRatio', students: 800, ratio: 0.9, last: 1000, effect: 'none' },
    sourceWarning: { code: 'sourceWarning', detail: 'exactly 500 entries', effect: 'skip' },
    tooManyRemovals: { code: 'tooManyRemovals', removals: 1501, max: 500 },
    removalPercent: { code: 'removalPercent', removals: 25, percent: 12.5, memberships: 200, max: 10 },
    runFailed: { code: 'runFailed', detail: 'ECONNRESET' },
    interrupted: { code: 'interrupted' },
    storeUnavailable: { code: 'storeUnavailable', detail: 'SQLITE_FULL', journalled: 1, unjournalled: 2, recorded: false },
    legacy: { code: 'legacy', text: 'an old sentence' },
  };
  const journalSamples: { [K in JournalReasonCode]: Extract<JournalReason, { code: K }> } = {
    inscription: { code: 'inscription', year: 2026, etape: 'L2PHA1', status: 'E' },
    noInscription: { code: 'noInscription', year: 2026, etape: 'L2PHA1', heldIn: 'r1', by: 'admin@x' },
    notStudent: { code: 'notStudent' },
    etapeGone: { code: 'etapeGone', etape: 'L2PHA1' },
    noAccountYet: { code: 'noAccountYet' },
    etapeHasStudents: { code: 'etapeHasStudents', etape: 'L2PHA1', students: 1 },
    renamed: { code: 'renamed', from: 'A', to: 'B' },
    cohortUnused: { code: 'cohortUnused', etape: 'L2PHA1' },
    legacy: { code: 'legacy', text: 'an old sentence' },
  };

  it.each(LOCALES)('every guard code has a sentence in %s', (locale) => {
    expect(Object.keys(guardSamples).sort()).toEqual([...GUARD_CODES].sort());
    for (const code of GUARD_CODES) expectSentence(guardText(guardSamples[code], locale), code);
  });

  it.each(LOCALES)('every journal reason and action has words in %s', (locale) => {
    expect(Object.keys(journalSamples).sort()).toEqual([...JOURNAL_REASON_CODES].sort());
    for (const code of JOURNAL_REASON_CODES) expectSentence(journalReasonText(journalSamples[code], locale), code);
    for (const a of JOURNAL_ACTIONS) expect(journalActionText(a, locale)).not.toBe(locale === 'fr' ? a : '');
  });

  it('a removal because the person left the directory reads as in notices and `changements`: no longer a student', () => {
    expect(journalReasonText({ code: 'notStudent' }, 'fr')).toBe(noticesFr.reasons.leftDirectory);
    expect(journalReasonText({ code: 'notStudent' }, 'en')).toBe(noticesEn.reasons.leftDirectory);
    expect(journalReasonText({ code: 'notStudent' }, 'fr')).toBe('n’est plus étudiant dans l’annuaire');
    expect(journalReasonText({ code: 'notStudent' }, 'en')).toBe('no longer a student in the directory');
    expect(journalReasonText({ code: 'notStudent', heldIn: 'r1', by: 'admin@x' }, 'fr')).toBe('n’est plus étudiant dans l’annuaire (retenu dans r1, approuvé par admin@x)');
  });

  it('French journal words are French: no "held" or "add" as verbs, no English reason', () => {
    for (const a of JOURNAL_ACTIONS) expect(journalActionText(a, 'fr')).not.toMatch(/^(add|remove|held|pending|create|rename|delete)$/);
    expect(journalReasonText({ code: 'noInscription', year: 2026, etape: 'L2PHA1' }, 'fr')).toBe('plus d’inscription 2026 à L2PHA1 dans l’annuaire');
  });

  it.each(LOCALES)('every run outcome has words in %s', (locale) => {
    for (const s of RUN_STATUSES) expect(runStatusText(s, locale)).toMatch(/\S/);
    expect(new Set(RUN_STATUSES.map((s) => runStatusText(s, locale))).size).toBe(RUN_STATUSES.length);
  });

  it('French says numbers and plurals the French way', () => {
    expect(guardText(guardSamples.tooManyRemovals, 'fr')).toMatch(/1\u202f501 retraits dépassent/);
    expect(guardText(guardSamples.removalPercent, 'fr')).toMatch(/font 12,5\u00a0%|font 12,5 %/);
    expect(guardText(guardSamples.tooFewRecords, 'fr')).toMatch(/compte 1 étudiant,/);
    expect(guardText(guardSamples.tooFewRecords, 'en')).toMatch(/has 1 student,/);
  });
});

describe('counts and their verbs', () => {
  // A tester saw "0 étudiant y ont maintenant accès" and "0 étudiant perdront l’accès"; then "14 étudiants y ont
  // maintenant accès" where one of them had a suspended account: Moodle's count is of enrolments, said as such.
  it.each([
    ['fr', 0, /0 étudiant y est maintenant inscrit par/, /0 étudiant ne sera plus inscrit/, /0 étudiant sera inscrit au cours/],
    ['fr', 1, /1 étudiant y est maintenant inscrit par/, /1 étudiant ne sera plus inscrit/, /1 étudiant sera inscrit au cours/],
    ['fr', 3, /3 étudiants y sont maintenant inscrits par/, /3 étudiants ne seront plus inscrits/, /3 étudiants seront inscrits au cours/],
    ['fr', -1, /un nombre inconnu de participants y sont maintenant inscrits/, /un nombre inconnu de participants ne seront plus inscrits/, undefined],
    ['en', 1, /1 student is now enrolled through/, /1 student will no longer be enrolled/, /1 student will be enrolled in the course/],
    ['en', 0, /0 students are now enrolled through/, /0 students will no longer be enrolled/, /0 students will be enrolled in the course/],
    ['en', 3, /3 students are now enrolled through/, /3 students will no longer be enrolled/, /3 students will be enrolled in the course/],
  ] as Array<[Locale, number, RegExp, RegExp, RegExp | undefined]>)('%s, %i: the verb agrees with the count', (locale, n, done, disable, enable) => {
    const t = catalog(locale);
    expect(t.addDone('C', 'X', n, 'student')).toMatch(done);
    expect(t.addDone('C', 'X', n, 'student')).not.toMatch(/accès|access/);
    expect(t.disableConfirmText('C', 'X', n, 'student')).toMatch(disable);
    if (enable) {
      expect(t.help.enableConfirmText('C', 'X', n, 'student', '')).toMatch(enable);
      expect(t.help.enableConfirmText('C', 'X', n, 'teacher', 'T')).not.toMatch(/accès|access/);
    }
  });
});
