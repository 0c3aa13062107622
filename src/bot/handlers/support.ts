/**
 * Support and admin commands: why, on-demand sync, history, approve/reject held removals, and
 * manual cohorts. Diagnosis and history hold personal data: their views are private.
 */
import { entryOf } from '../../diagnosis/access';
import { diagnoseForCourse } from '../../diagnosis/course-view';
import { Diagnosis, diagnose } from '../../diagnosis/why';
import { formatDate } from '../../i18n/format';
import { localeOf } from '../../i18n/locale';
import { renderWhy, whyCatalog } from '../../i18n/why';
import type { CourseAccess } from '../authz';
import { isManaged, looksLikeEtape } from '../../domain/cohorts';
import type { Cohort, MoodleUser } from '../../moodle/api';
import { accountsByTyped } from '../../moodle/accounts';
import { CohortSyncUnavailable, CohortSyncs, refusalCode } from '../../moodle/cohort-syncs';
import { CohortRightsUnverifiable, ManualCohorts, privileged } from '../../moodle/manual-cohorts';
import { RunInProgressError, SyncRequestError } from '../../sync/engine';
import type { Command, SyncTarget } from '../commands';
import { fold } from '../commands';
import type { HandlerContext, Pending, PendingAction } from '../context';
import { ResolvedCourse, resolveCourse, typedEtape, typedIdnumbers, typesManagedIdnumber } from '../resolve';
import { View, table, text } from '../views';
import { journalActionText, journalReasonText, moodleErrorText } from '../../i18n/codes';

const refuse = (ctx: HandlerContext, message: string, command: string): Promise<View> =>
  ctx.audit({ command, outcome: 'refused', detail: 'role' }).then(() => ({ tone: 'error' as const, blocks: [text(message)] }));

/**
 * pourquoi: support and admins get the full chain; a teacher (authorised as teacher of this course)
 * gets only what the course can know. Both read Moodle as the person asking.
 */
export async function why(ctx: HandlerContext, cmd: Extract<Command, { kind: 'why' }>, access: CourseAccess | undefined): Promise<View> {
  const t = ctx.t;
  const locale = localeOf(ctx.t.locale);
  let rc: ResolvedCourse;
  let d: Diagnosis;
  let mayAdd = false;
  if (access) {
    rc = access;
    d = await diagnoseForCourse({ config: ctx.config, directory: ctx.deps.directory, api: ctx.api(rc.platform), syncs: access.syncs, actingUserId: access.me.id, now: ctx.now() }, cmd.student, rc.platform, rc.course);
    mayAdd = true;
  } else {
    const resolved = await resolveCourse(ctx, cmd.course, (c) => t.cmd.why(cmd.student, c));
    if (!resolved.ok) return resolved.view;
    rc = resolved.value;
    const me = ctx.actor.account(rc.platform);
    let syncs: CohortSyncs | undefined;
    try {
      syncs = await ctx.cohortSyncs(rc.platform);
    } catch (e) {
      if (!(e instanceof CohortSyncUnavailable)) throw e;
    }
    d = await diagnose({ config: ctx.config, directory: ctx.deps.directory, api: ctx.api(rc.platform), syncs, store: ctx.deps.store, now: ctx.now(), actingUserId: me.id }, cmd.student, rc.platform, rc.course);
    // Offer a teacher's action as a button only to someone Moodle lets change the course's methods, checked
    // as `ajouter` itself will check it as the person: the right to configure, and the cohorts they may use there.
    if (d.fixes.some((f) => f.action === 'add-cohort-sync' || f.action === 'enable-cohort-sync')) {
      mayAdd = syncs ? await Promise.all([syncs.checkRights(rc.course.id, me.id, 'write'), syncs.availableCohorts(rc.course.id, '', 1, me.id)]).then(() => true, () => false) : false;
    }
  }
  await ctx.audit({ command: 'why', platform: rc.platform, course: rc.course.shortname, target: cmd.student, outcome: d.verdict });
  if (d.verdict === 'not-in-course') return { title: t.whyTitle(cmd.student, rc.label, d.gender), tone: 'info', private: true, blocks: [text(t.whyNotInCourse(cmd.student, rc.label))] };
  const r = renderWhy(d, locale, ctx.config.academicYear.timezone, { teacher: !!access, courseSpec: `${rc.platform}:${rc.course.shortname}`, now: ctx.now() });
  // Success only for access Moodle's login page agrees with; a teacher's "enrolled" (the account untold) is information.
  const entry = entryOf(d.access);
  const w = whyCatalog(locale);
  return {
    title: r.title,
    tone: entry === 'in' ? 'success' : entry === 'enrolled' ? 'info' : 'warning',
    private: true,
    blocks: [text(r.lines.join('\n')), text(`→ ${r.verdict}`), ...(r.fixes.length ? [text(`${w.fixTitle} :\n${r.fixes.map((f) => `• ${f}`).join('\n')}`.replace(' :', locale === 'en' ? ':' : ' :'))] : [])],
    buttons: r.buttons.filter((b) => (mayAdd || (b.kind !== 'add' && b.kind !== 'update')) && (!access || b.kind !== 'sync')).map((b) => ({ label: b.label, payload: b.command })),
  };
}

