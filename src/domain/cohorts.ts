/**
 * Managed cohorts: which cohorts the sync owns (by idnumber prefix alone — Moodle's `component`
 * cannot be set over web services), how they are named, and which platform an étape goes to.
 */

export interface CohortNaming {
  /** COHORT_IDNUMBER_PREFIX, default "etp:". */
  prefix: string;
  /** COHORT_NAME_TEMPLATE, default "{label} ({etape})"; placeholders {etape}, {label}, {composante}. */
  template: string;
}

/**
 * An Apogée étape code, once trimmed and upper-cased: what becomes a managed cohort's idnumber after
 * the prefix (docs/directory.md §1.1). Apogée's COD_ETP is 6 characters in practice; 8 leaves room.
 */
export const ETAPE_CODE = /^[A-Z0-9]{1,8}$/;

/** Whether what a person typed could be an étape code (case aside). */
export const looksLikeEtape = (typed: string): boolean => ETAPE_CODE.test(typed.trim().toUpperCase());

export const cohortIdnumber = (naming: Pick<CohortNaming, 'prefix'>, etape: string): string => `${naming.prefix}${etape}`;

export const isManaged = (naming: Pick<CohortNaming, 'prefix'>, idnumber: string): boolean =>
  idnumber.startsWith(naming.prefix) && idnumber.length > naming.prefix.length;

export const etapeOfIdnumber = (naming: Pick<CohortNaming, 'prefix'>, idnumber: string): string | undefined =>
  isManaged(naming, idnumber) ? idnumber.slice(naming.prefix.length) : undefined;

/**
 * The cohort name for an étape. Without a label, the code alone (a template like "{label} ({etape})"
 * would otherwise give "(L2PHA1)"); a missing composante leaves its separators out.
 */
export function cohortName(naming: Pick<CohortNaming, 'template'>, e: { etape: string; label?: string; composante?: string }): string {
  if (!e.label && naming.template.includes('{label}')) return e.etape;
  let name = naming.template.replace(/\{etape\}/g, e.etape).replace(/\{label\}/g, e.label ?? '');
  name = e.composante ? name.replace(/\{composante\}/g, e.composante) : name.replace(/\{composante\}\s*[:\-–—]?\s*/g, '').replace(/\s*[:\-–—]?\s*\{composante\}/g, '');
  name = name.replace(/\s+/g, ' ').trim();
  // Moodle's cohort name column holds 254 characters.
  return name.length > 254 ? `${name.slice(0, 253)}…` : name;
}

/** Glob match for étape routing: `*` any run, `?` one character, case-insensitive. */
export function globMatch(glob: string, value: string): boolean {
  const re = new RegExp(`^${glob.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'i');
  return re.test(value);
}

/** The platforms an étape goes to: those with a matching glob in MOODLE_<P>_ETAPES. */
export function platformsFor(etape: string, platforms: Array<{ name: string; etapes: string[] }>): string[] {
  return platforms.filter((p) => p.etapes.some((g) => globMatch(g, etape))).map((p) => p.name);
}
