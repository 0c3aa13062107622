/**
 * SupAnn value parsing (docs/directory.md §1.1): tagged values `{TAG}v` / `{TAG:qualifier}v` and
 * `supannEtuInscription` into a typed inscription. Pure; never throws; every refusal names a reason.
 */
import { ETAPE_CODE } from '../domain/cohorts';

export interface Tagged {
  namespace?: string;
  qualifier?: string;
  code: string;
}

const TAG = /^\{([A-Za-z]+)(?::([^}]*))?\}(.*)$/s;

export function parseTagged(raw: string): Tagged {
  const m = TAG.exec(raw.trim());
  if (!m) return { code: raw.trim() };
  return { namespace: m[1]!.toUpperCase(), qualifier: m[2]?.trim() || undefined, code: m[3]!.trim() };
}

export interface Inscription {
  year: number;
  etape: string;
  /** UAI of the establishment that owns the étape code, when the value says so. */
  etapeQualifier?: string;
  etab?: string;
  diplome?: string;
  cursus?: string;
  regime?: string;
  typedip?: string;
  sectdisc?: string;
  affect?: string;
  /** Apogée status (ETA_IAE) when the source has it; LDAP only publishes inscriptions in force. */
  status?: string;
}

export type InscriptionSkip = 'malformed_inscription' | 'no_etape' | 'bad_year' | 'foreign_etab' | 'foreign_etape' | 'bad_etape_code';

export type ParsedInscription = { ok: true; inscription: Inscription; normalised: boolean } | { ok: false; reason: InscriptionSkip };

export interface InscriptionRules {
  /** The university's UAI; inscriptions of another establishment are skipped. */
  uai?: string;
  acceptForeignEtapeQualifier?: boolean;
}

/** Trims and upper-cases an étape code; says whether that changed it. */
export function normaliseEtape(raw: string): { code: string; changed: boolean } {
  const code = raw.trim().toUpperCase();
  return { code, changed: code !== raw };
}

export function parseInscription(raw: string, rules: InscriptionRules = {}): ParsedInscription {
  const value = raw.trim();
  if (!/^(\[[^[\]]*\])+$/.test(value)) return { ok: false, reason: 'malformed_inscription' };
  const pairs = new Map<string, string>();
  for (const [, inner] of value.matchAll(/\[([^[\]]*)\]/g)) {
    const eq = inner!.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed_inscription' };
    const key = inner!.slice(0, eq).trim().toLowerCase();
    if (key === '' || pairs.has(key)) return { ok: false, reason: 'malformed_inscription' };
    pairs.set(key, inner!.slice(eq + 1).trim());
  }
  const etapeRaw = pairs.get('etape');
  if (etapeRaw === undefined || etapeRaw === '') return { ok: false, reason: 'no_etape' };
  const year = pairs.get('anneeinsc');
  if (year === undefined || !/^\d{4}$/.test(year)) return { ok: false, reason: 'bad_year' };
  const etab = pairs.has('etab') ? parseTagged(pairs.get('etab')!) : undefined;
  if (rules.uai && etab && etab.code !== '' && etab.code.toUpperCase() !== rules.uai.toUpperCase()) return { ok: false, reason: 'foreign_etab' };
  const etape = parseTagged(etapeRaw);
  if (rules.uai && etape.qualifier && etape.qualifier.toUpperCase() !== rules.uai.toUpperCase() && !rules.acceptForeignEtapeQualifier) {
    return { ok: false, reason: 'foreign_etape' };
  }
  const { code, changed } = normaliseEtape(etape.code);
  if (!ETAPE_CODE.test(code)) return { ok: false, reason: 'bad_etape_code' };
  const bare = (k: string) => (pairs.has(k) ? parseTagged(pairs.get(k)!).code || undefined : undefined);
  return {
    ok: true,
    normalised: changed,
    inscription: {
      year: Number(year),
      etape: code,
      etapeQualifier: etape.qualifier,
      etab: etab?.code || undefined,
      diplome: bare('diplome'),
      cursus: bare('cursusann'),
      regime: bare('regimeinsc'),
      typedip: bare('typedip'),
      sectdisc: bare('sectdisc'),
      affect: bare('affect'),
    },
  };
}

/** LDAP booleans arrive as "TRUE"/"FALSE"; anything missing is FALSE. */
export function ldapBoolean(values: readonly string[]): boolean {
  return values.some((v) => v.trim().toUpperCase() === 'TRUE');
}

/** True when the text holds C0 control characters (NUL, newlines, escapes): never part of a key. */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

/** SupAnn's supannCivilite (M. / Mme / Mlle) as a grammatical gender for French agreement; anything else is unknown. */
export function genderOf(civilite: string | undefined): 'm' | 'f' | undefined {
  const c = (civilite ?? '').trim().toLowerCase().replace(/\.$/, '');
  return c === 'm' || c === 'mr' ? 'm' : c === 'mme' || c === 'mlle' ? 'f' : undefined;
}
