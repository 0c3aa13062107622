/** The daily summary of a run: aggregates only, never a name; approve/reject buttons when removals are held. */
import type { RunRecord } from '../store/types';
import { catalog } from '../i18n';
import { formatDate } from '../i18n/format';
import { localeOf } from '../i18n/locale';
import { typesetView } from '../i18n/typography';
import { View, table, text } from './views';

/**
 * `timeZone`: ACADEMIC_TIMEZONE — every time the bot shows is the university's local time.
 * `decision`: how its held removals were resolved; the summary then says so and offers no button.
 */
export function digestView(run: RunRecord, next: Date | null, locale?: string, timeZone = 'Europe/Paris', decision?: { status: string; by: string }): View {
  const t = catalog(locale);
  const lang = localeOf(t.locale);
  const when = { format: (d: Date) => formatDate(d, lang, timeZone, true) };
  const rows = run.platforms.map((p) => [p.name, p.cohortsCreated, p.membersAdded, p.membersRemoved, p.removalsHeld, p.pendingAccounts, p.errors.length]);
  const blocks = [
    text(t.statusLast(when.format(new Date(run.startedAt)), t.runStatus[run.status] ?? run.status, run.durationMs ?? 0)),
    table(t.statusColumns, rows),
    ...(run.guardReasons ?? []).map((g) => text(t.statusGuard(g))),
    ...(next ? [text(t.statusNext(when.format(next)))] : []),
  ];
  const held = decision ? 0 : run.platforms.reduce((n, p) => n + p.removalsHeld, 0);
  if (held > 0) blocks.push(text(t.statusHeld(run.runId, held)));
  if (decision) blocks.push(text(t.heldPlanDecided(run.runId, decision.status, decision.by)));
  return typesetView({
    lang,
    title: t.statusTitle,
    tone: run.status === 'applied' && run.platforms.every((p) => p.errors.length === 0) ? 'success' : 'warning',
    blocks,
    buttons: held > 0 ? [{ label: t.approveButton, payload: t.cmd.approve(run.runId), style: 'danger' }, { label: t.rejectButton, payload: t.cmd.reject(run.runId) }] : [],
  }, lang);
}
