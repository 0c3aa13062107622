/**
 * The cohort-sync web services of the two plugins a site may run (docs/moodle.md §5):
 * our companion plugin local_cohortbot, with Moodle's own permission checks on behalf of the
 * teacher, and the contributed local_ws_enrolcohort, which checks next to nothing.
 */
import { FingerprintSum, keyHash } from '../../domain/fingerprint';
import { DEFAULT, OPTIONAL, WsException, invalidParameter, invalidRecord, multiple, requireLoginError, single, value } from '../desc';
import { CohortRow, Context, EnrolRow, SYSTEM, Site, UserRow, contextId } from '../model';
import { requireViewOrManage } from './cohort';
import { WsFunction, define } from './types';

const PLUGIN_VERSION = '2026121100';
const WS_ENROLCOHORT_VERSION = '2020031800';

const pluginError = (code: string, message: string) => new WsException('core\\exception\\moodle_exception', code, message);
/** The plugin's refusals as its lang file words them (lang/en/local_cohortbot.php; test/unit/words.test.ts keeps them equal). */
export const PLUGIN_REFUSAL_TEXTS: Record<string, string> = {
  ambiguousparams: 'Give exactly one of the alternative parameters (cohort id or idnumber, role id or shortname).',
  cohortnotavailable: 'This cohort is not available to this course.',
  cohortnotfound: 'The cohort does not exist.',
  groupnotincourse: 'The group does not belong to this course.',
  instanceexists: 'This cohort is already synchronised with the selected role.',
  notcohortinstance: 'This enrolment method is not a cohort sync.',
  onbehalfnopermission: 'The user the request is made for may not configure cohort sync in this course.',
  onbehalfrequired: "A request must name the Moodle user it is made for (onbehalfof): the bot never acts with its own account's rights.",
  plugindisabled: 'The cohort sync enrolment plugin is disabled on this site.',
  rolenotassignable: 'This role cannot be assigned in this course.',
  rolenotfound: 'The role does not exist.',
};
const fail = (code: keyof typeof PLUGIN_REFUSAL_TEXTS) => pluginError(code, PLUGIN_REFUSAL_TEXTS[code]!);

/** Steps 1–2 of the permission model: the course context, and the service account's capabilities. */
function courseFor(site: Site, caller: UserRow, courseId: number, caps: string[]): Context {
  if (courseId === 1) throw invalidParameter('The site course cannot be used');
  const ctx = site.courseContext(courseId);
  if (!site.canAccessCourse(courseId, caller.id)) throw requireLoginError();
  // local/cohortbot:use at system level: the admins' kill switch for the bot.
  site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
  for (const cap of caps) site.requireCapability(cap, ctx, caller.id);
  if (!site.settings.cohortPluginEnabled) throw fail('plugindisabled');
  return ctx;
}

/** Step 3a: the person the request is made for — required, and an account that may log in. */
function actingUser(site: Site, onbehalfof: number): UserRow {
  if (onbehalfof <= 0) throw fail('onbehalfrequired');
  const u = site.liveUser(onbehalfof);
  if (!u || u.suspended || u.auth === 'nologin') throw fail('onbehalfnopermission');
  return u;
}

/** Step 3b: the same capabilities for the person the bot acts for; do not reveal more than that. */
function checkOnBehalf(site: Site, ctx: Context, onbehalfof: number, caps: string[]): void {
  actingUser(site, onbehalfof);
  if (!caps.every((c) => site.hasCapability(c, ctx, onbehalfof))) throw fail('onbehalfnopermission');
  requireParticipant(site, ctx, onbehalfof);
}

/**
 * sync_manager::require_participant(): what require_login($course) asks of the person — an active
 * participant (enrolment active, within its dates, in an enabled method) or a holder of
 * moodle/course:view, and a visible course unless they may see hidden ones. Roles outlive a suspended
 * or ended enrolment in Moodle, so capabilities alone do not make a participant.
 */
function requireParticipant(site: Site, ctx: Context, userId: number): void {
  if (site.isSiteAdmin(userId)) return;
  if (!site.canAccessCourse(ctx.instanceid, userId)) throw fail('onbehalfnopermission');
  if (!site.requireCourse(ctx.instanceid).visible && !site.hasCapability('moodle/course:viewhiddencourses', ctx, userId)) throw fail('onbehalfnopermission');
}

/** An instance only once the person's rights in its course are proven: nothing said about an id to anyone else. */
function cohortInstance(site: Site, caller: UserRow, instanceId: number, onbehalfof: number, caps: string[]): { inst: EnrolRow; ctx: Context } {
  actingUser(site, onbehalfof);
  const inst = site.enrol.get(instanceId);
  if (!inst) throw fail('onbehalfnopermission');
  const ctx = courseFor(site, caller, inst.courseid, caps);
  checkOnBehalf(site, ctx, onbehalfof, caps);
  if (inst.enrol !== 'cohort') throw fail('notcohortinstance');
  return { inst, ctx };
}

