import { levenshtein } from '../util/closest';

/**
 * The command grammar, French and English, accent- and case-insensitive for keywords (values keep
 * their spelling). Pure: text in, Command or a ParseError out; never throws. Anything unparsed gets
 * an error with the closest valid command.
 */

export interface CourseRef {
  raw: string;
  /** Platform named by a `platform:` prefix or picked by the host of a Moodle URL. */
  platform?: string;
  /** The site part of a Moodle URL (scheme, host, path before /course/), matched against the platforms' URLs. */
  site?: string;
  id?: number;
  /** Short name or ID number to look up. */
  text?: string;
}

export type RoleSpec = { shortname: string };
/** What `synchroniser` runs on: named explicitly (étudiant/cohorte/plateforme/tout), or a bare word to identify. */
export type SyncTarget = { kind: 'student' | 'cohort' | 'platform' | 'guess'; ref: string } | { kind: 'all' };
export type GroupSpec = { kind: 'none' } | { kind: 'new' } | { kind: 'name'; name: string };

export type Command =
  | { kind: 'help' }
  | { kind: 'whoami' }
  | { kind: 'search'; query: string; course?: CourseRef; page: number; platform?: string }
  | { kind: 'syncs'; course: CourseRef }
  | { kind: 'add'; cohort: string; course: CourseRef; role?: RoleSpec; group?: GroupSpec; name?: string; inactive: boolean; orderKnown: boolean }
  | { kind: 'update'; cohort: string; course: CourseRef; role?: RoleSpec; group?: GroupSpec; enabled?: boolean; name?: string }
  | { kind: 'remove'; cohort: string; course: CourseRef }
  | { kind: 'status'; target?: string }
  | { kind: 'confirm'; id?: string }
  | { kind: 'cancel'; id?: string }
  | { kind: 'manual'; id: string }
  | { kind: 'why'; student: string; course: CourseRef }
  | { kind: 'sync'; target: SyncTarget }
  | { kind: 'history'; student: string }
  | { kind: 'approve'; run: string }
  | { kind: 'reject'; run: string }
  | { kind: 'createCohort'; name: string; idnumber?: string; platform?: string }
  | { kind: 'addMembers'; cohort: string; list: string[]; platform?: string }
  | { kind: 'removeMembers'; cohort: string; list: string[]; platform?: string }
  | { kind: 'members'; cohort: string; platform?: string }
  | { kind: 'summaryHere' }
  // #32: a person's own notices and questions (src/notify/).
  | { kind: 'notifications'; on?: boolean }
  | { kind: 'myCourses' }
  | { kind: 'selfWhy'; course: CourseRef }
  | { kind: 'changes'; course: CourseRef };

/** What a command lacks, as a code: the catalogue says it in the asker's language. */
export type MissingWhat = 'role' | 'group' | 'name' | 'cohortName' | 'cohortAndList' | 'confirmation' | 'searchText' | 'course' | 'cohortAndCourse' | 'studentAndCourse' | 'syncTarget' | 'student' | 'cohort' | 'platform' | 'runId';

export type ParseError =
  | { code: 'empty' }
  | { code: 'tooLong'; max: number }
  /** The suggestion in both languages: the core answers in the asker's. */
  | { code: 'unknown'; input: string; suggestion?: { fr: string; en: string }; example?: { fr: string; en: string } }
  | { code: 'missing'; what: MissingWhat; example: { fr: string; en: string } }
  /** allowed: which options were possible, as a code the catalogue spells out in the asker's language. */
  | { code: 'badOption'; option: string; allowed: 'options' | 'page' | 'none' }
  | { code: 'badRole'; role: string }
  /** "voir plus" / "see more" typed: the next page of the person's last search, which only the core knows. */
  | { code: 'typedMore'; input: string; example: { fr: string; en: string } };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: ParseError };

export const MAX_INPUT = 2000;

