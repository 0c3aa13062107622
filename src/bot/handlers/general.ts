/** help, whoami, status: no Moodle rights needed, no personal data. */
import type { HandlerContext } from '../context';
import { formatDate } from '../../i18n/format';
import { heldDecision, syncStatus } from '../../sync/status';
import { heldDecisionText } from '../../i18n/codes';
import { localeOf } from '../../i18n/locale';
import { latestNotices } from '../../notify/status';
import { cohortIdnumber } from '../../domain/cohorts';
import { typedEtape } from '../resolve';
import { View, facts, table, text } from '../views';
import { firstTaught, teachesSomewhere } from '../teaching';

/**
 * Help for this person (#26): what they may do on each platform — no account, teacher, support,
 * admin — one line per command with one example that works when they type it (their own course, a
 * cohort they may see), in their language. A line whose example would need someone's data (a
 * student) shows the command with its `<…>` placeholders only.
 */
export async function help(ctx: HandlerContext): Promise<View> {
  const t = ctx.t;
  const h = t.help;
  const actor = ctx.actor;
  const head = [text(h.intro)];
  if (!actor.verified) return { title: h.title, blocks: [...head, text(h.noAccount), text(lines(ctx, ['help', 'whoami'], {})), text(h.apogee)] };
  const examples = await exampleNames(ctx);
  const accounts = ctx.config.platforms.map((p) => (actor.hasAccount(p.name) ? h.accountOn(p.name, actor.account(p.name).username ?? String(actor.account(p.name).id)) : h.noAccountOn(p.name)));
  // Teacher commands only for someone who teaches somewhere (Moodle's answer, as them), support and admins.
  const teaches = !!examples.teaches || actor.has('support') || actor.has('admin');
  const sections: Array<[string, string[]]> = [
    [h.sections.everyone, ['help', 'whoami', 'status', 'myCourses', 'selfWhy']],
    ...(teaches ? [[h.sections.teacher, ['search', 'syncs', 'add', 'update', 'remove', ...(actor.has('support') ? [] : ['whyTeacher']), 'changes', 'notifications']] as [string, string[]]] : []),
    ...(actor.has('support') ? [[h.sections.support, ['whySupport', 'syncStudent', 'history', 'createCohort', 'addMembers', 'removeMembers', 'members']] as [string, string[]]] : []),
    ...(actor.has('admin') ? [[h.sections.admin, ['syncOther', 'approve', 'reject', 'summaryHere']] as [string, string[]]] : []),
  ];
  return {
    title: h.title,
    blocks: [...head, text(`${h.platforms} — ${accounts.join(h.listSep)}`), ...sections.map(([name, keys]) => text(`${name}\n${lines(ctx, keys, examples)}`)), ...(teaches ? [text(h.courseForms)] : []), text(h.apogee)],
  };
}

/** The help lines of these commands, each with its example when one can be given. */
function lines(ctx: HandlerContext, keys: string[], names: { course?: string; cohort?: string }): string {
  const h = ctx.t.help;
  return keys
    .map((k) => {
      const [syntax, what, example] = h.lines[k]!;
      const arg = k === 'members' ? names.cohort : names.course;
      const ex = example && (example.length === 0 || arg) ? example(arg ?? '') : k === 'search' ? example!('').replace(/\s+(dans|in)\s*$/, '') : undefined;
      return `• \`${syntax}\` — ${what}${ex ? ` (${h.example(ex)})` : ''}`;
    })
    .join('\n');
}

/**
 * A course and a cohort to write examples with: the person's first course (by short name, on the first
 * platform that has one) where Moodle lets them configure cohort sync (as them: someone who teaches
 * there), and (support) the first cohort of the site. `teaches`: such a course exists on a platform of
 * theirs. Every platform at once, their courses asked in one call (local_cohortbot 1.4; before, one
 * course after another until one is theirs). Nothing found: lines without examples.
 */