function resolveCohort(site: Site, cohortid: number, cohortidnumber: string) {
  if ((cohortid > 0) === (cohortidnumber !== '')) throw fail('ambiguousparams');
  const cohort = cohortid > 0 ? site.cohorts.get(cohortid) : site.cohorts.first('idnumber', cohortidnumber);
  if (!cohort) throw fail('cohortnotfound');
  return cohort;
}

function resolveRole(site: Site, roleid: number, roleshortname: string) {
  if (roleid > 0 && roleshortname !== '') throw fail('ambiguousparams');
  const role = roleid > 0 ? site.roles.get(roleid) : roleshortname !== '' ? site.roles.first('shortname', roleshortname) : site.roles.get(site.settings.cohortDefaultRoleId);
  if (!role) throw fail('rolenotfound');
  return role;
}

/** Step 4 for every user concerned (the token user, and the teacher when given). */
function checkTargets(site: Site, ctx: Context, courseId: number, users: number[], cohortId: number | undefined, roleId: number | undefined, groupId: number | undefined): void {
  for (const uid of users) {
    if (cohortId !== undefined && !site.availableCohorts(courseId, uid).some((c) => c.id === cohortId)) throw fail('cohortnotavailable');
    if (roleId !== undefined && roleId > 0 && !site.assignableRoles(ctx, uid).some((r) => r.id === roleId)) throw fail('rolenotassignable');
  }
  if (groupId !== undefined && groupId > 0 && site.groups.get(groupId)?.courseid !== courseId) throw fail('groupnotincourse');
}

const instanceOut = (site: Site, i: EnrolRow) => {
  const cohort = site.cohorts.get(i.customint1);
  const role = site.roles.get(i.roleid);
  const group = i.customint2 > 0 ? site.groups.get(i.customint2) : undefined;
  return {
    id: i.id,
    cohortid: i.customint1,
    cohortidnumber: cohort?.idnumber ?? null,
    cohortname: cohort?.name ?? null,
    roleid: i.roleid,
    rolename: role ? role.name || role.shortname : '',
    groupid: i.customint2,
    groupname: group?.name ?? '',
    status: i.status,
    name: i.name,
    membercount: site.userEnrolments.find('enrol', i.id).length,
    roleshortname: role?.shortname ?? '',
    ...accessCounts(site, i),
  };
};

/** sync_manager::access_counts(): the active participants it makes (Moodle's onlyactive), and who has no other way in. */
function accessCounts(site: Site, i: EnrolRow): { activecount: number; onlyaccesscount: number } {
  if (i.status !== 0) return { activecount: 0, onlyaccesscount: 0 };
  const now = site.now();
  const activeVia = (inst: EnrolRow, userId: number) =>
    inst.status === 0 && site.userEnrolments.find('enrol', inst.id).some((ue) => ue.userid === userId && ue.status === 0 && ue.timestart <= now && (ue.timeend === 0 || ue.timeend > now));
  const users = site.userEnrolments
    .find('enrol', i.id)
    .filter((ue) => ue.status === 0 && ue.timestart <= now && (ue.timeend === 0 || ue.timeend > now))
    .map((ue) => site.users.get(ue.userid))
    .filter((u): u is UserRow => u !== undefined && !u.deleted);
  const others = site.enrol.find('course', i.courseid).filter((x) => x.id !== i.id);
  return { activecount: users.length, onlyaccesscount: users.filter((u) => !others.some((x) => activeVia(x, u.id))).length };
}

const onbehalfof = value('int', DEFAULT(0));
/** get_available_cohorts_many::MAX_COURSES: each course is a login check, a few capability checks and a query. */
const MAX_MANY_COURSES = 100;
const availableCohortOut = single({ id: value('int'), idnumber: value('raw'), name: value('text'), visible: value('bool'), contextlevel: value('alpha'), membercount: value('int') });

/** sync_manager::available_cohorts() as get_available_cohorts returns it: the query in name, idnumber or description; one more row tells a cut list. */
function availableOut(site: Site, courseId: number, query: string, limit: number, viewer: number) {
  const q = query.trim().toLowerCase();
  const rows = site.availableCohorts(courseId, viewer).filter((c) => q === '' || [c.name, c.idnumber, c.description].some((f) => f.toLowerCase().includes(q)));
  const max = Math.max(1, Math.min(limit, 1000));
  return {
    cohorts: rows.slice(0, max).map((c) => ({ id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, contextlevel: c.contextlevel === 'system' ? 'system' : 'coursecat', membercount: site.members.find('cohort', c.id).length })),
    truncated: rows.length > max,
  };
}
const WRITE_CAPS = ['moodle/course:enrolconfig', 'enrol/cohort:config'];