/** Lower case, no accents, typographic quotes and dashes folded: for comparing keywords only. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘]/g, "'")
    .toLowerCase();
}

/** Splits on spaces, keeping "double", «guillemets» and “curly” quoted runs together. */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  const re = /([^\s"=]+=)"([^"]*)"|"([^"]*)"|«\s*([^»]*?)\s*»|“([^”]*)”|(\S+)/g;
  for (const m of input.matchAll(re)) out.push(m[1] !== undefined ? `${m[1]}${m[2]}` : (m[3] ?? m[4] ?? m[5] ?? m[6]!));
  return out;
}

const VERBS: Record<string, string[]> = {
  help: ['aide', 'help', '?', 'commandes', 'commands'],
  whoami: ['whoami', 'qui-suis-je', 'quisuisje', 'moi'],
  search: ['chercher', 'rechercher', 'cherche', 'search', 'find'],
  syncs: ['methodes', 'syncs', 'methods', 'synchronisations'],
  add: ['ajouter', 'ajoute', 'add'],
  update: ['modifier', 'modifie', 'update', 'change'],
  remove: ['retirer', 'retire', 'supprimer', 'remove', 'delete'],
  status: ['etat', 'status', 'statut', 'state'],
  confirm: ['oui', 'yes', 'confirmer', 'confirm', 'ok', 'o', 'y'],
  cancel: ['non', 'no', 'annuler', 'cancel', 'n'],
  manual: ['manuel', 'manual'],
  why: ['pourquoi', 'why'],
  sync: ['synchroniser', 'sync', 'resync', 'resynchroniser'],
  history: ['historique', 'history'],
  approve: ['approuver', 'approve'],
  reject: ['rejeter', 'reject'],
  create: ['creer', 'create'],
  members: ['membres', 'members'],
};
const VERB_OF = new Map(Object.entries(VERBS).flatMap(([k, words]) => words.map((w) => [w, k] as const)));

const TO = new Set(['a', 'to', 'dans', 'in', 'sur', 'on', 'pour', 'for']);
const FROM = new Set(['de', 'du', 'from', 'dans', 'in', 'sur', 'on']);
const INCOURSE = new Set(['dans', 'in', 'sur', 'on', 'pour', 'for']);

const ROLE_WORDS: Record<string, string> = {
  etudiant: 'student',
  etudiants: 'student',
  student: 'student',
  students: 'student',
  enseignant: 'editingteacher',
  teacher: 'editingteacher',
  editingteacher: 'editingteacher',
  'enseignant-editeur': 'editingteacher',
  'non-editeur': 'teacher',
  'enseignant-non-editeur': 'teacher',
  noneditingteacher: 'teacher',
  'non-editing': 'teacher',
  'non-editing-teacher': 'teacher',
  tuteur: 'teacher',
  tutor: 'teacher',
  manager: 'manager',
  gestionnaire: 'manager',
};


interface Options {
  role?: RoleSpec;
  group?: GroupSpec;
  name?: string;
  enabled?: boolean;
  inactive?: boolean;
  page?: number;
}

/** Reads trailing options; returns an error for anything it does not know. */
function readOptions(tokens: string[], allowed: Array<keyof Options>): { ok: true; options: Options } | { ok: false; error: ParseError } {
  const o: Options = {};
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!;
    const eq = raw.indexOf('=');
    const key = fold(eq > 0 ? raw.slice(0, eq) : raw);
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const next = () => inline ?? tokens[++i];
    if ((key === 'role' || key === 'rôle') && allowed.includes('role')) {
      const v = next();
      if (!v) return { ok: false, error: { code: 'missing', what: 'role', example: { fr: 'rôle étudiant', en: 'role student' } } };
      // Multi-word roles ("enseignant non éditeur", "non-editing teacher"): the longest run of the
      // following words that names a role wins.
      let word = fold(v).replace(/\s+/g, '-');
      if (inline === undefined) {
        for (let take = 3; take >= 1; take--) {
          const extra = tokens.slice(i + 1, i + 1 + take);
          if (extra.length < take) continue;
          const joined = [word, ...extra.map((x) => fold(x))].join('-').replace(/\s+/g, '-');
          if (ROLE_WORDS[joined]) {
            word = joined;
            i += take;
            break;
          }
        }
      }
      const shortname = ROLE_WORDS[word];
      if (!shortname) return { ok: false, error: { code: 'badRole', role: v } };
      o.role = { shortname };
    } else if ((key === 'groupe' || key === 'group') && allowed.includes('group')) {
      const v = next();
      if (!v) return { ok: false, error: { code: 'missing', what: 'group', example: { fr: 'groupe aucun', en: 'group none' } } };
      const f = fold(v);
      if (['aucun', 'none', 'non', 'sans', 'pas'].includes(f)) o.group = { kind: 'none' };
      else if (['nouveau', 'new', 'creer', 'create'].includes(f)) o.group = { kind: 'new' };
      else {
        // An unquoted group name of several words runs to the next option keyword.
        const words = [v];
        while (inline === undefined && i + 1 < tokens.length && !OPTION_START.test(tokens[i + 1]!)) words.push(tokens[++i]!);
        o.group = { kind: 'name', name: words.join(' ') };
      }
    } else if ((key === 'nom' || key === 'name') && allowed.includes('name')) {
      const v = next();
      if (v === undefined) return { ok: false, error: { code: 'missing', what: 'name', example: { fr: 'nom "L2 pharmacie"', en: 'name "L2 pharmacy"' } } };
      o.name = v;
    } else if (['inactive', 'inactif', 'desactive', 'disabled'].includes(key) && allowed.includes('inactive')) {
      o.inactive = true;
    } else if (['activer', 'enable', 'active', 'actif', 'enabled'].includes(key) && allowed.includes('enabled')) {
      o.enabled = true;
    } else if (['desactiver', 'disable', 'inactive', 'inactif', 'disabled', 'suspendre'].includes(key) && allowed.includes('enabled')) {
      o.enabled = false;
    } else if (key === 'page' && allowed.includes('page')) {
      const v = Number(next());
      if (!Number.isInteger(v) || v < 1 || v > 1000) return { ok: false, error: { code: 'badOption', option: raw, allowed: 'page' } };
      o.page = v;
    } else {
      return { ok: false, error: { code: 'badOption', option: raw, allowed: 'options' } };
    }
  }
  return { ok: true, options: o };
}

