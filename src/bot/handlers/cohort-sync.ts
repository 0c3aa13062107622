/**
 * méthodes / ajouter / modifier / retirer: a course's cohort syncs, acting with the teacher's own
 * Moodle rights (Moodle re-checks them on every call, confirmations and buttons included).
 * Adding and removing ask for a confirmation first; the button carries only an opaque id.
 */
import type { MoodleUser } from '../../moodle/api';
import type { CohortSync, CohortSyncs } from '../../moodle/cohort-syncs';
import type { CourseAccess } from '../authz';
import { currentAcademicYear } from '../../domain/academic-year';
import { endOfYear } from '../../diagnosis/effect';
import { formatDate } from '../../i18n/format';
import { localeOf } from '../../i18n/locale';
import type { Command, GroupSpec, RoleSpec } from '../commands';
import { fold } from '../commands';
import type { HandlerContext, PendingProblem, SyncPatch } from '../context';
import { ResolvedCourse, cohortDidYouMean, nearCohorts, pickCohort, typedIdnumbers } from '../resolve';
import { View, facts, shorten, table, text } from '../views';
import { confirmSupport } from './support';
import { rememberLinked } from './notices';

type AddCommand = Extract<Command, { kind: 'add' }>;

const spec = (rc: ResolvedCourse) => `${rc.platform}:${rc.course.shortname}`;

/** The course's cohort syncs, read as the person (authorisation checked they may see them). */
export async function listSyncs(ctx: HandlerContext, p: CourseAccess): Promise<View> {
  const t = ctx.t;
  const list = await p.syncs.list(p.course.id, p.me.id);
  if (list.length === 0) return { blocks: [text(t.syncsNone(p.label)), text(t.syncsNext(spec(p)))] };
  // The cohort's ID is typed in the next commands: never cut; its name is cut to keep the column narrow.
  const rows = list.map((i) => [i.cohortName ? `${shorten(i.cohortName, Math.max(12, 45 - (i.cohortIdnumber ?? '').length))} (${i.cohortIdnumber})` : i.cohortIdnumber || '—', t.roleLabels[i.roleName] ?? (i.roleName || t.none), i.groupName || t.none, i.enabled ? t.enabled : t.disabled, i.activeCount >= 0 ? i.activeCount : '?']);
  return { title: t.syncsTitle(p.label), blocks: [table(t.syncsColumns, rows, [0]), text(t.syncsNext(spec(p)))] };
}

async function resolveRole(ctx: HandlerContext, syncs: CohortSyncs, courseId: number, me: MoodleUser, role: RoleSpec | undefined): Promise<{ id: number; name: string } | View> {
  const roles = await syncs.assignableRoles(courseId, me.id);
  const wanted = role?.shortname;
  const found = wanted ? roles.roles.find((r) => r.shortname === wanted) : roles.roles.find((r) => r.id === roles.defaultRoleId);
  if (!found) {
    // A role the grammar knows but this person may not give here: say so, with the roles they may give.
    const possible = roles.roles.map((r) => ctx.t.roleLabels[r.shortname] ?? r.name).join(', ');
    return { tone: 'error', blocks: [text(ctx.t.roleNotAssignable(ctx.t.roleLabels[wanted ?? ''] ?? wanted ?? '?', possible))] };
  }
  return { id: found.id, name: ctx.t.roleLabels[found.shortname] ?? found.name };
}

async function resolveGroup(ctx: HandlerContext, rc: ResolvedCourse, group: GroupSpec | undefined, cohortName: string): Promise<{ id: number; label: string } | View> {
  if (!group || group.kind === 'none') return { id: 0, label: ctx.t.none };
  if (group.kind === 'new') return { id: -1, label: ctx.t.newGroup(cohortName) };
  const groups = await ctx.api(rc.platform).getCourseGroups(rc.course.id);
  const g = groups.find((x) => fold(x.name) === fold(group.name));
  if (!g) return { tone: 'error', blocks: [text(ctx.t.groupNotFound(group.name, rc.label))] };
  return { id: g.id, label: g.name };
}

