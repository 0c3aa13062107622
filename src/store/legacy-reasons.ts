/**
 * Sentences that rows of versions before 1.3 hold, read back as codes (migration 002-codes-only, and
 * any such row met later). A sentence not recognised is kept whole as a `legacy` code: nothing is lost,
 * and it is shown as it was written.
 */
import type { GuardReason, JournalReason } from '../domain/codes';

const num = (s: string) => Number(s.replace(/[,\s]/g, ''));

export function journalReasonOf(text: string): JournalReason {
  let rest = text.trim();
  // An approved removal: "<reason> (held in <run>, approved by <actor>)".
  let approval: { heldIn: string; by: string } | undefined;
  const approved = /^(.*) \(held in (\S+), approved by (.+)\)$/.exec(rest);
  if (approved) {
    rest = approved[1]!;
    approval = { heldIn: approved[2]!, by: approved[3]! };
  }
  // A held removal's reason said so; the journal's action `held` says it now.
  rest = rest.replace(/; removal held for approval$/, '');
  let m: RegExpExecArray | null;
  if ((m = /^inscription (\d{4}) (\S+)(?: status (\S+))?$/.exec(rest))) return m[3] ? { code: 'inscription', year: num(m[1]!), etape: m[2]!, status: m[3] } : { code: 'inscription', year: num(m[1]!), etape: m[2]! };
  if ((m = /^no (\d{4}|current) inscription to (\S+) in the directory$/.exec(rest))) return { code: 'noInscription', etape: m[2]!, ...(m[1] === 'current' ? {} : { year: num(m[1]!) }), ...approval };
  if (rest === 'not a student in the directory') return { code: 'notStudent', ...approval };
  if ((m = /^étape (\S+) no longer in the directory$/.exec(rest))) return { code: 'etapeGone', etape: m[1]!, ...approval };
  if (rest === 'no Moodle account yet (created at first login)') return { code: 'noAccountYet' };
  if ((m = /^étape (\S+) has (\d+) student\(s\) in the directory$/.exec(rest))) return { code: 'etapeHasStudents', etape: m[1]!, students: num(m[2]!) };
  if ((m = /^étape (\S+) gone, cohort empty and synced by no course$/.exec(rest))) return { code: 'cohortUnused', etape: m[1]! };
  if ((m = /^(.+) → (.+)$/.exec(rest)) && !approval) return { code: 'renamed', from: m[1]!, to: m[2]! };
  return { code: 'legacy', text };
}

export function guardReasonOf(text: string): GuardReason {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^directory read incomplete: (.*); adds applied, removals withheld until a complete read$/.exec(t))) return { code: 'incomplete', detail: m[1]!, effect: 'skip' };
  if ((m = /^directory read incomplete: (.*); nothing was changed$/.exec(t))) return { code: 'incomplete', detail: m[1]!, effect: 'abort' };
  if ((m = /^removals held for approval: ([\d,]+) removals exceed SYNC_MAX_REMOVALS=(\d+)$/.exec(t))) return { code: 'tooManyRemovals', removals: num(m[1]!), max: num(m[2]!) };
  if ((m = /^removals held for approval: ([\d,]+) removals are ([\d.]+) % of ([\d,]+) managed memberships, above SYNC_MAX_REMOVAL_PERCENT=([\d.]+)$/.exec(t))) {
    return { code: 'removalPercent', removals: num(m[1]!), percent: Number(m[2]), memberships: num(m[3]!), max: Number(m[4]) };
  }
  if ((m = /^run failed: (.*)$/.exec(t))) return { code: 'runFailed', detail: m[1]! };
  if (/^interrupted: the process was stopped before the end/.test(t)) return { code: 'interrupted' };
  return { code: 'legacy', text };
}
