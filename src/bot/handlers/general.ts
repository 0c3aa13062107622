/** help, whoami, status: no Moodle rights needed, no personal data. */
import type { HandlerContext } from '../context';
import { formatDate } from '../../diagnosis/messages';
import { syncStatus } from '../../sync/status';
import { cohortIdnumber } from '../../domain/cohorts';
import { typedEtape } from '../resolve';
import { View, facts, table, text } from '../views';

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
  const sections: Array<[string, string[]]> = [
    [h.sections.everyone, ['help', 'whoami', 'status']],
    [h.sections.teacher, ['search', 'syncs', 'add', 'update', 'remove', ...(actor.has('support') ? [] : ['whyTeacher'])]],
    ...(actor.has('support') ? [[h.sections.support, ['whySupport', 'syncStudent', 'history', 'createCohort', 'addMembers', 'removeMembers', 'members']] as [string, string[]]] : []),
    ...(actor.has('admin') ? [[h.sections.admin, ['syncOther', 'approve', 'reject', 'summaryHere']] as [string, string[]]] : []),
  ];
  return {
    title: h.title,
    blocks: [...head, text(`${h.platforms} — ${accounts.join(' ; ')}`), ...sections.map(([name, keys]) => text(`${name}\n${lines(ctx, keys, examples)}`)), text(h.courseForms), text(h.apogee)],
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
 * A course and a cohort to write examples with: the person's first course whose cohort syncs Moodle
 * lets them see, and (support) the first cohort of the site. Nothing found: lines without examples.
 */
async function exampleNames(ctx: HandlerContext): Promise<{ course?: string; cohort?: string }> {
  const platform = ctx.config.platforms.find((p) => ctx.actor.hasAccount(p.name))?.name;
  if (!platform) return {};
  const me = ctx.actor.account(platform);
  const out: { course?: string; cohort?: string } = {};
  try {
    const courses = (await ctx.api(platform).getUsersCourses(me.id)).filter((c) => c.id !== 1).sort((a, b) => a.shortname.localeCompare(b.shortname)).slice(0, 3);
    const syncs = await ctx.cohortSyncs(platform);
    for (const c of courses) {
      if (await syncs.checkRights(c.id, me.id, 'read').then(() => true, () => false)) {
        out.course = `${platform}:${c.shortname}`;
        break;
      }
    }
    if (ctx.actor.has('support')) out.cohort = (await ctx.api(platform).getCohorts()).filter((c) => c.visible && c.idnumber).map((c) => `${platform}:${c.idnumber}`).sort()[0];
  } catch {
    // Help never fails for want of an example.
  }
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
  if (target && !ctx.config.platforms.some((p) => p.name === target.toLowerCase())) {
    // A cohort: its recent history in aggregate (no names).
    const counts = await Promise.all(ctx.config.platforms.map(async (p) => [p.name, await store.cohortHistory(p.name, cohortIdnumber({ prefix: ctx.config.cohorts.idnumberPrefix }, typedEtape(ctx.config.cohorts.idnumberPrefix, target).toUpperCase()), 500)] as const));
    const byAction = counts.flatMap(([name, entries]) => (entries.length ? [[name, entries.filter((e) => e.action === 'add').length, entries.filter((e) => e.action === 'remove').length, entries.filter((e) => e.action === 'pending').length] as Array<string | number>] : []));
    if (byAction.length) blocks.push(facts(byAction.map(([n, a, r, p]) => [`${target} @ ${n}`, t.statusCohortCounts(Number(a), Number(r), Number(p))])));
  }
  return { title: t.statusTitle, blocks };
}