/** Categories of Ecampus's automatically created course spaces, the course's category chain included. */
async function isAutoSpace(ctx: HandlerContext, rc: ResolvedCourse): Promise<boolean> {
  const auto = ctx.config.platforms.find((p) => p.name === rc.platform)?.autoSpaceCategories ?? [];
  if (auto.length === 0) return false;
  const api = ctx.api(rc.platform);
  const [cat] = await api.getCategories([{ key: 'id', value: String(rc.course.categoryid) }], false);
  if (!cat) return false;
  const chain = cat.path.split('/').filter(Boolean);
  const cats = await api.getCategories([{ key: 'ids', value: chain.join(',') }], false);
  return cats.some((c) => c.idnumber !== null && auto.includes(c.idnumber));
}

/** End of the current academic year (the next switch, ACADEMIC_YEAR_START), for manual enrolments: the date support's "why" offers too. */
function academicYearEnd(ctx: HandlerContext): { epoch: number; label: string } {
  const rules = ctx.config.academicYear;
  const end = endOfYear(currentAcademicYear(ctx.now(), rules), rules);
  return { epoch: Math.floor(end.getTime() / 1000), label: formatDate(end, localeOf(ctx.t.locale), rules.timezone) };
}

export async function add(ctx: HandlerContext, cmd: AddCommand, access: CourseAccess): Promise<View> {
  const cohortRef = access.cohortRef ?? cmd.cohort;
  const { me, syncs } = access;
  const rc: ResolvedCourse = access;
  const t = ctx.t;
  // What the confirmation needs is asked at once (one round trip), and read in this order: the course's
  // syncs too (is this cohort already synced?), though only a cohort found makes them matter.
  const [cohorts, roles, listed, autoSpaced] = [syncs.availableCohorts(rc.course.id, '', 1000, me.id), resolveRole(ctx, syncs, rc.course.id, me, cmd.role), syncs.list(rc.course.id, me.id), isAutoSpace(ctx, rc)];
  for (const later of [roles, listed, autoSpaced]) later.catch(() => undefined);
  const available = await cohorts;
  // Hidden cohorts are for admins only, whatever Moodle's cohort:view lets a teacher see (#28).
  const picked = pickCohort(ctx, cohortRef, available.cohorts.filter((c) => c.visible || ctx.actor.has('admin')), rc.label, (c) => t.cmd.add(c, spec(rc), { role: cmd.role?.shortname, group: cmd.group, name: cmd.name, inactive: cmd.inactive }));
  if (!picked.ok) return picked.view;
  const cohort = picked.value;
  const role = await roles;
  if ('blocks' in role) return role;
  // The same cohort already synced with this role (active or not): adding changes nothing — say so,
  // with the command that would change it, rather than announce enrolments that will not happen.
  const existing = (await listed).find((i) => i.cohortId === cohort.id && i.roleId === role.id);
  if (existing) return existingSync(ctx, rc, existing, cmd.inactive);
  const group = await resolveGroup(ctx, rc, cmd.group, cohort.name);
  if ('blocks' in group) return group;
  const autoSpace = await autoSpaced;
  const end = academicYearEnd(ctx);
  const pending = await ctx.savePending({
    command: { ...cmd, cohort: cohort.idnumber || String(cohort.id) },
    platform: rc.platform,
    courseId: rc.course.id,
    courseLabel: rc.label,
    action: { kind: 'add', cohortId: cohort.id, cohortLabel: `${cohort.name} (${cohort.idnumber})`, roleId: role.id, groupId: group.id, timeend: end.epoch, endLabel: end.label },
  });
  await ctx.audit({ command: 'add', platform: rc.platform, course: rc.course.shortname, target: cohort.idnumber, outcome: 'asked' });
  const blocks = [
    text((cmd.inactive ? t.help.addWillNotEnrol : t.help.addWillEnrol)(`${cohort.name} (${cohort.idnumber})`, rc.label, cohort.memberCount)),
    facts([
      [t.course, `${rc.course.fullname} — ${rc.label}`],
      [t.cohort, `${cohort.name} (${cohort.idnumber})`],
      [t.role, role.name],
      [t.group, group.label],
      [t.status, cmd.inactive ? t.disabled : t.enabled],
      ...(cmd.name !== undefined ? [[t.help.nameOnCard, cmd.name] as [string, string]] : []),
    ]),
  ];
  if (autoSpace) blocks.push(text(`⚠️ ${t.autoSpaceWarning(rc.label)}`));
  return {
    title: t.addConfirmTitle,
    tone: autoSpace ? 'warning' : 'info',
    blocks,
    buttons: [
      ...(autoSpace ? [{ label: t.manualInstead(end.label), payload: t.cmd.manual(pending.id), style: 'primary' as const }] : []),
      { label: t.confirm, payload: t.cmd.confirm(pending.id), style: autoSpace ? undefined : ('primary' as const) },
      { label: t.cancel, payload: t.cmd.cancel(pending.id) },
    ],
  };
}