export const localCohortbotFunctions: WsFunction[] = [
  define({
    name: 'local_cohortbot_get_cohort_syncs',
    version: PLUGIN_VERSION,
    params: { courseid: value('int'), onbehalfof },
    returns: single({
      instances: multiple(
        single({
          id: value('int'),
          cohortid: value('int'),
          cohortidnumber: value('raw'),
          cohortname: value('text'),
          roleid: value('int'),
          rolename: value('text'),
          groupid: value('int'),
          groupname: value('text'),
          status: value('int'),
          name: value('text'),
          membercount: value('int'),
          roleshortname: value('alphanumext'),
          activecount: value('int'),
          onlyaccesscount: value('int'),
        }),
      ),
    }),
    execute(site, caller, a: { courseid: number; onbehalfof: number }) {
      const ctx = courseFor(site, caller, a.courseid, ['moodle/course:enrolconfig']);
      checkOnBehalf(site, ctx, a.onbehalfof, ['moodle/course:enrolreview']);
      return { instances: site.enrol.find('course', a.courseid).filter((i) => i.enrol === 'cohort').sort((x, y) => x.id - y.id).map((i) => instanceOut(site, i)) };
    },
  }),

  define({
    name: 'local_cohortbot_add_cohort_sync',
    version: PLUGIN_VERSION,
    params: {
      courseid: value('int'),
      cohortid: value('int', DEFAULT(0)),
      cohortidnumber: value('raw', DEFAULT('')),
      roleid: value('int', DEFAULT(0)),
      roleshortname: value('alphanumext', DEFAULT('')),
      groupid: value('int', DEFAULT(0)),
      status: value('int', DEFAULT(0)),
      name: value('text', DEFAULT('')),
      onbehalfof,
    },
    returns: single({ id: value('int'), groupid: value('int'), created: value('bool') }),
    execute(site, caller, a: { courseid: number; cohortid: number; cohortidnumber: string; roleid: number; roleshortname: string; groupid: number; status: number; name: string; onbehalfof: number }) {
      const caps = a.groupid === -1 ? [...WRITE_CAPS, 'moodle/course:managegroups'] : WRITE_CAPS;
      const ctx = courseFor(site, caller, a.courseid, caps);
      checkOnBehalf(site, ctx, a.onbehalfof, caps);
      const cohort = resolveCohort(site, a.cohortid, a.cohortidnumber);
      const role = resolveRole(site, a.roleid, a.roleshortname);
      if (![0, 1].includes(a.status)) throw invalidParameter('status must be 0 (enabled) or 1 (disabled)');
      checkTargets(site, ctx, a.courseid, [caller.id, a.onbehalfof], cohort.id, role.id, a.groupid);
      const existing = site.enrol.find('course', a.courseid).find((i) => i.enrol === 'cohort' && i.customint1 === cohort.id && i.roleid === role.id);
      if (existing) return { id: existing.id, groupid: existing.customint2, created: false };
      const inst = site.addInstance(a.courseid, cohort.id, role.id, a.groupid, a.status, a.name);
      return { id: inst.id, groupid: inst.customint2, created: true };
    },
  }),

  define({
    name: 'local_cohortbot_update_cohort_sync',
    version: PLUGIN_VERSION,
    params: { instanceid: value('int'), roleid: value('int', DEFAULT(null)), groupid: value('int', DEFAULT(null)), status: value('int', DEFAULT(null)), name: value('text', DEFAULT(null)), onbehalfof },
    returns: single({ id: value('int'), groupid: value('int') }),
    execute(site, caller, given: { instanceid: number; roleid: number | null; groupid: number | null; status: number | null; name: string | null; onbehalfof: number }) {
      const a = { ...given, roleid: given.roleid ?? undefined, groupid: given.groupid ?? undefined, status: given.status ?? undefined, name: given.name ?? undefined };
      const caps = a.groupid === -1 ? [...WRITE_CAPS, 'moodle/course:managegroups'] : WRITE_CAPS;
      const { inst, ctx } = cohortInstance(site, caller, a.instanceid, a.onbehalfof, caps);
      if (a.status !== undefined && ![0, 1].includes(a.status)) throw invalidParameter('status must be 0 (enabled) or 1 (disabled)');
      if (a.roleid !== undefined && a.roleid > 0 && !site.roles.get(a.roleid)) throw fail('rolenotfound');
      checkTargets(site, ctx, inst.courseid, [caller.id, a.onbehalfof], undefined, a.roleid, a.groupid);
      if (a.roleid !== undefined && a.roleid !== inst.roleid) {
        const clash = site.enrol.find('course', inst.courseid).some((i) => i.id !== inst.id && i.enrol === 'cohort' && i.customint1 === inst.customint1 && i.roleid === a.roleid);
        if (clash) throw fail('instanceexists');
      }
      const onlyStatus = a.roleid === undefined && a.groupid === undefined && a.name === undefined;
      if (onlyStatus && a.status !== undefined) {
        site.updateInstanceStatus(inst.id, a.status);
        return { id: inst.id, groupid: inst.customint2 };
      }
      const after = site.updateInstance(inst.id, { roleid: a.roleid, customint2: a.groupid, name: a.name, status: a.status });
      return { id: after.id, groupid: after.customint2 };
    },
  }),

  define({
    name: 'local_cohortbot_delete_cohort_sync',
    version: PLUGIN_VERSION,
    params: { instanceid: value('int'), onbehalfof },
    returns: null,
    execute(site, caller, a: { instanceid: number; onbehalfof: number }) {
      const { inst } = cohortInstance(site, caller, a.instanceid, a.onbehalfof, WRITE_CAPS);
      site.deleteInstance(inst.id);
      return null;
    },
  }),

  define({
    name: 'local_cohortbot_get_available_cohorts',
    version: PLUGIN_VERSION,
    params: { courseid: value('int'), query: value('raw', DEFAULT('')), limit: value('int', DEFAULT(25)), onbehalfof },
    returns: single({ cohorts: multiple(availableCohortOut), truncated: value('bool') }),
    execute(site, caller, a: { courseid: number; query: string; limit: number; onbehalfof: number }) {
      const ctx = courseFor(site, caller, a.courseid, ['moodle/course:enrolconfig']);
      checkOnBehalf(site, ctx, a.onbehalfof, WRITE_CAPS);
      return availableOut(site, a.courseid, a.query, a.limit, a.onbehalfof);
    },
  }),

  // 1.4: the same answer for many courses in one call; a course the person may not use is that course's error code.
  define({
    name: 'local_cohortbot_get_available_cohorts_many',
    version: PLUGIN_VERSION,
    params: { courseids: multiple(value('int')), query: value('raw', DEFAULT('')), limit: value('int', DEFAULT(25)), onbehalfof },
    returns: single({
      courses: multiple(single({ courseid: value('int'), cohorts: multiple(availableCohortOut), truncated: value('bool'), error: value('alphanumext', OPTIONAL) })),
    }),
    execute(site, caller, a: { courseids: number[]; query: string; limit: number; onbehalfof: number }) {
      const ids = [...new Set(a.courseids)];
      if (ids.length > MAX_MANY_COURSES) throw invalidParameter(`At most ${MAX_MANY_COURSES} courses per call`);
      // What concerns the whole call fails it: the kill switch, enrol_cohort disabled, nobody (or someone who may not act) to act for.
      site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
      if (!site.settings.cohortPluginEnabled) throw fail('plugindisabled');
      actingUser(site, a.onbehalfof);
      return {
        courses: ids.map((courseid) => {
          try {
            checkOnBehalf(site, courseFor(site, caller, courseid, ['moodle/course:enrolconfig']), a.onbehalfof, WRITE_CAPS);
          } catch (e) {
            // The single call's refusal for this course, as its code only.
            if (e instanceof WsException && e.errorcode) return { courseid, cohorts: [], truncated: false, error: e.errorcode };
            throw e;
          }
          return { courseid, ...availableOut(site, courseid, a.query, a.limit, a.onbehalfof) };
        }),
      };
    },
  }),

  define({
    name: 'local_cohortbot_get_assignable_roles',
    version: PLUGIN_VERSION,
    params: { courseid: value('int'), onbehalfof },
    returns: single({ roles: multiple(single({ id: value('int'), shortname: value('alphanumext'), name: value('text') })), defaultroleid: value('int') }),
    execute(site, caller, a: { courseid: number; onbehalfof: number }) {
      const ctx = courseFor(site, caller, a.courseid, ['moodle/course:enrolconfig']);
      checkOnBehalf(site, ctx, a.onbehalfof, ['moodle/course:enrolconfig']);
      const roles = site.assignableRoles(ctx, a.onbehalfof > 0 ? a.onbehalfof : caller.id);
      const mine = a.onbehalfof > 0 ? new Set(site.assignableRoles(ctx, caller.id).map((r) => r.id)) : undefined;
      return {
        roles: roles.filter((r) => !mine || mine.has(r.id)).map((r) => ({ id: r.id, shortname: r.shortname, name: r.name || r.shortname })),
        defaultroleid: site.settings.cohortDefaultRoleId,
      };
    },
  }),

  define({
    name: 'local_cohortbot_get_enrolment_diagnosis',
    version: PLUGIN_VERSION,
    params: { courseid: value('int'), userid: value('int'), onbehalfof },
    returns: single({
      enrolments: multiple(
        single({
          instanceid: value('int'),
          enrol: value('alpha'),
          name: value('text'),
          instancestatus: value('int'),
          status: value('int'),
          timestart: value('int'),
          timeend: value('int'),
          roles: multiple(value('alphanumext')),
          cohortid: value('int'),
          cohortidnumber: value('raw'),
        }),
      ),
      cohorts: multiple(single({ cohortid: value('int'), idnumber: value('raw'), synced: value('bool') })),
      canaccess: value('bool'),
      usersuspended: value('bool'),
    }),
    execute(site, caller, a: { courseid: number; userid: number; onbehalfof: number }) {
      const ctx = courseFor(site, caller, a.courseid, ['moodle/course:enrolconfig', 'moodle/course:enrolreview']);
      // With onbehalfof (plugin 1.3): the person must be able to review enrolments here, and learns the
      // user's cohorts only as far as their own role lets them see cohorts; a teacher, those the course syncs.
      if (a.onbehalfof > 0) checkOnBehalf(site, ctx, a.onbehalfof, ['moodle/course:enrolreview']);
      const seesAllCohorts = a.onbehalfof <= 0 || site.hasCapability('moodle/cohort:view', SYSTEM, a.onbehalfof);
      const user = site.liveUser(a.userid);
      if (!user) throw invalidRecord('user');
      const roleShortnames = (inst: EnrolRow) =>
        site.roleAssignments
          .find('user', a.userid)
          .filter((ra) => ra.contextlevel === 'course' && ra.instanceid === a.courseid && (inst.enrol === 'manual' ? ra.component === '' : ra.component === `enrol_${inst.enrol}` && ra.itemid === inst.id))
          .map((ra) => site.roles.get(ra.roleid)?.shortname ?? '');
      const synced = new Set(site.enrol.find('course', a.courseid).filter((i) => i.enrol === 'cohort').map((i) => i.customint1));
      return {
        enrolments: site.enrolmentsOf(a.courseid, a.userid).map(({ inst, ue }) => ({
          instanceid: inst.id,
          enrol: inst.enrol,
          name: inst.name,
          instancestatus: inst.status,
          status: ue.status,
          timestart: ue.timestart,
          timeend: ue.timeend,
          roles: roleShortnames(inst),
          cohortid: inst.enrol === 'cohort' ? inst.customint1 : 0,
          cohortidnumber: inst.enrol === 'cohort' ? (site.cohorts.get(inst.customint1)?.idnumber ?? '') : '',
        })),
        cohorts: site.members
          .find('user', a.userid)
          .map((m) => site.cohorts.get(m.cohortid))
          .filter((c) => c !== undefined && (seesAllCohorts || synced.has(c.id)))
          .map((c) => ({ cohortid: c!.id, idnumber: c!.idnumber, synced: synced.has(c!.id) })),
        canaccess: site.isActiveParticipant(a.courseid, a.userid) && !user.suspended,
        usersuspended: user.suspended,
      };
    },
  }),
];

