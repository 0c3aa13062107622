/**
 * One directory entry (LDAP or LDIF) to a Student, with the rules of docs/directory.md §1.2.
 * Attribute names are matched case-insensitively and every attribute is treated as multi-valued.
 */
import type { Logger } from '../log';
import { InscriptionRules, ParsedInscription, genderOf, hasControlChars, ldapBoolean, parseInscription } from './supann';
import { SkipCounter, Student } from './types';

export type AttrMap = Map<string, string[]>;

/** What an entry's rules read: the values of an attribute by its lower-case name. A Map is one. */
export interface Attrs {
  get(lowerName: string): readonly string[] | undefined;
}

/** Longest value we parse; anything longer is hostile or broken and is skipped, not processed. */
const MAX_VALUE = 4096;

const text = (x: unknown): string => (typeof x === 'string' ? x : Buffer.isBuffer(x) ? x.toString('utf8') : String(x));

/**
 * An ldapts entry as Attrs without copying it: names matched case-insensitively (servers answer in
 * their own case), single values as one-element lists, binary values decoded as UTF-8. The entry's
 * names are lower-cased once, on the first look-up (an entry is asked about a dozen times).
 */
export function ldapEntryAttrs(entry: Record<string, unknown>): Attrs {
  let names: Array<[lower: string, key: string]> | undefined;
  return {
    get(lowerName) {
      if (names === undefined) {
        names = [];
        for (const k in entry) if (k !== 'dn') names.push([lowerOf(k), k]);
      }
      let out: string[] | undefined;
      for (let n = 0; n < names.length; n++) {
        if (names[n]![0] !== lowerName) continue;
        const v = entry[names[n]![1]];
        if (v === undefined || v === null) continue;
        // A list of strings, as ldapts gives a multi-valued attribute, is used as it is.
        if (out === undefined && Array.isArray(v) && v.every((x) => typeof x === 'string')) out = v as string[];
        else {
          out = out === undefined ? [] : out.slice();
          if (Array.isArray(v)) for (const x of v) out.push(text(x));
          else out.push(text(v));
        }
      }
      return out;
    },
  };
}

/** Attribute names repeat in every entry: each distinct spelling lower-cased once (bounded). */
const lowered = new Map<string, string>();
export function lowerOf(name: string): string {
  let l = lowered.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (lowered.size < 1000) lowered.set(name, l);
  }
  return l;
}

/**
 * Parsed inscription values by their text: a university has a few thousand distinct values shared
 * by a hundred thousand students, so a read parses each once. Bounded: past the limit it parses.
 */
export class InscriptionCache {
  private readonly parsed = new Map<string, ParsedInscription>();
  constructor(
    private readonly rules: InscriptionRules,
    private readonly limit = 50_000,
  ) {}

  parse(value: string): ParsedInscription {
    let r = this.parsed.get(value);
    if (r === undefined) {
      r = parseInscription(value, this.rules);
      if (this.parsed.size < this.limit) this.parsed.set(value, r);
    }
    return r;
  }
}

export const STUDENT_ATTRIBUTES = [
  'uid',
  'mail',
  'supannEtuId',
  'supannEtuInscription',
  'supannListeRouge',
  'eduPersonAffiliation',
  'eduPersonPrimaryAffiliation',
  'eduPersonPrincipalName',
  'supannAliasLogin',
  'displayName',
  'cn',
  'supannCivilite',
];

/**
 * What a full read asks for: only what decides membership and the skip counts — never names or
 * e-mails (the nightly read does not need personal data it would not use; lookups ask for more).
 */
export function syncAttributes(keyAttribute: string): string[] {
  return [...new Set([keyAttribute, 'eduPersonAffiliation', 'supannEtuInscription', 'supannListeRouge', 'supannEtuId'])];
}

export interface EntryRules extends InscriptionRules {
  /** The directory attribute that matches Moodle (USER_MATCH), e.g. uid. */
  keyAttribute: string;
  /** Moodle field it is matched against: usernames and e-mails compare lower-case. */
  keyField: 'username' | 'idnumber' | 'email';
}

const NONE: readonly string[] = Object.freeze([]);

export type EntryResult = { ok: true; student: Student } | { ok: false; reason: 'not_student' | 'no_user_key' | 'no_inscription' };