/** "Already synced": its state and role, and the `modifier` command that would change it. */
function existingSync(ctx: HandlerContext, rc: ResolvedCourse, i: CohortSync, wantsInactive: boolean): View {
  const t = ctx.t;
  const label = `${i.cohortName} (${i.cohortIdnumber})`;
  const cohort = i.cohortIdnumber ?? String(i.cohortId);
  const next = !i.enabled && !wantsInactive ? t.help.addExistsDisabled(t.cmd.update(cohort, spec(rc), { enabled: true })) : t.help.addExistsChange(t.cmd.update(cohort, spec(rc), { rolePlaceholder: true }));
  return { tone: 'info', blocks: [text(t.help.addExists(label, rc.label, i.enabled ? t.enabled : t.disabled, t.roleLabels[i.roleShortname] ?? i.roleName)), text(next)] };
}

/** The cohort-sync instances of a course that match what the person typed. */
function matching(ctx: HandlerContext, list: CohortSync[], ref: string): CohortSync[] {
  const f = fold(ref.trim());
  const ids: string[] = typedIdnumbers(ctx.config.cohorts.idnumberPrefix, ref);
  const exact = list.filter((i) => i.cohortIdnumber !== null && (ids.includes(fold(i.cohortIdnumber)) || fold(i.cohortName ?? '') === f));
  return exact;
}

/** Nothing synced matches exactly: "did you mean" the synced cohorts it is close to, each as the command (never a guess). */
function notInCourse(ctx: HandlerContext, rc: ResolvedCourse, list: CohortSync[], ref: string, command: (cohort: string) => string): View {
  const near = [...new Map(nearCohorts(ctx, ref, list, (i) => [i.cohortName, i.cohortIdnumber]).map((i) => [i.cohortId, i])).values()].slice(0, 3);
  if (near.length === 0) return { tone: 'error', blocks: [text(ctx.t.cohortNotInCourse(ref, rc.label))] };
  return cohortDidYouMean(ctx, ref, rc.label, near.map((i) => ({ label: `${i.cohortName} (${i.cohortIdnumber})`, command: command(i.cohortIdnumber ?? String(i.cohortId)) })));
}

export async function remove(ctx: HandlerContext, cmd: Extract<Command, { kind: 'remove' }>, access: CourseAccess): Promise<View> {
  const { me, syncs } = access;
  const rc: ResolvedCourse = access;
  const t = ctx.t;
  const list = await syncs.list(rc.course.id, me.id);
  const found = matching(ctx, list, cmd.cohort);
  if (found.length === 0) return notInCourse(ctx, rc, list, cmd.cohort, (c) => t.cmd.remove(c, spec(rc)));
  const label = `${found[0]!.cohortName} (${found[0]!.cohortIdnumber})`;
  if (new Set(found.map((i) => i.cohortId)).size > 1) {
    return { tone: 'warning', blocks: [text(t.cohortAmbiguous(cmd.cohort))], buttons: found.map((i) => ({ label: `${i.cohortName} (${i.cohortIdnumber}) — ${i.roleName}`, payload: t.cmd.remove(i.cohortIdnumber ?? String(i.cohortId), spec(rc)) })) };
  }
  // Who loses access: those whose only active way in is this instance. Several instances of one cohort
  // give each other's members a way in, so their sum would be false: say it is unknown instead.
  const count = found.length === 1 ? found[0]!.onlyAccessCount : -1;
  const pending = await ctx.savePending({ command: cmd, platform: rc.platform, courseId: rc.course.id, courseLabel: rc.label, action: { kind: 'remove', instanceIds: found.map((i) => i.id), cohortLabel: label } });
  await ctx.audit({ command: 'remove', platform: rc.platform, course: rc.course.shortname, target: found[0]!.cohortIdnumber ?? undefined, outcome: 'asked' });
  return {
    title: t.removeConfirmTitle,
    tone: 'warning',
    blocks: [
      text(t.help.removeText(label, rc.label, t.help.whoLeave(count, found[0]!.roleShortname))),
      // A role other than student: everyone it enrolled loses that role, even those who keep access.
      ...found.filter((i) => i.roleShortname !== 'student').map((i) => text(t.help.loseRole(i.enabled ? i.activeCount : i.memberCount, i.roleShortname, t.roleLabels[i.roleShortname] ?? i.roleName))),
    ],
    buttons: [
      { label: t.confirm, payload: t.cmd.confirm(pending.id), style: 'danger' },
      { label: t.cancel, payload: t.cmd.cancel(pending.id) },
    ],
  };
}