const OPTION_START = /^(r[oô]le|groupe?|nom|name|inactif|inactive|activer|d[ée]sactiver|enable|disable|active|page)(=|$)/i;

/** Splits "<a> <sep> <b> [options]" where a and b may be several words (a cohort name). */
function splitAround(tokens: string[], seps: Set<string>): { left: string[]; right: string[]; options: string[]; found: boolean } {
  const optionAt = tokens.findIndex((t, i) => i > 0 && OPTION_START.test(t));
  const core = optionAt >= 0 ? tokens.slice(0, optionAt) : tokens;
  const options = optionAt >= 0 ? tokens.slice(optionAt) : [];
  // The first separator after a cohort typed as one identifier (etp:L2PHA1, L2PHA1), else the last: cohort names may contain "de"
  // ("Licence de droit"), and so may course names ("Pharmacologie générale"): the course, named last,
  // takes the rest of the line up to the options.
  const identifier = (t: string) => /[\d:_-]/.test(t);
  const at = core.length > 2 && identifier(core[0]!) && seps.has(fold(core[1]!)) ? 1 : [...core.keys()].reverse().find((i) => i >= 1 && i <= core.length - 2 && seps.has(fold(core[i]!)));
  if (at !== undefined) return { left: core.slice(0, at), right: core.slice(at + 1), options, found: true };
  return { left: core, right: [], options, found: false };
}

/** A course reference: id, URL (host + id), `platform:ref`, short name or ID number. */
export function parseCourse(raw: string, platforms: string[] = []): CourseRef {
  const ref = raw.trim();
  try {
    if (/^https?:\/\//i.test(ref)) {
      const url = new URL(ref);
      const id = Number(url.searchParams.get('id'));
      const site = `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/course\/view\.php$/, '').replace(/\/+$/, '')}`;
      if (/\/course\/view\.php$/.test(url.pathname) && Number.isInteger(id) && id > 0) return { raw: ref, site, id };
      return { raw: ref, site, text: ref };
    }
  } catch {
    return { raw: ref, text: ref };
  }
  const prefixed = splitPlatform(ref, platforms);
  if (prefixed) return { ...parseCourse(prefixed.rest, []), raw: ref, platform: prefixed.platform };
  // "PHA-L3-201 (ecampus)": how the bot itself labels a course, so a label copied from a reply works.
  const labelled = /^(.+?)\s*\(([a-z][a-z0-9_]*)\)$/i.exec(ref);
  if (labelled && platforms.includes(labelled[2]!.toLowerCase())) return { ...parseCourse(labelled[1]!, []), raw: ref, platform: labelled[2]!.toLowerCase() };
  if (/^\d{1,9}$/.test(ref)) return { raw: ref, id: Number(ref) };
  return { raw: ref, text: ref };
}

/** The word to suggest for each command, in each language. */
const CANONICAL: Record<string, [string, string]> = {
  help: ['aide', 'help'], whoami: ['qui suis-je', 'whoami'], search: ['chercher', 'search'], syncs: ['méthodes', 'syncs'], add: ['ajouter', 'add'],
  update: ['modifier', 'update'], remove: ['retirer', 'remove'], status: ['état', 'status'], why: ['pourquoi', 'why'], sync: ['synchroniser', 'sync'],
  history: ['historique', 'history'], approve: ['approuver', 'approve'], reject: ['rejeter', 'reject'], members: ['membres', 'members'], create: ['créer cohorte', 'create cohort'],
};

