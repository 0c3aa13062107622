/** help, whoami, status: no Moodle rights needed, no personal data. */
import type { HandlerContext } from '../context';
import { formatDate } from '../../diagnosis/messages';
import { syncStatus } from '../../sync/status';
import { latestNotices } from '../../notify/status';
import { cohortIdnumber } from '../../domain/cohorts';
import { typedEtape } from '../resolve';
import { View, facts, table, text } from '../views';

/** Help works for everyone, without any Moodle lookup, and shows what this person may do. */
export function help(ctx: HandlerContext): View {
  const t = ctx.t;
  const lines = [...t.helpTeacher, ...t.notices.helpLines, ...(ctx.actor.has('support') ? t.helpSupport : []), ...(ctx.actor.has('admin') ? [...t.helpAdmin, t.helpSummary] : [])];
  return { title: t.helpTitle, blocks: [text(t.helpIntro), text(lines.map((l) => `• ${l}`).join('\n')), text(t.helpCourseForms)] };
}

export async function whoami(ctx: HandlerContext): Promise<View> {
  const t = ctx.t;
  const actor = ctx.actor;
  // Someone Moodle does not know gets no role label: only what is wrong and what to do.
  if (!actor.verified) return { title: t.whoamiTitle, private: true, blocks: [text(`${actor.key || actor.identity.chatUserId} (${actor.identity.channel})`), text(t.accountProblem(actor.mainProblem))] };
  const roles = [...actor.roles].map((r) => t.roleNames[r] ?? r).join(', ') || t.whoamiNoRole;
  const accounts = ctx.config.platforms.map((p) => {
    if (!actor.hasAccount(p.name)) return t.accountProblemOn(actor.problems.get(p.name) ?? 'none', p.name);
    const u = actor.account(p.name);
    return t.whoamiAccount(p.name, `${u.username ?? u.id} (${u.fullname})`);
  });
  return { title: t.whoamiTitle, private: true, blocks: [text(`${actor.key} (${actor.identity.channel})`), text(t.whoamiRoles(roles)), text(accounts.join('\n'))] };
}

const fmt = (iso: string, locale: string, timeZone: string) => formatDate(new Date(iso), locale === 'en' ? 'en' : 'fr', timeZone, true);

/** Last run per platform, next run, counts, held removals (aggregates only). */
export async function status(ctx: HandlerContext, target?: string): Promise<View> {
  const t = ctx.t;
  const store = ctx.deps.store;
  const now = await syncStatus(store, ctx.config.schedule, { runs: 20 });
  const runs = now.lastRuns.filter((r) => r.status !== 'dry-run' && r.status !== 'running');
  const next = now.nextRun;
  const blocks = [];
  const last = runs.find((r) => r.scope === 'all') ?? runs[0];
  if (!last) blocks.push(text(t.statusNever));
  else {
    blocks.push(text(t.statusLast(fmt(last.startedAt, t.locale, ctx.config.academicYear.timezone), t.runStatus[last.status] ?? last.status, last.durationMs ?? 0)));
    const wanted = target?.toLowerCase();
    const rows = last.platforms
      .filter((p) => !wanted || p.name === wanted || !ctx.config.platforms.some((c) => c.name === wanted))
      .map((p) => [p.name, p.cohortsCreated, p.membersAdded, p.membersRemoved, p.removalsHeld, p.pendingAccounts, p.errors.length]);
    blocks.push(table(t.statusColumns, rows));
    for (const g of last.guardReasons ?? []) blocks.push(text(t.statusGuard(g)));
  }
  if (next) blocks.push(text(t.statusNext(fmt(next.toISOString(), t.locale, ctx.config.academicYear.timezone))));
  for (const h of now.held) blocks.push(text(t.statusHeld(h.runId, h.removals.length)));
  // The private notices of the latest run that had any: sent, unreachable, failed, waiting (#32).
  const notices = await latestNotices(store, runs.map((r) => r.runId));
  if (notices) blocks.push(text(t.notices.noticesOfRun(notices.runId, notices.counts.sent, notices.counts.skipped, notices.counts.failed, notices.counts.queued + notices.counts.sending)));
  if (target && !ctx.config.platforms.some((p) => p.name === target.toLowerCase())) {
    // A cohort: its recent history in aggregate (no names).
    const counts = await Promise.all(ctx.config.platforms.map(async (p) => [p.name, await store.cohortHistory(p.name, cohortIdnumber({ prefix: ctx.config.cohorts.idnumberPrefix }, typedEtape(ctx.config.cohorts.idnumberPrefix, target).toUpperCase()), 500)] as const));
    const byAction = counts.flatMap(([name, entries]) => (entries.length ? [[name, entries.filter((e) => e.action === 'add').length, entries.filter((e) => e.action === 'remove').length, entries.filter((e) => e.action === 'pending').length] as Array<string | number>] : []));
    if (byAction.length) blocks.push(facts(byAction.map(([n, a, r, p]) => [`${target} @ ${n}`, t.statusCohortCounts(Number(a), Number(r), Number(p))])));
  }
  return { title: t.statusTitle, blocks };
}