export async function update(ctx: HandlerContext, cmd: Extract<Command, { kind: 'update' }>, access: CourseAccess): Promise<View> {
  const t = ctx.t;
  if (!cmd.role && !cmd.group && cmd.enabled === undefined && cmd.name === undefined) return { tone: 'error', blocks: [text(t.updateNothing)] };
  const { me, syncs } = access;
  const rc: ResolvedCourse = access;
  const list = await syncs.list(rc.course.id, me.id);
  const found = matching(ctx, list, cmd.cohort);
  if (found.length === 0) return notInCourse(ctx, rc, list, cmd.cohort, (c) => t.cmd.update(c, spec(rc), { role: cmd.role?.shortname, group: cmd.group, name: cmd.name, enabled: cmd.enabled }));
  if (found.length !== 1) return { tone: 'error', blocks: [text(t.cohortAmbiguous(cmd.cohort))] };
  const instance = found[0]!;
  const changes: string[] = [];
  let roleId: number | undefined;
  if (cmd.role) {
    const role = await resolveRole(ctx, syncs, rc.course.id, me, cmd.role);
    if ('blocks' in role) return role;
    roleId = role.id;
    changes.push(t.roleChanged(role.name));
  }
  let groupId: number | undefined;
  if (cmd.group) {
    const group = await resolveGroup(ctx, rc, cmd.group, instance.cohortName ?? '');
    if ('blocks' in group) return group;
    groupId = group.id;
    // A new group's label is already the whole change ("new group named after the cohort …").
    changes.push(group.id === -1 ? group.label : t.groupChanged(group.label));
  }
  if (cmd.enabled !== undefined) changes.push(t.statusChanged(cmd.enabled));
  if (cmd.name !== undefined) changes.push(t.nameChanged(cmd.name));
  const label = `${instance.cohortName} (${instance.cohortIdnumber})`;
  const patch = { roleId, groupId, enabled: cmd.enabled, name: cmd.name };
  const disabling = cmd.enabled === false && instance.enabled;
  const enabling = cmd.enabled === true && !instance.enabled;
  const roleChanging = roleId !== undefined && roleId !== instance.roleId;
  if (!disabling && !enabling && !roleChanging) return applyUpdate(ctx, rc.platform, rc.label, spec(rc), instance.id, label, instance.cohortIdnumber ?? '', patch, changes);
  // What changes people's access or role is confirmed first, saying how many people it touches.
  const pending = await ctx.savePending({ command: cmd, platform: rc.platform, courseId: rc.course.id, courseLabel: rc.label, action: { kind: 'update', instanceId: instance.id, cohortLabel: label, cohortIdnumber: instance.cohortIdnumber ?? '', courseSpec: spec(rc), patch, changes } });
  await ctx.audit({ command: 'update', platform: rc.platform, course: rc.course.shortname, target: instance.cohortIdnumber ?? undefined, outcome: 'asked' });
  const newShortname = roleChanging && cmd.role ? cmd.role.shortname : instance.roleShortname;
  const roleName = t.roleLabels[newShortname] ?? newShortname;
  // Who is touched: enabling gives access to everyone the method enrols (Moodle keeps their enrolments
  // while it is disabled); a role change re-roles them all, with access now or once it is enabled.
  const enrolled = instance.enabled ? instance.activeCount : instance.memberCount;
  const gaining = enabling ? await whoGains(ctx, rc, instance.cohortId, newShortname) : 0;
  const blocks = [
    ...(disabling ? [text(t.disableConfirmText(label, rc.label, instance.onlyAccessCount, instance.roleShortname))] : []),
    ...(enabling ? [text(t.help.enableConfirmText(label, rc.label, gaining, newShortname, roleName))] : []),
    ...(roleChanging ? [text(t.help.roleChangeText(label, rc.label, enrolled, instance.roleShortname, roleName, t.roleLabels[instance.roleShortname] ?? instance.roleName))] : []),
  ];
  return {
    title: disabling ? t.disableConfirmTitle : enabling ? t.help.enableConfirmTitle : t.roleConfirmTitle,
    tone: 'warning',
    blocks,
    buttons: [
      { label: t.confirm, payload: t.cmd.confirm(pending.id), style: 'danger' },
      { label: t.cancel, payload: t.cmd.cancel(pending.id) },
    ],
  };
}