function suggest(word: string): { fr: string; en: string } | undefined {
  const f = fold(word).slice(0, 30);
  let best: { w: string; d: number } | undefined;
  for (const [w, kind] of VERB_OF) {
    if (w.length < 4 || !CANONICAL[kind]) continue;
    const d = levenshtein(f, w);
    if (!best || d < best.d) best = { w, d };
  }
  if (!best || best.d === 0 || best.d > Math.max(1, Math.floor(best.w.length / 3))) return undefined;
  const [fr, en] = CANONICAL[VERB_OF.get(best.w)!]!;
  return { fr, en };
}

/** "<platform>:<rest>" when the prefix is a configured platform (an idnumber like "etp:X" is not one). */
function splitPlatform(ref: string, platforms: string[]): { platform: string; rest: string } | undefined {
  const m = /^([a-z][a-z0-9_]*):(.+)$/i.exec(ref);
  return m && platforms.includes(m[1]!.toLowerCase()) ? { platform: m[1]!.toLowerCase(), rest: m[2]! } : undefined;
}

const NOT_ENROLLED_FR = String.raw`n['’]\s*est\s+pas|ne\s+l?['’]?\s*est\s+pas|n['’]\s*est\s+plus|ne\s+(?:se\s+)?trouve\s+pas`;
const QUESTIONS: RegExp[] = [
  // pourquoi e21900063 n'est pas inscrit à DRT-L2-201 / pourquoi Sarah Dupont n'est pas inscrite en PHA-L2-101 ?
  new RegExp(String.raw`^pourquoi\s+(.+?)\s+(?:${NOT_ENROLLED_FR})\s+(?:inscrite?s?|dans)\s+(?:(?:à|a|au|aux|en|dans|sur)\s+)?(.+?)\s*\??$`, 'i'),
  // est-ce que Sarah Dupont est inscrite en PHA-L2-101 ? / Sarah Dupont est-elle inscrite à … ?
  new RegExp(String.raw`^est[- ]ce\s+(?:que|qu['’])\s*(.+?)\s+(?:est|n['’]\s*est\s+pas)\s+(?:bien\s+)?inscrite?s?\s+(?:à|a|au|aux|en|dans|sur)\s+(.+?)\s*\??$`, 'i'),
  // why is X not enrolled in Y? / why isn't X enrolled in Y / why X is not enrolled in Y / why can't X see Y
  /^why\s+(?:is|isn['’]t|is\s+not)\s+(.+?)\s+(?:not\s+)?(?:enrolled|enroled|registered)\s+(?:in|on|to|into)\s+(.+?)\s*\??$/i,
  /^why\s+(.+?)\s+(?:is\s+not|isn['’]t|is\s+no\s+longer)\s+(?:enrolled|enroled|registered)\s+(?:in|on|to|into)\s+(.+?)\s*\??$/i,
  /^why\s+(?:can['’]?t|cannot|does\s+not|doesn['’]t)\s+(.+?)\s+(?:see|access)\s+(.+?)\s*\??$/i,
  // is X enrolled in Y?
  /^is\s+(.+?)\s+(?:not\s+)?(?:enrolled|enroled|registered)\s+(?:in|on|to|into)\s+(.+?)\s*\??$/i,
];

const SELF_SUBJECTS = new Set(['i', 'je', 'me', 'moi']);

/** A question in words about a student and a course, as `pourquoi <étudiant> <cours>` reads it. */
export function naturalWhy(sentence: string): { student: string; course: string } | undefined {
  const unquote = (x: string) => x.trim().replace(/^["«“]\s*|\s*["»”]$/g, '').trim();
  for (const re of QUESTIONS) {
    const m = re.exec(sentence.trim());
    // "why can't I access …" is the asker's own question (parseOwn), not one about a student named "I".
    if (m && SELF_SUBJECTS.has(fold(unquote(m[1]!)))) return undefined;
    if (m && m[1]!.trim() && m[2]!.trim()) return { student: unquote(m[1]!), course: unquote(m[2]!.replace(/\s*\?$/, '')) };
  }
  return undefined;
}

/** A button's label typed as a message ("voir plus", "+ etp:L2PHA1"): what to type instead. */
function typedLabel(tokens: string[]): ParseResult | undefined {
  const words = tokens.map(fold);
  if (words[0] === '+' && tokens.length === 2) return { ok: false, error: { code: 'missing', what: 'course', example: { fr: `ajouter ${tokens[1]} à PHA-L2-101`, en: `add ${tokens[1]} to PHA-L2-101` } } };
  if (/^\+\S/.test(tokens[0]!) && tokens.length === 1) return { ok: false, error: { code: 'missing', what: 'course', example: { fr: `ajouter ${tokens[0]!.slice(1)} à PHA-L2-101`, en: `add ${tokens[0]!.slice(1)} to PHA-L2-101` } } };
  const joinedWords = words.join(' ').replace(/\s*\(\d+\)$/, '');
  if (['voir plus', 'see more', 'plus', 'more', 'suite', 'next', 'suivant'].includes(joinedWords)) return { ok: false, error: { code: 'typedMore', input: tokens.join(' '), example: { fr: 'chercher pharma page 2', en: 'search pharma page 2' } } };
  return undefined;
}

/** For a sentence the grammar does not read: the command its words are closest to, written out. */
function closestExample(tokens: string[]): { fr: string; en: string } {
  const words = new Set(tokens.map((t) => fold(t).replace(/[?!.,;]+$/, '')));
  const has = (...w: string[]) => w.some((x) => words.has(x) || (x.length >= 5 && [...words].some((y) => y.startsWith(x))));
  if (has('inscrit', 'enrol', 'enroll', 'registered', 'acces', 'access', 'voit', 'see')) return { fr: 'pourquoi e21900123 PHA-L2-101', en: 'why e21900123 PHA-L2-101' };
  if (has('cohorte', 'cohort', 'cherche', 'trouve', 'find', 'look')) return { fr: 'chercher pharma dans PHA-L2-101', en: 'search pharma in PHA-L2-101' };
  if (has('synchro', 'dernier', 'derniere', 'last', 'nuit', 'night', 'run')) return { fr: 'état', en: 'status' };
  if (has('compte', 'account', 'moi', 'me', 'droits', 'rights')) return { fr: 'qui suis-je', en: 'whoami' };
  return { fr: 'méthodes PHA-L2-101', en: 'syncs PHA-L2-101' };
}

/**
 * A student named in one token: a key or a number (letters and digits with a digit: e21900001, 21900001,
 * jdupont2), an e-mail, or a name quoted into one token ("Sarah Dupont"). A bare word (Dupont) is not:
 * an unquoted name may take several words.
 */
function isStudentToken(token: string): boolean {
  return /\s/.test(token) || /@/.test(token) || /^[\p{L}._-]*\d[\p{L}\d._-]*$/u.test(token);
}

/** A course named after a preposition ("in", "dans", "à"…): the preposition is not part of its name. */
function courseWords(words: string[]): string[] {
  return words.length > 1 && COURSE_PREPOSITIONS.has(fold(words[0]!)) ? words.slice(1) : words;
}
const COURSE_PREPOSITIONS = new Set(['a', 'au', 'aux', 'en', 'dans', 'sur', 'in', 'on', 'to', 'into', 'for', 'pour']);

/** Control characters (other than tab and newline) become spaces: they never mean anything here. */
const clean = (s: string) => Array.from(s, (c) => { const n = c.charCodeAt(0); return (n < 32 && n !== 9 && n !== 10) || n === 127 ? ' ' : c; }).join('');

export function parseCommand(input: string, opts: { platforms?: string[] } = {}): ParseResult {
  if (input.length > MAX_INPUT) return { ok: false, error: { code: 'tooLong', max: MAX_INPUT } };
  const text = clean(input).trim().replace(/^\/cohort\s+/i, '').replace(/^@\S+\s+/, '');
  if (text === '') return { ok: false, error: { code: 'empty' } };
  const platforms = opts.platforms ?? [];
  // "sur <plateforme>" / "on <platform>", anywhere: the platform of the course or cohort named.
  let onPlatform: string | undefined;
  const tokens: string[] = [];
  {
    const all = tokenize(text);
    for (let k = 0; k < all.length; k++) {
      const w = fold(all[k]!);
      const nextWord = all[k + 1]?.toLowerCase();
      if (k > 0 && (w === 'sur' || w === 'on') && nextWord && platforms.includes(nextWord)) {
        onPlatform = nextWord;
        k++;
        continue;
      }
      tokens.push(all[k]!);
    }
  }
  if (tokens.length === 0) return { ok: false, error: { code: 'empty' } };
  const first = fold(tokens[0]!);
  const second = tokens[1] ? fold(tokens[1]) : '';
  const rest = tokens.slice(1);
  const course = (raw: string): CourseRef => {
    const c = parseCourse(raw, platforms);
    return onPlatform && !c.platform && !c.site ? { ...c, platform: onPlatform } : c;
  };
  /** A cohort named "platform:ref", or with "sur <plateforme>": its platform, and the reference itself. */
  const cohortOn = (raw: string): { cohort: string; platform?: string } => {
    const prefixed = splitPlatform(raw, platforms);
    return prefixed ? { cohort: prefixed.rest, platform: prefixed.platform } : { cohort: raw, platform: onPlatform };
  };
  const missing = (what: MissingWhat, fr: string, en: string): ParseResult => ({ ok: false, error: { code: 'missing', what, example: { fr, en } } });
  const joined = (t: string[]) => t.join(' ').trim();

  // Questions as people ask them: "pourquoi X n'est pas inscrit à Y", "is X enrolled in Y?"…
  const question = naturalWhy(tokens.join(' '));
  if (question) return { ok: true, command: { kind: 'why', student: question.student, course: course(question.course) } };
  // Button labels typed instead of clicked: the command that does the same.
  const label = typedLabel(tokens);
  if (label) return label;

  // Two-word verbs first.
  if (first === 'qui' && second === 'suis-je') return { ok: true, command: { kind: 'whoami' } };
  if (((first === 'resume' && second === 'ici') || (first === 'summary' && second === 'here')) && tokens.length === 2) return { ok: true, command: { kind: 'summaryHere' } };
  if ((first === 'creer' || first === 'create') && (second === 'cohorte' || second === 'cohort')) {
    const args = tokens.slice(2);
    if (args.length === 0) return missing('cohortName', 'créer cohorte "Tuteurs L2 pharma" tuteurs-l2-pharma', 'create cohort "L2 pharma tutors" tutors-l2-pharma');
    // "créer cohorte "X" collegium:x", "… x dans|sur|on|in collegium", or the platform as a third word;
    // any other word is refused, never dropped (a name or a platform misread would act elsewhere).
    const rest = args.slice(2);
    if (rest.length === 2 && ['dans', 'sur', 'on', 'in'].includes(fold(rest[0]!))) rest.shift();
    const [name, idnumber] = args;
    const platform = rest[0];
    const third = platform && platforms.includes(platform.toLowerCase()) ? platform.toLowerCase() : undefined;
    if (rest.length > 1 || (platform && !third)) return { ok: false, error: { code: 'badOption', option: (third ? rest[1] : platform)!, allowed: 'none' } };
    const id = idnumber ? cohortOn(idnumber) : { cohort: undefined, platform: onPlatform };
    return { ok: true, command: { kind: 'createCohort', name: name!, idnumber: id.cohort, platform: third ?? id.platform ?? onPlatform } };
  }
  const own = parseOwn(first, second, tokens, course, missing);
  if (own) return own;
  const verb = VERB_OF.get(first);
  if ((verb === 'add' || verb === 'remove') && (second === 'membres' || second === 'members')) {
    const args = tokens.slice(2);
    if (args.length < 2) return missing('cohortAndList', `${tokens[0]} membres tuteurs-l2-pharma e21900001 e21900002`, `${tokens[0]} members tuteurs-l2-pharma e21900001 e21900002`);
    const list = args.slice(1).flatMap((a) => a.split(/[,;\s]+/)).map((a) => a.trim()).filter(Boolean);
    return { ok: true, command: { kind: verb === 'add' ? 'addMembers' : 'removeMembers', ...cohortOn(args[0]!), list } };
  }

  switch (verb) {
    case 'help':
      return { ok: true, command: { kind: 'help' } };
    case 'whoami':
      return { ok: true, command: { kind: 'whoami' } };
    case 'confirm':
      return { ok: true, command: { kind: 'confirm', id: rest[0] } };
    case 'cancel':
      return { ok: true, command: { kind: 'cancel', id: rest[0] } };
    case 'manual':
      if (!rest[0]) return missing('confirmation', 'manuel <id>', 'manual <id>');
      return { ok: true, command: { kind: 'manual', id: rest[0] } };
    case 'status':
      return { ok: true, command: { kind: 'status', target: rest.length ? joined(rest) : undefined } };
    case 'search': {
      const s = splitAround(rest, INCOURSE);
      const parsed = readOptions(s.options, ['page']);
      if (!parsed.ok) return parsed;
      const query = joined(s.left);
      if (query === '') return missing('searchText', 'chercher pharma', 'search pharma');
      return { ok: true, command: { kind: 'search', query, course: s.found && s.right.length ? course(joined(s.right)) : undefined, page: parsed.options.page ?? 1, platform: onPlatform } };
    }
    case 'syncs':
      if (rest.length === 0) return missing('course', 'méthodes PHA-L2-101', 'syncs PHA-L2-101');
      // The course is the rest of the line: "méthodes Pharmacologie générale".
      return { ok: true, command: { kind: 'syncs', course: course(joined(rest)) } };
    case 'add': {
      const s = splitAround(rest, TO);
      const parsed = readOptions(s.options, ['role', 'group', 'name', 'inactive']);
      if (!parsed.ok) return parsed;
      const o = parsed.options;
      if (s.found) {
        if (s.left.length === 0 || s.right.length === 0) return missing('cohortAndCourse', 'ajouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun', 'add etp:L2PHA1 to PHA-L2-101 role student group none');
        return { ok: true, command: { kind: 'add', cohort: joined(s.left), course: course(joined(s.right)), role: o.role, group: o.group, name: o.name, inactive: !!o.inactive, orderKnown: true } };
      }
      // "add <course> <cohort>" (the Slack convention): the handler checks which is which.
      if (s.left.length < 2) return missing('cohortAndCourse', 'ajouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun', 'add etp:L2PHA1 to PHA-L2-101 role student group none');
      return { ok: true, command: { kind: 'add', cohort: joined(s.left.slice(1)), course: course(s.left[0]!), role: o.role, group: o.group, name: o.name, inactive: !!o.inactive, orderKnown: false } };
    }
    case 'update': {
      const s = splitAround(rest, INCOURSE);
      const parsed = readOptions(s.options, ['role', 'group', 'name', 'enabled']);
      if (!parsed.ok) return parsed;
      if (!s.found || s.left.length === 0 || s.right.length === 0) return missing('cohortAndCourse', 'modifier etp:L2PHA1 dans PHA-L2-101 rôle enseignant', 'update etp:L2PHA1 in PHA-L2-101 role teacher');
      const o = parsed.options;
      return { ok: true, command: { kind: 'update', cohort: joined(s.left), course: course(joined(s.right)), role: o.role, group: o.group, enabled: o.enabled, name: o.name } };
    }
    case 'remove': {
      const s = splitAround(rest, FROM);
      if (s.options.length > 0) return { ok: false, error: { code: 'badOption', option: s.options[0]!, allowed: 'none' } };
      if (!s.found || s.left.length === 0 || s.right.length === 0) return missing('cohortAndCourse', 'retirer etp:L2PHA1 de PHA-L2-101', 'remove etp:L2PHA1 from PHA-L2-101');
      return { ok: true, command: { kind: 'remove', cohort: joined(s.left), course: course(joined(s.right)) } };
    }
    case 'why': {
      if (rest.length < 2) return missing('studentAndCourse', 'pourquoi e21900123 PHA-L2-101', 'why e21900123 PHA-L2-101');
      // The student is one token — a key, a number, an e-mail, or a quoted name — and the course is the
      // rest of the line ("pourquoi e21900001 chimie analytique", "why "Sarah Dupont" in Introduction au droit").
      if (isStudentToken(rest[0]!)) return { ok: true, command: { kind: 'why', student: rest[0]!, course: course(joined(courseWords(rest.slice(1)))) } };
      const s = splitAround(rest, INCOURSE);
      // An unquoted name before "dans" / "in": "why Sarah Dupont in PHA-L2-101".
      if (s.found && s.left.length && s.right.length) return { ok: true, command: { kind: 'why', student: joined(s.left), course: course(joined(s.right)) } };
      // An unquoted name before a course code: "pourquoi Zoé Leroy PHA-L2-101".
      const last = rest[rest.length - 1]!;
      if (/\d|:/.test(last)) return { ok: true, command: { kind: 'why', student: joined(rest.slice(0, -1)), course: course(last) } };
      // Else the first word is the student (a username), the rest of the line the course.
      return { ok: true, command: { kind: 'why', student: rest[0]!, course: course(joined(rest.slice(1))) } };
    }
    case 'sync': {
      if (rest.length === 0) return missing('syncTarget', 'synchroniser étudiant e21900123', 'sync student e21900123');
      const head = fold(rest[0]!);
      const kind = ['etudiant', 'student', 'etu'].includes(head) ? 'student' : ['cohorte', 'cohort', 'etape'].includes(head) ? 'cohort' : ['plateforme', 'platform'].includes(head) ? 'platform' : undefined;
      if (kind) {
        if (rest.length < 2) return missing(kind, `synchroniser ${rest[0]} ${kind === 'student' ? 'e21900123' : kind === 'cohort' ? 'L2PHA1' : 'ecampus'}`, `sync ${kind} ${kind === 'student' ? 'e21900123' : kind === 'cohort' ? 'L2PHA1' : 'ecampus'}`);
        return { ok: true, command: { kind: 'sync', target: { kind, ref: joined(rest.slice(1)) } } };
      }
      if (rest.length === 1 && ['tout', 'all', 'tous'].includes(head)) return { ok: true, command: { kind: 'sync', target: { kind: 'all' } } };
      return { ok: true, command: { kind: 'sync', target: { kind: 'guess', ref: joined(rest) } } };
    }
    case 'history':
      if (rest.length === 0) return missing('student', 'historique e21900123', 'history e21900123');
      return { ok: true, command: { kind: 'history', student: joined(rest) } };
    case 'approve':
    case 'reject':
      if (rest.length !== 1) return missing('runId', `${tokens[0]} r20261129-020000-ab12`, `${tokens[0]} r20261129-020000-ab12`);
      return { ok: true, command: { kind: verb, run: rest[0]! } };
    case 'members':
      if (rest.length === 0) return missing('cohort', 'membres tuteurs-l2-pharma', 'members tuteurs-l2-pharma');
      return { ok: true, command: { kind: 'members', ...cohortOn(joined(rest)) } };
    default:
      return { ok: false, error: { code: 'unknown', input: text.slice(0, 80), suggestion: suggest(tokens[0]!), example: closestExample(tokens) } };
  }
}

const SELF_PREPOSITIONS = new Set(['a', 'au', 'aux', 'en', 'dans', 'sur', 'in', 'on', 'to', 'into']);
/** "why can't I access X", "why don't I see X": the course follows the verb. */
const SELF_VERBS = new Set(['access', 'see', 'open', 'enter']);
const SELF_CANNOT = new Set(["can't", 'cant', 'cannot', "don't", 'dont', 'do']);
/** Words of the question itself: "pourquoi je ne suis pas inscrit" names no course. */
const SELF_WORDS = new Set(['inscrit', 'inscrite', 'inscrit(e)', 'enrolled', 'registered', 'pas', 'not', 'je', 'i', 'am']);

/**
 * A person's own notices and questions (#32): `notifications oui|non|on|off`, `mes cours` / `my courses`,
 * `pourquoi je ne suis pas inscrit(e) en <cours>` / `why am I not enrolled in <course>` (the course is
 * the rest of the line after its preposition), `changements <cours>` / `changes <course>`. Undefined: not one of these.
 */
function parseOwn(first: string, second: string, tokens: string[], course: (raw: string) => CourseRef, missing: (what: MissingWhat, fr: string, en: string) => ParseResult): ParseResult | undefined {
  if (first === 'notifications' || first === 'notification') {
    const on = tokens.length === 2 && ['oui', 'on', 'yes'].includes(second) ? true : tokens.length === 2 && ['non', 'off', 'no'].includes(second) ? false : undefined;
    return { ok: true, command: { kind: 'notifications', on } };
  }
  if (tokens.length === 2 && ((first === 'mes' && second === 'cours') || (first === 'my' && second === 'courses'))) return { ok: true, command: { kind: 'myCourses' } };
  const third = tokens[2] ? fold(tokens[2]) : '';
  const self =
    (first === 'pourquoi' && (second === 'je' || second.startsWith("j'") || second === 'ne')) ||
    (first === 'why' && (second === 'am' || second === 'i' || second === "i'm" || second === 'im')) ||
    // "why can't I access …", "why don't I see …"; "am I enrolled in …?", "est-ce que je suis inscrit en … ?"
    (first === 'why' && SELF_CANNOT.has(second) && third === 'i') ||
    (first === 'am' && second === 'i') ||
    (first === 'est-ce' && (second === 'que' || second === "qu'") && (third === 'je' || third.startsWith("j'")));
  if (self) {
    // The course is the rest of the line after the first preposition ("… inscrite en Pharmacologie
    // générale", "… enrolled in Introduction to law") or after a verb of seeing ("… access Introduction
    // to law"), else the last word ("pourquoi je ne vois pas PHA-L2-101").
    const at = tokens.findIndex((tok, i) => i >= 2 && i < tokens.length - 1 && (SELF_PREPOSITIONS.has(fold(tok)) || SELF_VERBS.has(fold(tok))));
    const words = at >= 0 ? tokens.slice(at + 1) : tokens.slice(-1);
    if (tokens.length < 3 || (at < 0 && SELF_WORDS.has(fold(words[0]!)))) return missing('course', 'pourquoi je ne suis pas inscrit en PHA-L2-101', 'why am I not enrolled in PHA-L2-101');
    return { ok: true, command: { kind: 'selfWhy', course: course(words.join(' ').replace(/\s*\?$/, '').trim()) } };
  }
  if (first === 'changements' || first === 'changes') {
    // The course is the rest of the line: "changements Pharmacologie générale".
    if (tokens.length < 2) return missing('course', 'changements PHA-L2-101', 'changes PHA-L2-101');
    return { ok: true, command: { kind: 'changes', course: course(tokens.slice(1).join(' ')) } };
  }
  return undefined;
}