/**
 * synchroniser: one student (support), a cohort, a platform or everything (admins). A bare word is
 * identified — a platform, a directory student, an étape — and an unknown or ambiguous one is an
 * error or a choice, never a run on a guess. The reply says what the run did, with its counts.
 */
export async function syncNow(ctx: HandlerContext, target: SyncTarget): Promise<View> {
  const t = ctx.t;
  const resolved = target.kind === 'guess' ? await identifySyncTarget(ctx, target.ref) : target;
  if ('view' in resolved) return resolved.view;
  if (resolved.kind !== 'student' && !ctx.actor.has('admin')) return refuse(ctx, t.adminOnly, 'sync');
  const opts =
    resolved.kind === 'student'
      ? { user: resolved.ref }
      : resolved.kind === 'cohort'
        ? { cohort: typedEtape(ctx.config.cohorts.idnumberPrefix, resolved.ref) }
        : resolved.kind === 'platform'
          ? { platform: resolved.ref.toLowerCase() }
          : {};
  try {
    const run = await ctx.deps.engine.run({ ...opts, trigger: `chat:${ctx.actor.key}` });
    await ctx.audit({ command: 'sync', target: resolved.kind === 'all' ? 'all' : `${resolved.kind}:${resolved.ref}`, outcome: run.status });
    const sum = (k: 'cohortsCreated' | 'membersAdded' | 'membersRemoved' | 'removalsHeld' | 'pendingAccounts') => run.platforms.reduce((n, p) => n + p[k], 0);
    const errors = run.platforms.reduce((n, p) => n + p.errors.length, 0);
    const tone = run.status === 'applied' && errors === 0 ? 'success' : 'warning';
    const guard = (run.guardReasons ?? []).map((g) => text(t.statusGuard(g, ctx.actor.has('admin'))));
    if (resolved.kind === 'student') return { tone, private: true, blocks: [text(t.syncStudentDone(resolved.ref, sum('membersAdded'), sum('membersRemoved'), sum('pendingAccounts'))), ...guard] };
    return {
      tone,
      blocks: [text(t.syncRunDone(run.runId, t.runStatus[run.status] ?? run.status)), text(t.syncRunCounts(sum('cohortsCreated'), sum('membersAdded'), sum('membersRemoved'), sum('removalsHeld'), sum('pendingAccounts'), errors)), ...guard],
    };
  } catch (e) {
    if (e instanceof RunInProgressError) return { tone: 'warning', blocks: [text(t.syncRunBusy)] };
    if (e instanceof SyncRequestError && e.problem) {
      await ctx.audit({ command: 'sync', outcome: 'refused', detail: e.problem.code });
      return { tone: 'error', blocks: [text(t.syncProblem(e.problem))] };
    }
    throw e;
  }
}

/** What a bare `synchroniser <x>` means: exactly one of a platform, a student, an étape — or a choice. */
async function identifySyncTarget(ctx: HandlerContext, ref: string): Promise<Exclude<SyncTarget, { kind: 'guess' }> | { view: View }> {
  const t = ctx.t;
  const word = ref.trim();
  if (ctx.config.platforms.some((p) => p.name === word.toLowerCase())) return { kind: 'platform', ref: word.toLowerCase() };
  if (typesManagedIdnumber(ctx.config.cohorts.idnumberPrefix, word)) return { kind: 'cohort', ref: word };
  const found = await ctx.deps.directory.lookup(word);
  const looksEtape = looksLikeEtape(word);
  if (found.student && !looksEtape) return { kind: 'student', ref: word };
  if (!found.student && looksEtape && found.matches === 0) return { kind: 'cohort', ref: word };
  if (found.student && looksEtape) {
    return { view: { tone: 'warning', blocks: [text(t.syncWhich(word))], buttons: [{ label: t.syncAsStudent(word), payload: t.cmd.syncStudent(word) }, { label: t.syncAsCohort(word), payload: t.cmd.syncCohort(word) }] } };
  }
  // Anything else (a name, an e-mail nobody has): the engine says it is unknown, in the asker's language.
  return { kind: 'student', ref: word };
}