/**
 * Who enabling a sync touches, as Moodle stands now: with a student role, the cohort's members who
 * have no active access to the course yet (they gain it); with any other role, every member (each
 * gets that role, whatever access they had). Moodle enrols nobody through a disabled method.
 */
async function whoGains(ctx: HandlerContext, rc: ResolvedCourse, cohortId: number, role: string): Promise<number> {
  const api = ctx.api(rc.platform);
  const [members, active] = await Promise.all([api.getCohortMembers([cohortId]), api.getEnrolledUsers(rc.course.id, [{ name: 'onlyactive', value: 1 }])]);
  const ids = members.get(cohortId) ?? [];
  if (role !== 'student') return ids.length;
  const now = new Set(active.map((u) => u.id));
  return ids.filter((id) => !now.has(id)).length;
}

/** Applies a change to a cohort sync as the person (Moodle re-checks their rights), then says what changed. */
async function applyUpdate(ctx: HandlerContext, platform: string, courseLabel: string, courseSpec: string, instanceId: number, label: string, idnumber: string, patch: SyncPatch, changes: string[]): Promise<View> {
  const me = ctx.actor.account(platform);
  await (await ctx.cohortSyncs(platform)).update(instanceId, patch, me.id);
  await ctx.audit({ command: 'update', platform, course: courseLabel, target: idnumber || undefined, outcome: 'ok', detail: changes.join('; ') });
  return { tone: 'success', blocks: [text(ctx.t.updateDone(label, courseLabel, changes.join(', '))), text(ctx.t.syncsNext(courseSpec))] };
}

/** oui / confirm: carries out the pending action, with the person's rights checked again by Moodle. */
export async function confirm(ctx: HandlerContext, id: string | undefined): Promise<View> {
  const t = ctx.t;
  const { pending, problem } = await ctx.takePending(id, 'confirm');
  if (!pending) return { tone: problem === 'used' ? 'info' : 'error', blocks: [text(pendingProblem(ctx, problem))] };
  const a = pending.action;
  switch (a.kind) {
    case 'approve':
    case 'members':
      return confirmSupport(ctx, pending, a);
    case 'update':
      return applyUpdate(ctx, pending.platform, pending.courseLabel, a.courseSpec, a.instanceId, a.cohortLabel, a.cohortIdnumber, a.patch, a.changes);
    case 'add': {
      const me = ctx.actor.account(pending.platform);
      const syncs = await ctx.cohortSyncs(pending.platform);
      const cmd = pending.command.kind === 'add' ? pending.command : undefined;
      const r = await syncs.add({ courseId: pending.courseId, cohort: { id: a.cohortId }, role: { id: a.roleId }, groupId: a.groupId, enabled: !cmd?.inactive, name: cmd?.name, onBehalfOf: me.id });
      if (r.created) await rememberLinked(ctx.deps.store, pending.platform, r.id, ctx.now());
      const instance = (await syncs.list(pending.courseId, me.id)).find((i) => i.id === r.id);
      await ctx.audit({ command: 'add', platform: pending.platform, course: pending.courseLabel, target: cmd?.cohort, outcome: r.created ? 'ok' : 'unchanged' });
      if (r.created && cmd?.inactive) {
        const courseSpec = pending.courseLabel.replace(/^(.+) \((\w+)\)$/, '$2:$1');
        return { tone: 'success', blocks: [text(t.help.addDoneInactive(a.cohortLabel, pending.courseLabel, t.cmd.update(cmd.cohort, courseSpec, { enabled: true })))] };
      }
      return { tone: 'success', blocks: [text(r.created ? t.addDone(a.cohortLabel, pending.courseLabel, instance?.activeCount ?? -1, instance?.roleShortname ?? '') : t.addExisting(a.cohortLabel, pending.courseLabel))] };
    }
    case 'remove': {
      const me = ctx.actor.account(pending.platform);
      const syncs = await ctx.cohortSyncs(pending.platform);
      for (const instanceId of a.instanceIds) await syncs.remove(instanceId, me.id);
      await ctx.audit({ command: 'remove', platform: pending.platform, course: pending.courseLabel, target: pending.command.kind === 'remove' ? pending.command.cohort : undefined, outcome: 'ok' });
      return { tone: 'success', blocks: [text(t.removeDone(a.cohortLabel, pending.courseLabel))] };
    }
  }
}