async function exampleNames(ctx: HandlerContext): Promise<{ course?: string; cohort?: string; teaches?: boolean }> {
  const mine = ctx.config.platforms.filter((p) => ctx.actor.hasAccount(p.name)).map((p) => p.name);
  if (mine.length === 0) return {};
  const out: { course?: string; cohort?: string; teaches?: boolean } = {};
  const [taught, cohort] = await Promise.all([
    Promise.all(mine.map((platform) => firstTaught(ctx, platform))),
    // Help never fails for want of an example.
    ctx.actor.has('support') ? ctx.api(mine[0]!).getCohorts().then((all) => all.filter((c) => c.visible && c.idnumber).map((c) => `${mine[0]}:${c.idnumber}`).sort()[0], () => undefined) : undefined,
  ]);
  const course = taught.find((c) => c !== undefined);
  if (course) {
    out.course = course;
    out.teaches = true;
  }
  if (cohort) out.cohort = cohort;
  return out;
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

/**
 * Where things stand now (#26): the last full run with its figures, and — once an administrator
 * decided its held removals — that decision (by whom, when, what was removed); the last scoped run
 * (one student, one cohort, one platform) said as such, never as platform totals; the held removals
 * still waiting; for a cohort, its counts from the run they come from. Aggregates only, no names.
 */
export async function status(ctx: HandlerContext, target?: string): Promise<View> {
  const t = ctx.t;
  const h = t.help;
  const store = ctx.deps.store;
  const tz = ctx.config.academicYear.timezone;
  const when = (iso: string) => fmt(iso, t.locale, tz);
  const now = await syncStatus(store, ctx.config.schedule, { runs: 50 });
  const runs = now.lastRuns.filter((r) => r.status !== 'dry-run' && r.status !== 'running');
  const next = now.nextRun;
  const blocks = [];
  const full = runs.find((r) => r.scope === 'all');
  if (runs.length === 0) blocks.push(text(t.statusNever));
  else if (!full) blocks.push(text(h.noFullRun));
  if (full) {
    // Held removals since decided: the run's line says what became of them (its bare status, "applied", would contradict the table).
    const decision = await heldDecision(store, full, runs);
    // Who decided is an administrator's e-mail: said to staff (support, admins, teachers); to a student, the role only.
    const staff = ctx.actor.has('support') || (await teachesSomewhere(ctx).catch(() => false));
    const decided = decision?.by && !staff ? { ...decision, by: t.anAdministrator } : decision;
    blocks.push(text(decided ? t.statusLastDecided(when(full.startedAt), full.durationMs ?? 0, heldDecisionText(full.runId, decided, localeOf(t.locale), tz)) : t.statusLast(when(full.startedAt), t.runStatus[full.status] ?? full.status, full.durationMs ?? 0)));
    const wanted = target?.toLowerCase();
    const rows = full.platforms
      .filter((p) => !wanted || p.name === wanted || !ctx.config.platforms.some((c) => c.name === wanted))
      .map((p) => [p.name, p.cohortsCreated, p.membersAdded, p.membersRemoved, p.removalsHeld, p.pendingAccounts, p.errors.length]);
    blocks.push(table(t.statusColumns, rows));
    // Why removals were held matters while they wait; once decided, the decision is what is true now.
    if (!decided) for (const g of full.guardReasons ?? []) blocks.push(text(t.statusGuard(g, ctx.actor.has('admin'))));
  }
  const scoped = runs.find((r) => r.scope !== 'all' && /^(user|cohort|platform):/.test(r.scope));
  if (scoped && (!full || scoped.startedAt > full.startedAt)) {
    const [kind, what] = [scoped.scope.slice(0, scoped.scope.indexOf(':')), scoped.scope.slice(scoped.scope.indexOf(':') + 1)];
    // A one-student scope names the student: the status says only that it was one student.
    const label = kind === 'user' ? h.scopeStudent : kind === 'cohort' ? h.scopeCohort(what) : h.scopePlatform(what);
    blocks.push(text(h.lastScoped(label, when(scoped.startedAt), scoped.platforms.reduce((n, p) => n + p.membersAdded, 0), scoped.platforms.reduce((n, p) => n + p.membersRemoved, 0))));
  }
  if (next) blocks.push(text(t.statusNext(when(next.toISOString()))));
  for (const held of now.held) blocks.push(text(t.statusHeld(held.runId, held.removals.length, ctx.actor.has('admin'))));
  // The private notices of the latest run that had any: sent, unreachable, failed, waiting (#32).
  const notices = await latestNotices(store, runs.map((r) => r.runId));
  if (notices) blocks.push(text(t.notices.noticesOfRun(notices.runId, notices.counts.sent, notices.counts.skipped, notices.counts.failed, notices.counts.queued + notices.counts.sending)));
  if (target && !ctx.config.platforms.some((p) => p.name === target.toLowerCase())) {
    // A cohort: its counts in the last run that touched it, on each platform, saying which run (no names).
    const idnumber = cohortIdnumber({ prefix: ctx.config.cohorts.idnumberPrefix }, typedEtape(ctx.config.cohorts.idnumberPrefix, target).toUpperCase());
    const lines = await Promise.all(
      ctx.config.platforms.map(async (p) => {
        const entries = await store.cohortHistory(p.name, idnumber, 500);
        if (entries.length === 0) return undefined;
        const runId = entries[0]!.runId;
        const of = entries.filter((e) => e.runId === runId);
        const at = of[of.length - 1]!.at;
        return [h.cohortRunCounts(idnumber, p.name, runId, when(at)), t.statusCohortCounts(of.filter((e) => e.action === 'add').length, of.filter((e) => e.action === 'remove').length, of.filter((e) => e.action === 'pending').length, of.filter((e) => e.action === 'held').length)] as [string, string];
      }),
    );
    const found = lines.filter((l): l is [string, string] => l !== undefined);
    // A cohort no run has touched (or none of that name): said, the same either way, rather than ignored.
    blocks.push(found.length ? facts(found) : text(h.cohortNoRun(idnumber)));
  }
  return { title: t.statusTitle, blocks };
}