/**
 * The sync's own reads (local_cohortbot ≥ 2026120100): managed cohorts with member counts, their members
 * with only the matched field, and accounts by that field — one SQL query each on a real Moodle, where
 * core_user_get_users_by_field builds every user's full profile.
 */
const USER_FIELDS = ['username', 'idnumber', 'email'] as const;
type UserField = (typeof USER_FIELDS)[number];

function checkUserField(site: Site, caller: UserRow, field: string): UserField {
  if (!(USER_FIELDS as readonly string[]).includes(field)) throw invalidParameter(`userfield must be one of ${USER_FIELDS.join(', ')}`);
  site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
  site.requireCapability(field === 'email' ? 'moodle/site:viewuseridentity' : 'moodle/user:viewalldetails', SYSTEM, caller.id);
  return field as UserField;
}

const keyOf = (u: UserRow, field: UserField): string => (field === 'email' ? u.email.toLowerCase() : u[field]);
const userKeyOut = single({ id: value('int'), key: value('raw'), suspended: value('bool') });

/**
 * local_cohortbot's bulk membership (classes/local/sync_members.php): core's rights once per context,
 * core's events per member (enrol_cohort reacts), a warning naming each member refused.
 */
function bulkMembers(site: Site, caller: UserRow, members: Array<{ cohortid: number; userid: number }>, add: boolean, onbehalfof = 0) {
  site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
  // A person's change (#28): their own rights on every cohort named, and one refusal for an unknown one.
  if (onbehalfof > 0) {
    actingUser(site, onbehalfof);
    for (const id of new Set(members.map((m) => m.cohortid))) {
      const c = site.cohorts.get(id);
      if (!c) throw fail('onbehalfnopermission');
      checkCohortOnBehalf(site, c, onbehalfof);
    }
  }
  const warnings: Array<{ warningcode: string; cohortid: number; userid: number; message: string }> = [];
  for (const id of new Set(members.map((m) => m.cohortid))) {
    const c = site.cohorts.get(id);
    if (!c) continue;
    const ctx = site.cohortContext(c);
    if (!site.hasCapability('moodle/cohort:manage', ctx, caller.id)) site.requireCapability('moodle/cohort:assign', ctx, caller.id);
  }
  const done = new Set<string>();
  for (const { cohortid: c, userid: u } of members) {
    const k = `${c}:${u}`;
    if (!site.cohorts.get(c)) warnings.push({ warningcode: '2', cohortid: c, userid: u, message: `cohort id=${c} not exists` });
    else if (!site.liveUser(u)) warnings.push({ warningcode: '2', cohortid: c, userid: u, message: `user id=${u} not exists` });
    else if (add && site.isMember(c, u) && !done.has(k)) warnings.push({ warningcode: '3', cohortid: c, userid: u, message: `record already exists: cohort(id=${c} id=${u})` });
    else if (!add && !site.isMember(c, u) && !done.has(k)) warnings.push({ warningcode: '3', cohortid: c, userid: u, message: `not a member: cohort(id=${c} id=${u})` });
    else if (!done.has(k)) {
      done.add(k);
      if (add) site.addMember(c, u);
      else site.removeMember(c, u);
    }
  }
  return { [add ? 'added' : 'removed']: done.size, warnings };
}