/** Why there is nothing to confirm: already done (a second click, a retry), someone else's, expired, or none. */
function pendingProblem(ctx: HandlerContext, problem: PendingProblem | undefined): string {
  const t = ctx.t;
  return problem === 'used' ? t.confirmAlreadyDone : problem === 'notYours' ? t.confirmNotYours : problem === 'none' ? t.nothingToConfirm : t.confirmExpired;
}

export async function cancel(ctx: HandlerContext, id: string | undefined): Promise<View> {
  const { pending, problem } = await ctx.takePending(id, 'cancel');
  if (problem === 'used') return { tone: 'info', blocks: [text(ctx.t.confirmAlreadyDone)] };
  // Someone else's card is refused like their "Confirmer" (an error: the clicker's alone, the card unchanged);
  // nothing left to cancel is said to the clicker alone too. Only a cancellation that happened is everyone's.
  if (!pending) return { tone: problem === 'notYours' ? 'error' : 'info', blocks: [text(problem === 'notYours' ? ctx.t.confirmNotYours : ctx.t.help.cancelledNothing)] };
  await ctx.audit({ command: pending.command.kind, platform: pending.platform, course: pending.courseLabel, outcome: 'cancelled' });
  return { blocks: [text(ctx.t.cancelled)] };
}

/**
 * The alternative offered on auto-created course spaces: the cohort's current members enrolled
 * manually with an end date, if the teacher may enrol manually in that course.
 */
export async function manualInstead(ctx: HandlerContext, id: string): Promise<View> {
  const t = ctx.t;
  const { pending, problem } = await ctx.takePending(id, 'manual');
  if (!pending || pending.action.kind !== 'add') return { tone: problem === 'used' ? 'info' : 'error', blocks: [text(pendingProblem(ctx, problem ?? 'expired'))] };
  const d = pending.action;
  const api = ctx.api(pending.platform);
  const me = ctx.actor.account(pending.platform);
  const may = (await api.getEnrolledUsers(pending.courseId, [{ name: 'withcapability', value: 'enrol/manual:enrol' }, { name: 'onlyactive', value: 1 }])).some((u) => u.id === me.id);
  if (!may && !ctx.actor.has('admin')) {
    await ctx.audit({ command: 'manual', platform: pending.platform, course: pending.courseLabel, outcome: 'refused' });
    return { tone: 'error', blocks: [text(t.notAllowedCourse(pending.courseLabel))] };
  }
  const members = (await api.getCohortMembers([d.cohortId])).get(d.cohortId) ?? [];
  const now = Math.floor(ctx.now().getTime() / 1000);
  await api.manualEnrolUsers(members.map((userid) => ({ roleid: d.roleId, userid, courseid: pending.courseId, timestart: now, timeend: d.timeend })));
  await ctx.audit({ command: 'manual', platform: pending.platform, course: pending.courseLabel, target: d.cohortLabel, outcome: 'ok', detail: `${members.length} enrolled until ${d.endLabel}` });
  return { tone: 'success', blocks: [text(t.manualDone(members.length, pending.courseLabel, d.endLabel))] };
}
