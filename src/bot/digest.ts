/** The daily summary of a run: aggregates only, never a name; approve/reject buttons when removals are held. */
import type { RunRecord } from '../store/types';
import type { HeldDecision } from '../sync/status';
import { catalog } from '../i18n';
import { heldDecisionText } from '../i18n/codes';
import { formatDate } from '../i18n/format';
import { localeOf } from '../i18n/locale';
import { typesetView } from '../i18n/typography';
import { View, table, text } from './views';

/**
 * `timeZone`: ACADEMIC_TIMEZONE — every time the bot shows is the university's local time.
 * `decision`: how its held removals were resolved (sync/status.ts heldDecision); the summary's first
 * line then says so — approved by whom, how many removed; superseded by which run, none applied —
 * never the run's bare stored status ("applied"), and it offers no button.
 */
export function digestView(run: RunRecord, next: Date | null, locale?: string, timeZone = 'Europe/Paris', decision?: Pick<HeldDecision, 'status'> & Partial<HeldDecision>): View {
  const t = catalog(locale);
  const lang = localeOf(t.locale);
  const when = { format: (d: Date) => formatDate(d, lang, timeZone, true) };
  const rows = run.platforms.map((p) => [p.name, p.cohortsCreated, p.membersAdded, p.membersRemoved, p.removalsHeld, p.pendingAccounts, p.errors.length]);
  const blocks = [
    text(
      decision
        ? t.statusLastDecided(when.format(new Date(run.startedAt)), run.durationMs ?? 0, heldDecisionText(run.runId, { removals: 0, ...decision }, lang, timeZone))
        : t.statusLast(when.format(new Date(run.startedAt)), t.runStatus[run.status] ?? run.status, run.durationMs ?? 0),
    ),
    table(t.statusColumns, rows),
    // Why removals were held matters while they wait; once decided, the decision is what is true now (as `état` says).
    ...(decision ? [] : (run.guardReasons ?? []).map((g) => text(t.statusGuard(g)))),
    ...(next ? [text(t.statusNext(when.format(next)))] : []),
  ];
  const held = decision ? 0 : run.platforms.reduce((n, p) => n + p.removalsHeld, 0);
  if (held > 0) blocks.push(text(t.statusHeld(run.runId, held)));
  return typesetView({
    lang,
    title: t.statusTitle,
    // Held removals superseded or rejected were never applied: not a success to show.
    tone: (decision ? decision.status === 'approved' : run.status === 'applied') && run.platforms.every((p) => p.errors.length === 0) ? 'success' : 'warning',
    blocks,
    buttons: held > 0 ? [{ label: t.approveButton, payload: t.cmd.approve(run.runId), style: 'danger' }, { label: t.rejectButton, payload: t.cmd.reject(run.runId) }] : [],
  }, lang);
}