export async function history(ctx: HandlerContext, student: string): Promise<View> {
  const t = ctx.t;
  const found = await ctx.deps.directory.lookup(student);
  const key = found.student?.key ?? student.trim().toLowerCase();
  const entries = await ctx.deps.store.studentHistory(key, 50);
  await ctx.audit({ command: 'history', target: key, outcome: 'ok' });
  if (entries.length === 0) return { private: true, blocks: [text(t.historyEmpty(key)), text(t.help.historyScope)] };
  return { title: t.historyTitle(key), private: true, blocks: [table(t.historyColumns, entries.map((e) => [formatDate(new Date(e.at), localeOf(t.locale), ctx.config.academicYear.timezone, true), e.platform, e.cohortIdnumber, journalActionText(e.action, localeOf(t.locale)), journalReasonText(e.reason, localeOf(t.locale))])), text(t.help.historyScope)] };
}

export async function approveOrReject(ctx: HandlerContext, kind: 'approve' | 'reject', run: string): Promise<View> {
  const t = ctx.t;
  const held = await ctx.deps.store.getHeldPlan(run);
  if (!held) return { tone: 'error', blocks: [text(t.noHeldPlan(run))] };
  // Already decided (a second click, an old digest's button): say how it was resolved, change nothing.
  if (held.status !== 'held') return { tone: 'info', blocks: [text(t.heldPlanDecided(run, held.status, held.decidedBy ?? '?'))] };
  // Approving and rejecting both show what is held, by cohort, and act only on the "yes".
  const rejecting = kind === 'reject';
  const byCohort = new Map<string, number>();
  for (const r of held.removals) byCohort.set(`${r.platform} ${r.cohortIdnumber}`, (byCohort.get(`${r.platform} ${r.cohortIdnumber}`) ?? 0) + 1);
  const pending = await ctx.savePending({ command: { kind, run }, platform: '', courseId: 0, courseLabel: '', action: { kind: 'approve', run, ...(rejecting ? { reject: true } : {}) } });
  return {
    title: rejecting ? t.help.rejectTitle(run) : t.approveTitle(run),
    tone: 'warning',
    blocks: [text(rejecting ? t.help.rejectSummary(held.removals.length) : t.approveSummary(held.removals.length)), table([t.cohort, t.members], [...byCohort].map(([k, n]) => [k, n])), ...(held.reasonCodes ?? []).map((r) => text(t.heldGuard(r)))],
    buttons: [
      { label: t.confirm, payload: t.cmd.confirm(pending.id), style: 'danger' },
      { label: t.cancel, payload: t.cmd.cancel(pending.id) },
    ],
  };
}

/**
 * A cohort by idnumber, étape code or name, on the platform named (`ecampus:…`, `sur ecampus`) or on
 * any. Found on several platforms: a choice. `editable`: managed cohorts are kept by the sync and
 * never edited by hand — but anyone allowed may look at them.
 */
async function findCohort(ctx: HandlerContext, ref: string, platform: string | undefined, editable: boolean, rebuild: (spec: string) => string): Promise<{ platform: string; cohort: Cohort } | View> {
  const t = ctx.t;
  const naming = { prefix: ctx.config.cohorts.idnumberPrefix };
  const r = fold(ref.trim());
  if (editable && isManaged(naming, ref.trim())) return { tone: 'error', blocks: [text(t.managedReadOnly(ref))] };
  const platforms = ctx.config.platforms.filter((p) => !platform || p.name === platform);
  const found: Array<{ platform: string; cohort: Cohort }> = [];
  for (const p of platforms) {
    // Hidden cohorts do not exist for anyone but admins, here as in `chercher` (#28).
    const all = (await ctx.api(p.name).getCohorts()).filter((c) => c.visible || ctx.actor.has('admin'));
    const c = typedIdnumbers(naming.prefix, ref).map((id) => all.find((x) => fold(x.idnumber) === id)).find((x) => x !== undefined) ?? all.find((x) => fold(x.name) === r);
    if (c) found.push({ platform: p.name, cohort: c });
  }
  // Editable: "no such cohort" reads exactly as "not one you may change" (#28).
  if (found.length === 0) return { tone: 'error', blocks: [text(editable ? t.cohortUnavailable(ref) : t.cohortUnknown(ref))] };
  if (found.length > 1) {
    return { tone: 'warning', blocks: [text(t.cohortOnSeveral(ref))], buttons: found.map((f) => ({ label: `${f.cohort.name} (${f.platform})`, payload: rebuild(`${f.platform}:${f.cohort.idnumber}`) })) };
  }
  if (editable && isManaged(naming, found[0]!.cohort.idnumber)) return { tone: 'error', blocks: [text(t.managedReadOnly(found[0]!.cohort.idnumber))] };
  return found[0]!;
}