/** What makes an entry a member of cohorts: its key, red-list flag and inscriptions (what a full read keeps). */
export type MembershipResult = { ok: true; key: string; listeRouge: boolean; etuIds: readonly string[]; inscriptions: Student['inscriptions'] } | Extract<EntryResult, { ok: false }>;

/** The values of one attribute (by any spelling of its name), trimmed, empty ones dropped; the usual case (values already clean) allocates nothing. */
function valuesOf(attrs: Attrs, name: string): readonly string[] {
  const raw = attrs.get(lowerOf(name));
  if (raw === undefined || raw.length === 0) return NONE;
  let clean = true;
  for (const v of raw) if (v === '' || v.trim() !== v) clean = false;
  if (clean) return raw;
  const out: string[] = [];
  for (const v of raw) {
    const t = v.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/**
 * The membership part of an entry, with the rules of docs/directory.md §1.2 — what the nightly read
 * needs, without the names and e-mails a one-student look-up also reads (studentFromEntry).
 */
export function membershipFromEntry(dn: string, attrs: Attrs, rules: EntryRules, skip: SkipCounter, log?: Logger, cache?: InscriptionCache): MembershipResult {
  // Loops rather than some/filter with closures: this runs for every entry of a full read.
  let student = false;
  for (const a of valuesOf(attrs, 'eduPersonAffiliation')) if (a === 'student' || a.toLowerCase() === 'student') student = true;
  if (!student) return { ok: false, reason: 'not_student' };

  const listeRouge = ldapBoolean(valuesOf(attrs, 'supannListeRouge'));
  let keyRaw: string | undefined;
  // Several usable keys: the first in code-point order, whatever order the server sends them in.
  for (const v of valuesOf(attrs, rules.keyAttribute)) if (v.length <= 256 && !hasControlChars(v) && (keyRaw === undefined || v < keyRaw)) keyRaw = v;
  if (keyRaw === undefined) return { ok: false, reason: 'no_user_key' };
  const key = rules.keyField === 'idnumber' ? keyRaw : keyRaw.toLowerCase();

  const etuIdValues = valuesOf(attrs, 'supannEtuId');
  const etuIds = etuIdValues.length <= 1 ? etuIdValues : [...new Set(etuIdValues)].sort();
  if (etuIds.length === 0) skip.add('no_etu_id');
  if (etuIds.length > 1) skip.add('multi_etu_id');

  const values = valuesOf(attrs, 'supannEtuInscription');
  if (values.length === 0) return { ok: false, reason: 'no_inscription' };
  const inscriptions: Student['inscriptions'] = [];
  // Most students have one value: no set of seen inscriptions for them.
  const seen = values.length > 1 ? new Set<string>() : undefined;
  for (const value of values) {
    const parsed = value.length > MAX_VALUE ? ({ ok: false, reason: 'malformed_inscription' } as const) : cache ? cache.parse(value) : parseInscription(value, rules);
    if (!parsed.ok) {
      skip.add(parsed.reason);
      // A red-listed person's DN is not logged, only that a value was skipped.
      log?.debug({ dn: listeRouge ? '(liste rouge)' : dn, reason: parsed.reason }, 'skipped inscription value');
      continue;
    }
    if (parsed.normalised) skip.add('normalised_code');
    if (seen) {
      const id = `${parsed.inscription.year}:${parsed.inscription.etape}`;
      if (seen.has(id)) continue;
      seen.add(id);
    }
    inscriptions.push(parsed.inscription);
  }
  return { ok: true, key, listeRouge, etuIds, inscriptions };
}

/** One entry to a Student: its membership and what identifies the person (look-ups, why). */
export function studentFromEntry(dn: string, attrs: Attrs, rules: EntryRules, skip: SkipCounter, log?: Logger, cache?: InscriptionCache): EntryResult {
  const m = membershipFromEntry(dn, attrs, rules, skip, log, cache);
  if (!m.ok) return m;
  const first = (name: string) => valuesOf(attrs, name)[0];
  const gender = genderOf(first('supannCivilite'));
  return {
    ok: true,
    student: {
      key: m.key,
      uid: first('uid'),
      etuId: m.etuIds[0],
      mail: first('mail')?.toLowerCase(),
      eppn: first('eduPersonPrincipalName'),
      displayName: first('displayName') ?? first('cn'),
      ...(gender ? { gender } : {}),
      listeRouge: m.listeRouge,
      dn,
      inscriptions: m.inscriptions,
    },
  };
}
