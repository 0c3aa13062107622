/**
 * The "why" diagnosis in words: the codes of src/diagnosis/why.ts through the `why` section of the
 * catalogue, dates in ACADEMIC_TIMEZONE. The same rendering for the chat and the command line.
 */
import type { Diagnosis, Fact, Fix, FixAction } from '../diagnosis/why';
import { Entry, entryOf } from '../diagnosis/access';
import { whyEn } from './en/why';
import { commandsEn } from './en/commands';
import { commandsFr } from './fr/commands';
import { formatDate } from './format';
import { WhyCatalog, whyFr } from './fr/why';
import type { Locale } from './locale';

export const whyCatalog = (locale: Locale): WhyCatalog => (locale === 'en' ? whyEn : whyFr);

export interface RenderedWhy {
  title: string;
  /** One line per step: mark, label, facts. */
  lines: string[];
  verdict: string;
  fixes: string[];
  /** Chat commands that carry a fix out (support's buttons). */
  buttons: Array<{ label: string; kind: 'sync' | 'add' | 'update' | 'why'; command: string }>;
}

export function renderWhy(d: Diagnosis, locale: Locale, timeZone: string, opts: { teacher?: boolean; courseSpec?: string; now?: Date } = {}): RenderedWhy {
  const w = whyCatalog(locale);
  const day = (iso: string | number) => formatDate(typeof iso === 'number' ? new Date(iso * 1000) : new Date(iso), locale, timeZone);
  const role = (r: string) => r.split(', ').filter(Boolean).map((x) => w.roles[x] ?? x).join(', ');
  const fact = (f: Fact): string => {
    switch (f.code) {
      case 'account':
        return w.account(f.username, f.id, f.lastAccess ? day(f.lastAccess) : undefined, f.suspended);
      case 'no-account':
        return w.noAccount(f.field, f.key);
      case 'via':
        return w.via(w.methods[f.via.method] ?? f.via.method, f.via.instance, f.via.cohort, role(f.via.role), w.states[f.via.status] ?? f.via.status, f.via.until ? day(f.via.until) : undefined);
      case 'no-enrolment':
        return w.noEnrolment;
      case 'directory-found':
        return w.directoryFound(f.key, f.number, f.listeRouge);
      case 'directory-none':
        return w.directoryNone(f.ref);
      case 'directory-excluded':
        return w.directoryExcluded[f.reason] ?? w.directoryExcludedOther(f.reason);
      case 'directory-unreadable':
        return w.directoryUnreadable(f.reason);
      case 'directory-several':
        return w.directorySeveral(f.count, f.ref);
      case 'inscriptions':
        return w.inscriptions(f.list.map((i) => `${i.year} ${i.etape}${i.status ? ` (${i.status})` : ''}`).join(', '));
      case 'window':
        return w.window(f.current, f.add.join(', '), f.keepOnly.join(', '));
      case 'wants':
        return w.wants[f.next]!(f.cohort, f.mode === 'keep-only');
      case 'leaves':
        return w.leaves(f.cohort, f.next === 'held', f.runId);
      case 'not-wanted':
        return `${w.notWanted[f.reason]}${f.platforms ? ` — ${w.routed(f.platforms)}` : ''}`;
      case 'pending-account':
        return w.pendingAccount(f.since ? day(f.since) : undefined);
      case 'last-run':
        return w.lastRun(f.runId, day(f.at), w.journalActions[f.action] ?? f.action, f.cohort);
      case 'course-sync':
        return w.courseSync(f.cohort, f.enabled, role(f.role), f.holds);
      case 'course-syncs-none':
        return w.courseSyncsNone;
      case 'course-unreadable':
        return w.courseUnreadable;
    }
  };
  const lines = d.steps.map((s) => `${w.marks[s.status]} ${w.steps[s.id]}${s.facts.length ? ` — ${s.facts.map(fact).join(w.factSep)}` : ''}`);
  const via = d.access.via.filter((v) => v.gives).map((v) => `${w.methods[v.method] ?? v.method}${v.cohort ? ` ${v.cohort}` : v.instance ? ` « ${v.instance} »` : ''} (${role(v.role)})`).join(', ');
  const when = d.about?.nextRun ? formatDate(new Date(d.about.nextRun), locale, timeZone, true) : w.nextRun;
  const param =
    d.verdict === 'not-wanted'
      ? (w.notWanted[d.about?.reason ?? ''] ?? '')
      : d.verdict === 'unknown-student'
        ? d.student
        : d.verdict === 'enrolment-not-started' && d.about?.from
          ? day(d.about.from)
          : (d.about?.runId ?? d.about?.cohort ?? '');
  const verdict = w.verdicts[d.verdict](via, param, when);
  const what = (a: FixAction & { cohort?: string; until?: string; from?: string }) => w.fixes[a.action]({ cohort: a.cohort ?? '', until: a.until ? day(a.until) : undefined, from: a.from ? day(a.from) : undefined });
  const fixLine = (f: Fix, i: number): string => {
    const effect = `${w.effect(f.effect.adds, f.effect.removes)}${f.effect.others?.length ? ` (${w.effectOthers(f.effect.others.length)})` : ''}`;
    const first = f.first?.length ? ` (${w.first(f.first.map(what).join(', '))})` : '';
    return `${i > 0 && f.action === 'enrol-manually' ? `${w.narrower} — ` : ''}${w.fixLine(what(f) + first, w.who[f.by] ?? f.by, effect)}`;
  };
  const fixes = d.fixes.map(fixLine);
  if (opts.teacher && d.fixes.length === 0 && !d.access.has && d.verdict !== 'not-in-course') fixes.push(w.noFixTeacher);
  const buttons: RenderedWhy['buttons'] = [];
  const cmds = locale === 'en' ? commandsEn : commandsFr;
  for (const f of d.fixes) {
    const p = f as Fix & { cohort?: string };
    const key = d.steps.flatMap((s) => s.facts).find((x) => x.code === 'directory-found') as { key: string } | undefined;
    if (f.action === 'sync-student' && key) buttons.push({ label: what(p), kind: 'sync', command: cmds.syncStudent(key.key) });
    if (f.action === 'add-cohort-sync' && opts.courseSpec) buttons.push({ label: what(p), kind: 'add', command: cmds.add(p.cohort ?? '', opts.courseSpec) });
    if (f.action === 'enable-cohort-sync' && opts.courseSpec) buttons.push({ label: what(p), kind: 'update', command: cmds.update(p.cohort ?? '', opts.courseSpec, { enabled: true }) });
  }
  for (const c of d.candidates ?? []) buttons.push({ label: c.displayName ? `${c.displayName} (${c.key})` : c.key, kind: 'why', command: cmds.why(c.key, opts.courseSpec ?? '').trim() });
  // Moodle's enrolment rule says "has access"; a suspended account still cannot get in, and a teacher is not told
  // the account's state: said in the headline (entryOf, the one rule) — "access" only for an account that can log in.
  const entry = entryOf(d.access);
  const headlines: Record<Entry, () => string> = {
    in: () => w.title(d.student, d.course, true, d.gender),
    'cannot-log-in': () => w.titleNoLogin(d.student, d.course, d.gender),
    enrolled: () => w.titleEnrolled(d.student, d.course, d.gender),
    out: () => w.title(d.student, d.course, false, d.gender),
  };
  const headline = headlines[entry]();
  const title = `${headline}${opts.now && Math.abs(new Date(d.on).getTime() - opts.now.getTime()) > 60_000 ? ` ${w.onDay(day(d.on))}` : ''}`;
  return { title, lines, verdict, fixes, buttons };
}