export async function createCohort(ctx: HandlerContext, cmd: Extract<Command, { kind: 'createCohort' }>): Promise<View> {
  const t = ctx.t;
  const idnumber = (cmd.idnumber ?? fold(cmd.name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')).slice(0, 100);
  if (isManaged({ prefix: ctx.config.cohorts.idnumberPrefix }, idnumber)) return { tone: 'error', blocks: [text(t.idnumberPrefixReserved(ctx.config.cohorts.idnumberPrefix))] };
  // Several platforms and none named: a choice, never a guess.
  if (!cmd.platform && ctx.config.platforms.length > 1) {
    const on = ctx.config.platforms.filter((p) => ctx.actor.hasAccount(p.name));
    if (on.length !== 1) return { tone: 'warning', blocks: [text(t.cohortWhichPlatform(cmd.name, cmd.idnumber))], buttons: on.map((p) => ({ label: p.name, payload: t.cmd.createCohort(cmd.name, `${p.name}:${idnumber}`) })) };
  }
  const platform = cmd.platform ?? ctx.config.platforms.find((p) => ctx.actor.hasAccount(p.name))?.name ?? ctx.config.platforms[0]!.name;
  const me = ctx.actor.account(platform);
  // As the person (#28): Moodle checks their moodle/cohort:manage, not only the service account's.
  const cohorts = await manualCohorts(ctx, platform, 'createCohort');
  if ('blocks' in cohorts) return cohorts;
  // Moodle refuses a taken idnumber with a bare `invalidparameter` (its 'record already exists' is
  // debug information, sent only in debug mode): asked first, the person reads why.
  const taken = (await ctx.api(platform).getCohorts()).some((x) => x.idnumber.toLowerCase() === idnumber.toLowerCase());
  if (taken) {
    await ctx.audit({ command: 'createCohort', platform, target: idnumber, outcome: 'refused', detail: 'cohortIdnumberTaken' });
    return { tone: 'error', blocks: [text(moodleErrorText({ code: 'cohortIdnumberTaken', platform, function: 'core_cohort_create_cohorts', params: { idnumber } }, localeOf(t.locale)))] };
  }
  const c = await cohorts.create({ name: cmd.name, idnumber, description: `Cohorte manuelle créée par ${ctx.actor.key} via cohortbot.` }, me.id).catch(async (err: unknown) => {
    if (refusalCode(err) !== 'onbehalfnopermission') throw err;
    await ctx.audit({ command: 'createCohort', platform, target: idnumber, outcome: 'refused', detail: 'onbehalfnopermission' });
    return undefined;
  });
  if (!c) return { tone: 'error', blocks: [text(t.cohortCreateRefused(platform))] };
  await ctx.audit({ command: 'createCohort', platform, target: idnumber, outcome: 'ok' });
  return { tone: 'success', blocks: [text(t.cohortCreated(c.name, c.idnumber, platform))] };
}

/** The platform's manual-cohort functions, or the refusal when the person's rights cannot be checked there. */
async function manualCohorts(ctx: HandlerContext, platform: string, command: string): Promise<ManualCohorts | View> {
  try {
    return await ManualCohorts.for(ctx.api(platform));
  } catch (err) {
    if (!(err instanceof CohortRightsUnverifiable)) throw err;
    await ctx.audit({ command, platform, outcome: 'refused', detail: 'unverifiable' });
    return { tone: 'error', blocks: [text(ctx.t.cohortRightsUnverifiable(platform))] };
  }
}

/** Usernames, student numbers or e-mails → Moodle users; the ones nobody matches are listed back. */
async function resolvePeople(ctx: HandlerContext, platform: string, list: string[]): Promise<{ users: MoodleUser[]; unknown: string[] }> {
  const { found, unknown } = await accountsByTyped(ctx.api(platform), list);
  const users: MoodleUser[] = [];
  for (const u of found.values()) if (!users.some((v) => v.id === u.id)) users.push(u);
  return { users, unknown };
}

export async function changeMembers(ctx: HandlerContext, cmd: Extract<Command, { kind: 'addMembers' | 'removeMembers' }>): Promise<View> {
  const t = ctx.t;
  const found = await findCohort(ctx, cmd.cohort, cmd.platform, true, (c) => ctx.t.cmd.changeMembers(cmd.kind === 'addMembers', c, cmd.list));
  if ('blocks' in found) return found;
  const me = ctx.actor.account(found.platform);
  const cohorts = await manualCohorts(ctx, found.platform, cmd.kind);
  if ('blocks' in cohorts) return cohorts;
  // Asked as the person: refused when they may not change this cohort — in the words of "no such cohort".
  const courses = await cohorts.courses(found.cohort.id, me.id).catch(async (err: unknown) => {
    if (refusalCode(err) !== 'onbehalfnopermission') throw err;
    await ctx.audit({ command: cmd.kind, platform: found.platform, target: cmd.cohort, outcome: 'refused', detail: 'onbehalfnopermission' });
    return undefined;
  });
  if (!courses) return { tone: 'error', blocks: [text(t.cohortUnavailable(cmd.cohort))] };
  const { users, unknown } = await resolvePeople(ctx, found.platform, cmd.list.slice(0, 2000));
  if (unknown.length > 0) return { tone: 'error', private: true, blocks: [text(t.membersUnknown(unknown.slice(0, 50).join(', ')))] };
  const adding = cmd.kind === 'addMembers';
  // Say the truth about each person: removing a non-member or adding a member changes nothing.
  const current = new Set((await ctx.api(found.platform).getCohortMembers([found.cohort.id])).get(found.cohort.id) ?? []);
  const acting = users.filter((u) => (adding ? !current.has(u.id) : current.has(u.id)));
  const unchanged = users.filter((u) => !acting.includes(u));
  const label = `${found.cohort.name} (${found.cohort.idnumber})`;
  const unchangedNote = unchanged.length ? [text(t.membersUnchanged(unchanged.map((u) => u.username ?? String(u.id)).slice(0, 50).join(', '), adding))] : [];
  if (acting.length === 0) return { tone: 'info', private: true, blocks: [text(t.membersNothingToDo(label, adding)), ...unchangedNote] };
  const pending = await ctx.savePending({ command: cmd, platform: found.platform, courseId: 0, courseLabel: '', action: { kind: 'members', adding, cohortId: found.cohort.id, cohortLabel: label, userIds: acting.map((u) => u.id) } });
  return {
    title: t.membersConfirmTitle(acting.length, label, adding),
    private: true,
    blocks: [
      // A cohort synced with more than a student role: the courses and the role these people get (or lose) there, before the "yes".
      ...(courses.some(privileged) ? [text(t.membersPrivileged(courses.filter(privileged).map((c) => t.membersPrivilegedCourse(`${c.shortname} (${c.fullname})`, t.roleLabels[c.roleShortname] ?? (c.roleName || c.roleShortname))).join(t.help.listSep)))] : []),
      table(t.membersColumns, acting.slice(0, 30).map((u) => [u.fullname, u.username ?? '', u.email ?? ''])),
      ...unchangedNote,
    ],
    buttons: [
      { label: t.confirm, payload: t.cmd.confirm(pending.id), style: adding ? 'primary' : 'danger' },
      { label: t.cancel, payload: t.cmd.cancel(pending.id) },
    ],
  };
}

/**
 * Support may look at a cohort's members, managed ones included (read-only), where Moodle grants them
 * reading: the membership is asked of Moodle as the person (moodle/cohort:view in the cohort's context,
 * checked by the plugin); a cohort they may not see is answered as one that does not exist. Once Moodle
 * said they may, the members' names and e-mails are read with the service account's rights.
 */
export async function listMembers(ctx: HandlerContext, ref: string, platform?: string): Promise<View> {
  const t = ctx.t;
  const found = await findCohort(ctx, ref, platform, false, (c) => ctx.t.cmd.members(c));
  if ('blocks' in found) return found;
  const api = ctx.api(found.platform);
  const me = ctx.actor.account(found.platform);
  const refused = async (detail: 'unverifiable' | 'onbehalfnopermission'): Promise<View> => {
    await ctx.audit({ command: 'members', platform: found.platform, target: found.cohort.idnumber, outcome: 'refused', detail });
    return { tone: 'error', blocks: [text(detail === 'unverifiable' ? t.cohortRightsUnverifiable(found.platform) : t.cohortUnknown(ref))] };
  };
  // Without the plugin, or with one older than 1.4.1 (no onbehalfof: invalidparameter), the person's right cannot be checked: refused.
  if (!(await api.functionNames()).has('local_cohortbot_get_cohort_members')) return refused('unverifiable');
  const ids = await api.getCohortMembersAs(found.cohort.id, me.id).catch((err: unknown) => {
    const code = refusalCode(err);
    if (code === 'onbehalfnopermission' || code === 'invalidparameter') return code;
    throw err;
  });
  if (typeof ids === 'string') return refused(ids === 'invalidparameter' ? 'unverifiable' : 'onbehalfnopermission');
  const users = ids.length ? await api.getUsersByField('id', ids) : [];
  await ctx.audit({ command: 'members', platform: found.platform, target: found.cohort.idnumber, outcome: 'ok' });
  return { title: t.membersTitle(`${found.cohort.name} (${found.cohort.idnumber})`, users.length), private: true, blocks: [table(t.membersColumns, users.map((u) => [u.fullname, u.username ?? '', u.email ?? '']))] };
}

/** Confirmations of the support and admin actions (approving held removals, manual cohort members). */
export async function confirmSupport(ctx: HandlerContext, pending: Pending, a: Extract<PendingAction, { kind: 'approve' | 'members' }>): Promise<View> {
  const t = ctx.t;
  if (a.kind === 'approve') {
    // Rights are checked again at the "yes": the role lists may have changed since the card was shown.
    if (!ctx.actor.has('admin')) return refuse(ctx, t.adminOnly, a.reject ? 'reject' : 'approve');
    if (a.reject) {
      const r = await ctx.deps.engine.reject(a.run, ctx.actor.key, ctx.actor.identity.channel);
      return { tone: 'success', blocks: [text(t.rejectDone(a.run, r.removals))] };
    }
    // The engine writes the one audit entry of the approval, with this channel.
    const run = await ctx.deps.engine.approve(a.run, ctx.actor.key, ctx.actor.identity.channel);
    const removed = run.platforms.reduce((n, p) => n + p.membersRemoved, 0);
    const skipped = run.platforms.reduce((n, p) => n + p.removalsSkipped, 0);
    if (run.status !== 'applied') return { tone: 'warning', blocks: [text(t.approvePartial(a.run, removed, run.runId))] };
    return { tone: 'success', blocks: [text(t.approveDone(a.run, removed, skipped))] };
  }
  if (!ctx.actor.has('support')) return refuse(ctx, t.supportOnly, pending.command.kind);
  const api = ctx.api(pending.platform);
  // As the person, checked again by Moodle at the "yes" (#28): their rights may have changed since the card.
  const cohorts = await manualCohorts(ctx, pending.platform, pending.command.kind);
  if ('blocks' in cohorts) return cohorts;
  const refused = await cohorts.change(a.adding ? 'add' : 'remove', a.cohortId, a.userIds, ctx.actor.account(pending.platform).id).then(
    () => false,
    (err: unknown) => {
      if (refusalCode(err) !== 'onbehalfnopermission') throw err;
      return true;
    },
  );
  if (refused) {
    await ctx.audit({ command: pending.command.kind, platform: pending.platform, target: a.cohortLabel, outcome: 'refused', detail: 'onbehalfnopermission' });
    return { tone: 'error', blocks: [text(t.cohortUnavailable(a.cohortLabel))] };
  }
  // Count from Moodle afterwards: what the cohort really gained or lost.
  const after = new Set((await api.getCohortMembers([a.cohortId])).get(a.cohortId) ?? []);
  const done = a.userIds.filter((id) => (a.adding ? after.has(id) : !after.has(id))).length;
  await ctx.audit({ command: a.adding ? 'addMembers' : 'removeMembers', platform: pending.platform, target: a.cohortLabel, outcome: 'ok', detail: `${done} users` });
  return { tone: done === a.userIds.length ? 'success' : 'warning', blocks: [text(t.membersDone(done, a.cohortLabel, a.adding))] };
}