/**
 * sync_manager::check_cohort_on_behalf(): what cohort/assign.php asks of a person — cohort:assign (or
 * :manage) in the cohort's context, a visible cohort or cohort:view, no plugin-owned cohort — with one
 * refusal for every case.
 */
function checkCohortOnBehalf(site: Site, c: CohortRow, userId: number): void {
  const ctx = site.cohortContext(c);
  const may = (site.hasCapability('moodle/cohort:manage', ctx, userId) || site.hasCapability('moodle/cohort:assign', ctx, userId)) && (c.visible || site.hasCapability('moodle/cohort:view', ctx, userId)) && c.component === '';
  if (!may) throw fail('onbehalfnopermission');
}

export const syncStateFunctions: WsFunction[] = [
  define({
    name: 'local_cohortbot_get_managed_cohorts',
    version: PLUGIN_VERSION,
    params: { idnumberprefix: value('raw'), userfield: value('alpha', DEFAULT('')) },
    returns: single({ cohorts: multiple(single({ id: value('int'), idnumber: value('raw'), name: value('text'), visible: value('bool'), contextid: value('int'), membercount: value('int'), fingerprint: value('alphanumext', OPTIONAL) })) }),
    execute(site, caller, a: { idnumberprefix: string; userfield: string }) {
      if (a.idnumberprefix === '') throw invalidParameter('idnumberprefix cannot be empty');
      site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
      const field = a.userfield === '' ? undefined : checkUserField(site, caller, a.userfield);
      const rows = site.cohorts.all().filter((c) => c.idnumber.startsWith(a.idnumberprefix)).sort((x, y) => x.id - y.id);
      for (const c of rows) requireViewOrManage(site, caller, site.cohortContext(c));
      return {
        cohorts: rows.map((c) => {
          const members = site.members.find('cohort', c.id);
          const row = { id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, contextid: contextId(site.cohortContext(c)), membercount: members.length };
          if (field === undefined) return row;
          // The plugin's fingerprints(): live members (suspended ones count), keys lower-cased as the sync matches them.
          const sum = new FingerprintSum();
          for (const m of members) {
            const u = site.liveUser(m.userid);
            if (u) sum.add(keyHash(field === 'idnumber' ? u.idnumber : u[field].toLowerCase()));
          }
          return { ...row, fingerprint: sum.toString() };
        }),
      };
    },
  }),

  define({
    name: 'local_cohortbot_get_cohort_members',
    version: PLUGIN_VERSION,
    params: { cohortids: multiple(value('int')), userfield: value('alpha'), onbehalfof },
    returns: single({ cohorts: multiple(single({ cohortid: value('int'), userids: multiple(value('int')) })), users: multiple(userKeyOut) }),
    execute(site, caller, a: { cohortids: number[]; userfield: string; onbehalfof: number }) {
      const field = checkUserField(site, caller, a.userfield);
      // A person's read (1.4.1): their own moodle/cohort:view (or :manage) too; a cohort they may not see reads as a missing one.
      const person = a.onbehalfof > 0 ? actingUser(site, a.onbehalfof).id : 0;
      const ids = [...new Set(a.cohortids)];
      if (person && ids.some((id) => !site.cohorts.get(id))) throw fail('onbehalfnopermission');
      const users = new Map<number, UserRow>();
      const cohorts = ids.map((id) => {
        const cohort = site.requireCohort(id);
        const ctx = site.cohortContext(cohort);
        requireViewOrManage(site, caller, ctx);
        if (person && !site.hasCapability('moodle/cohort:manage', ctx, person) && !site.hasCapability('moodle/cohort:view', ctx, person)) throw fail('onbehalfnopermission');
        const userids: number[] = [];
        for (const m of site.members.find('cohort', id)) {
          const u = site.liveUser(m.userid);
          if (!u) continue;
          userids.push(u.id);
          users.set(u.id, u);
        }
        return { cohortid: id, userids: userids.sort((x, y) => x - y) };
      });
      return { cohorts, users: [...users.values()].sort((x, y) => x.id - y.id).map((u) => ({ id: u.id, key: keyOf(u, field), suspended: u.suspended })) };
    },
  }),

  define({
    name: 'local_cohortbot_get_users_by_keys',
    version: PLUGIN_VERSION,
    params: { userfield: value('alpha'), values: multiple(value('raw')) },
    returns: single({ users: multiple(userKeyOut) }),
    execute(site, caller, a: { userfield: string; values: string[] }) {
      const field = checkUserField(site, caller, a.userfield);
      const found = new Map<number, UserRow>();
      for (const v of a.values) {
        for (const u of field === 'email' ? site.users.find('email', v.toLowerCase()) : site.users.find(field, v)) if (!u.deleted) found.set(u.id, u);
      }
      return { users: [...found.values()].sort((x, y) => x.id - y.id).map((u) => ({ id: u.id, key: keyOf(u, field), suspended: u.suspended })) };
    },
  }),

  ...(['add', 'delete'] as const).map((verb) =>
    define({
      name: `local_cohortbot_${verb}_cohort_members`,
      version: PLUGIN_VERSION,
      params: { members: multiple(single({ cohortid: value('int'), userid: value('int') })), onbehalfof },
      returns: single({ [verb === 'add' ? 'added' : 'removed']: value('int'), warnings: multiple(single({ warningcode: value('alphanumext'), cohortid: value('int'), userid: value('int'), message: value('raw') })) }),
      execute(site, caller, a: { members: Array<{ cohortid: number; userid: number }>; onbehalfof: number }) {
        return bulkMembers(site, caller, a.members, verb === 'add', a.onbehalfof);
      },
    }),
  ),

  define({
    name: 'local_cohortbot_create_cohort',
    version: PLUGIN_VERSION,
    params: { name: value('text'), idnumber: value('raw'), categoryid: value('int', DEFAULT(0)), description: value('text', DEFAULT('')), onbehalfof },
    returns: single({ id: value('int'), idnumber: value('raw'), name: value('text') }),
    execute(site, caller, a: { name: string; idnumber: string; categoryid: number; description: string; onbehalfof: number }) {
      site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
      actingUser(site, a.onbehalfof);
      const ctx: Context = a.categoryid > 0 ? { level: 'coursecat', instanceid: a.categoryid } : SYSTEM;
      if ((a.categoryid > 0 && !site.categories.get(a.categoryid)) || !site.hasCapability('moodle/cohort:manage', ctx, a.onbehalfof)) throw fail('onbehalfnopermission');
      site.requireCapability('moodle/cohort:manage', ctx, caller.id);
      if (a.name.trim() === '' || a.idnumber.trim() === '') throw invalidParameter('name and idnumber are required');
      if (site.cohorts.first('idnumber', a.idnumber)) throw invalidParameter('idnumber already exists');
      const c = site.cohorts.insert({ contextlevel: a.categoryid > 0 ? 'coursecat' : 'system', categoryid: a.categoryid, name: a.name, idnumber: a.idnumber, description: a.description, descriptionformat: 2, visible: true, component: '', theme: '', timecreated: site.now() });
      return { id: c.id, idnumber: c.idnumber, name: c.name };
    },
  }),

  define({
    name: 'local_cohortbot_get_cohort_courses',
    version: PLUGIN_VERSION,
    params: { cohortid: value('int'), onbehalfof },
    returns: single({
      courses: multiple(single({ courseid: value('int'), shortname: value('text'), fullname: value('text'), roleid: value('int'), roleshortname: value('alphanumext'), rolearchetype: value('alphanumext'), rolename: value('text'), status: value('int') })),
    }),
    execute(site, caller, a: { cohortid: number; onbehalfof: number }) {
      site.requireCapability('local/cohortbot:use', SYSTEM, caller.id);
      actingUser(site, a.onbehalfof);
      const cohort = site.cohorts.get(a.cohortid);
      if (!cohort) throw fail('onbehalfnopermission');
      checkCohortOnBehalf(site, cohort, a.onbehalfof);
      const rows = site.enrol
        .find('cohort', cohort.id)
        .map((i) => ({ i, course: site.requireCourse(i.courseid), role: site.roles.get(i.roleid) }))
        .sort((x, y) => x.course.shortname.localeCompare(y.course.shortname) || x.i.id - y.i.id);
      return {
        courses: rows.map(({ i, course, role }) => ({ courseid: course.id, shortname: course.shortname, fullname: course.fullname, roleid: i.roleid, roleshortname: role?.shortname ?? '', rolearchetype: role?.archetype ?? '', rolename: role ? role.name || role.shortname : '', status: i.status })),
      };
    },
  }),
];

/** learningworks/moodle-local_ws_enrolcohort, with the weaknesses the reference lists. */
const wsReply = (data: unknown[], message = 'ok') => ({ id: 0, code: 200, message, data });
const wsOut = single({ id: value('int'), code: value('int'), message: value('text'), data: multiple(single({ id: value('int'), courseid: value('int'), cohortid: value('int'), roleid: value('int'), groupid: value('int'), status: value('int'), name: value('text') })) });
const wsRow = (i: EnrolRow) => ({ id: i.id, courseid: i.courseid, cohortid: i.customint1, roleid: i.roleid, groupid: i.customint2, status: i.status, name: i.name });

export const wsEnrolcohortFunctions: WsFunction[] = [
  define({
    name: 'local_ws_enrolcohort_add_instance',
    version: WS_ENROLCOHORT_VERSION,
    params: { instance: single({ courseid: value('int'), cohortid: value('int'), roleid: value('int'), groupid: value('int', OPTIONAL), name: value('text', OPTIONAL), status: value('int', OPTIONAL) }) },
    returns: wsOut,
    execute(site, caller, a: { instance: { courseid: number; cohortid: number; roleid: number; groupid?: number; name?: string } }) {
      const i = a.instance;
      const ctx = site.courseContext(i.courseid);
      if (!site.hasCapability('enrol/cohort:config', ctx, caller.id)) return { ...wsReply([], 'nopermission'), code: 403 };
      if (!site.cohorts.get(i.cohortid)) return { ...wsReply([], 'cohort not found'), code: 404 };
      // The plugin ignores the status argument: new instances are always enabled.
      const inst = site.addInstance(i.courseid, i.cohortid, i.roleid, i.groupid ?? 0, 0, i.name ?? '');
      return { ...wsReply([wsRow(inst)]), id: inst.id, code: 201 };
    },
  }),
  define({
    name: 'local_ws_enrolcohort_update_instance',
    version: WS_ENROLCOHORT_VERSION,
    params: { instance: single({ id: value('int'), name: value('text', OPTIONAL), status: value('int', OPTIONAL), roleid: value('int', OPTIONAL), groupid: value('int', OPTIONAL) }) },
    returns: wsOut,
    execute(site, _caller, a: { instance: { id: number; name?: string; status?: number; roleid?: number; groupid?: number } }) {
      const inst = site.enrol.get(a.instance.id);
      if (!inst || inst.enrol !== 'cohort') return { ...wsReply([], 'instance not found'), code: 404 };
      const after = site.updateInstance(inst.id, { name: a.instance.name, status: a.instance.status, roleid: a.instance.roleid, customint2: a.instance.groupid });
      return { ...wsReply([wsRow(after)]), id: after.id };
    },
  }),
  define({
    name: 'local_ws_enrolcohort_delete_instance',
    version: WS_ENROLCOHORT_VERSION,
    params: { instance: single({ id: value('int') }) },
    returns: wsOut,
    execute(site, _caller, a: { instance: { id: number } }) {
      const inst = site.enrol.get(a.instance.id);
      if (!inst || inst.enrol !== 'cohort') return { ...wsReply([], 'instance not found'), code: 404 };
      site.deleteInstance(inst.id);
      return { ...wsReply([]), id: inst.id };
    },
  }),
  define({
    name: 'local_ws_enrolcohort_get_instances',
    version: WS_ENROLCOHORT_VERSION,
    params: { course: single({ id: value('int') }) },
    returns: wsOut,
    execute(site, _caller, a: { course: { id: number } }) {
      const rows = site.enrol.all().filter((i) => i.enrol === 'cohort' && (a.course.id === -1 || i.courseid === a.course.id));
      return wsReply(rows.map(wsRow));
    },
  }),
];

