/**
 * Cohort-sync enrolment methods on courses. Moodle core has no web service for them, so this goes
 * through our companion plugin local_cohortbot (which re-checks the teacher's rights inside Moodle),
 * or through the contributed local_ws_enrolcohort where a site runs that (it checks no rights on
 * anyone's behalf: cohortbot then checks the teacher's rights itself through core functions first).
 * Chosen per platform by the functions core_webservice_get_site_info lists for the token.
 */
import { z } from 'zod';
import type { MoodleApi } from './api';
import { MoodleError } from './errors';

export interface CohortSync {
  id: number;
  cohortId: number;
  /** null when the cohort was deleted (the instance is then disabled or gone). */
  cohortIdnumber: string | null;
  cohortName: string | null;
  roleId: number;
  roleName: string;
  groupId: number;
  groupName: string;
  enabled: boolean;
  name: string;
  /** Users enrolled through this instance, active or not. */
  memberCount: number;
  /** The role's short name (student, teacher…): the noun a count goes with. */
  roleShortname: string;
  /** Active participants through this instance, as Moodle counts them (onlyactive); -1 when the site cannot say. */
  activeCount: number;
  /** Of those, users with no other active way in: who lose access if it is removed or disabled; -1 unknown. */
  onlyAccessCount: number;
}

export interface AvailableCohort {
  id: number;
  idnumber: string;
  name: string;
  visible: boolean;
  contextLevel: string;
  memberCount: number;
}

/**
 * What `availableCohorts` answers for one course, among many asked at once: its cohorts, or the refusal
 * Moodle (or cohortbot, for local_ws_enrolcohort) gave for that course — the same error the single call throws.
 */
export interface CourseCohorts {
  courseId: number;
  cohorts: AvailableCohort[];
  truncated: boolean;
  refused?: MoodleError | CohortSyncRefused;
}

export interface AssignableRole {
  id: number;
  shortname: string;
  name: string;
}

export interface EnrolmentDiagnosis {
  /** cohortId/cohortIdnumber: the cohort a cohort-sync enrolment comes from (plugin 1.3; absent before). */
  enrolments: Array<{ instanceId: number; method: string; name: string; instanceEnabled: boolean; active: boolean; timeStart: number; timeEnd: number; roles: string[]; cohortId?: number; cohortIdnumber?: string }>;
  /** The user's cohorts the asker may know of: a teacher only those the course syncs (plugin 1.3, with onBehalfOf). */
  cohorts: Array<{ cohortId: number; idnumber: string; synced: boolean }>;
  canAccess: boolean;
  /** The account is suspended (plugin 1.3; undefined from older plugins). */
  userSuspended?: boolean;
}

export interface AddCohortSync {
  courseId: number;
  cohort: { id: number } | { idnumber: string };
  role?: { id: number } | { shortname: string };
  /** 0 no group, -1 a new group named after the cohort, or an existing group id. */
  groupId?: number;
  enabled?: boolean;
  name?: string;
  /** The Moodle user the bot acts for (never 0, never the service account): Moodle re-checks that user's rights. */
  onBehalfOf: number;
}

export interface UpdateCohortSync {
  roleId?: number;
  groupId?: number;
  enabled?: boolean;
  name?: string;
}

/**
 * Every call is made for a person: `onBehalfOf` is that person's Moodle user id, required, and a
 * missing or non-positive id is refused here before anything is sent (and by the plugin again).
 */
export interface CohortSyncs {
  readonly kind: 'local_cohortbot' | 'local_ws_enrolcohort';
  /** Throws the typed refusal when the person may not see (read) or configure (write) the course's cohort syncs. */
  checkRights(courseId: number, onBehalfOf: number, rights: 'read' | 'write'): Promise<void>;
  list(courseId: number, onBehalfOf: number): Promise<CohortSync[]>;
  availableCohorts(courseId: number, query: string, limit: number, onBehalfOf: number): Promise<{ cohorts: AvailableCohort[]; truncated: boolean }>;
  /**
   * `availableCohorts` for each of these courses (each once, in the order given): one call where the
   * site's plugin has get_available_cohorts_many (local_cohortbot 1.4), one per course otherwise. A course
   * refused is answered with its refusal (`refused`), not thrown; what concerns the whole call (the person
   * may not act at all, the plugin disabled, Moodle unreachable) is thrown.
   */
  availableCohortsMany(courseIds: number[], query: string, limit: number, onBehalfOf: number): Promise<CourseCohorts[]>;
  /** Whether `availableCohortsMany` is one call whatever the number of courses (local_cohortbot 1.4), or one per course. */
  readonly manyAtOnce: boolean;
  assignableRoles(courseId: number, onBehalfOf: number): Promise<{ roles: AssignableRole[]; defaultRoleId: number }>;
  add(req: AddCohortSync): Promise<{ id: number; groupId: number; created: boolean }>;
  update(instanceId: number, patch: UpdateCohortSync, onBehalfOf: number): Promise<{ id: number; groupId: number }>;
  remove(instanceId: number, onBehalfOf: number): Promise<void>;
  /** One user's enrolments in a course, read as `onBehalfOf` when given (what that person may know). */
  userEnrolments(courseId: number, userId: number, onBehalfOf?: number): Promise<EnrolmentDiagnosis>;
}

/** A call for nobody in particular would run with the service account's rights: refused before sending. */
export class NoActingUserError extends Error {
  constructor(fn: string) {
    super(`${fn}: no acting Moodle user (onbehalfof must be a user id); refusing to act with the service account's rights`);
  }
}

const actingUser = (fn: string, id: number): number => {
  if (!Number.isInteger(id) || id <= 0) throw new NoActingUserError(fn);
  return id;
};

/** Neither plugin on the site: every cohort-sync command says so, to the teacher and to the admin (src/i18n, section moodle.unavailable). */
export class CohortSyncUnavailable extends Error {
  constructor(readonly platform: string) {
    super(`${platform}: no cohort-sync web service (install local_cohortbot)`);
  }
}

/** The teacher may not configure cohort sync in this course (checked by cohortbot, for local_ws_enrolcohort). */
export class CohortSyncRefused extends Error {
  constructor(readonly code: 'onbehalfnopermission' | 'cohortnotavailable' | 'rolenotassignable' | 'instanceexists' | 'cohortnotfound' | 'hiddencohort', message: string) {
    super(message);
  }
}

/** The code of a refusal, whoever made it: Moodle (the plugin's or core's errorcode) or cohortbot's own check. */
export function refusalCode(err: unknown): string | undefined {
  return err instanceof MoodleError ? err.errorcode : err instanceof CohortSyncRefused ? err.code : undefined;
}

/** The cohorts available to a course, as a command lists them (`chercher … dans`, `ajouter`): up to this many. */
export const AVAILABLE_LIST = 1000;

const PLUGIN = 'local_cohortbot';
const WS = 'local_ws_enrolcohort';
/** The available cohorts of many courses in one call (local_cohortbot 1.4). */
export const AVAILABLE_MANY = `${PLUGIN}_get_available_cohorts_many`;
/** Most courses one get_available_cohorts_many call answers (the plugin's MAX_COURSES). */
const MANY_MAX = 100;

/** Picks the implementation the site's token offers (and, for the plugin, whether it answers many courses at once). */
export async function cohortSyncsFor(api: MoodleApi, fallbackRoles: string[] = ['student']): Promise<CohortSyncs> {
  const names = await api.functionNames();
  if (names.has(`${PLUGIN}_add_cohort_sync`)) return new PluginCohortSyncs(api, { many: names.has(AVAILABLE_MANY) });
  if (names.has(`${WS}_add_instance`)) return new WsEnrolcohortSyncs(api, fallbackRoles);
  throw new CohortSyncUnavailable(api.platform);
}

const instanceSchema = z.object({
  id: z.number(),
  cohortid: z.number(),
  cohortidnumber: z.string().nullable(),
  cohortname: z.string().nullable(),
  roleid: z.number(),
  rolename: z.string(),
  groupid: z.number(),
  groupname: z.string(),
  status: z.number(),
  name: z.string(),
  membercount: z.number(),
  // Added in plugin 2026112900; an older plugin on a site says nothing, which the views show as unknown.
  roleshortname: z.string().default(''),
  activecount: z.number().default(-1),
  onlyaccesscount: z.number().default(-1),
});

/** A plugin refusal that concerns one course only: what the single call throws for it, kept to answer that course. */
const courseRefusal = (err: unknown): err is MoodleError | CohortSyncRefused => (err instanceof MoodleError && err.kind === 'exception') || err instanceof CohortSyncRefused;

/** `availableCohorts` course by course, at once: sites whose plugin answers one course per call. */
function oneByOne(syncs: CohortSyncs, courseIds: number[], query: string, limit: number, onBehalfOf: number): Promise<CourseCohorts[]> {
  return Promise.all(
    [...new Set(courseIds)].map((courseId) =>
      syncs.availableCohorts(courseId, query, limit, onBehalfOf).then(
        (r): CourseCohorts => ({ courseId, cohorts: r.cohorts, truncated: r.truncated }),
        (err: unknown): CourseCohorts => {
          if (courseRefusal(err)) return { courseId, cohorts: [], truncated: false, refused: err };
          throw err;
        },
      ),
    ),
  );
}

const availableCohortSchema = z.object({ id: z.number(), idnumber: z.string(), name: z.string(), visible: z.boolean(), contextlevel: z.string(), membercount: z.number() });
const availableCohort = (c: z.infer<typeof availableCohortSchema>): AvailableCohort => ({ id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, contextLevel: c.contextlevel, memberCount: c.membercount });

export class PluginCohortSyncs implements CohortSyncs {
  readonly kind = PLUGIN;
  /** `many`: the site's plugin has get_available_cohorts_many (1.4); older ones are asked course by course. */
  readonly manyAtOnce: boolean;
  constructor(
    private readonly api: MoodleApi,
    opts: { many?: boolean } = {},
  ) {
    this.manyAtOnce = opts.many === true;
  }

  async checkRights(courseId: number, onBehalfOf: number, rights: 'read' | 'write'): Promise<void> {
    // Reading the methods is what Moodle's enrolment-methods page needs; writing, what adding one needs.
    // The write check asks for the list a command then shows (AVAILABLE_LIST): the chat asks it once per command.
    if (rights === 'read') await this.list(courseId, onBehalfOf);
    else await this.availableCohorts(courseId, '', AVAILABLE_LIST, onBehalfOf);
  }

  async list(courseId: number, onBehalfOf: number): Promise<CohortSync[]> {
    const r = await this.api.client.call(`${PLUGIN}_get_cohort_syncs`, { courseid: courseId, onbehalfof: actingUser('get_cohort_syncs', onBehalfOf) }, z.object({ instances: z.array(instanceSchema) }));
    return r.instances.map((i) => ({
      id: i.id,
      cohortId: i.cohortid,
      cohortIdnumber: i.cohortidnumber,
      cohortName: i.cohortname,
      roleId: i.roleid,
      roleName: i.rolename,
      groupId: i.groupid,
      groupName: i.groupname,
      enabled: i.status === 0,
      name: i.name,
      memberCount: i.membercount,
      roleShortname: i.roleshortname,
      activeCount: i.activecount,
      onlyAccessCount: i.onlyaccesscount,
    }));
  }

  async availableCohorts(courseId: number, query: string, limit: number, onBehalfOf: number) {
    const r = await this.api.client.call(
      `${PLUGIN}_get_available_cohorts`,
      { courseid: courseId, query, limit, onbehalfof: actingUser('get_available_cohorts', onBehalfOf) },
      z.object({ cohorts: z.array(availableCohortSchema), truncated: z.boolean() }),
    );
    return { cohorts: r.cohorts.map(availableCohort), truncated: r.truncated };
  }

  async availableCohortsMany(courseIds: number[], query: string, limit: number, onBehalfOf: number): Promise<CourseCohorts[]> {
    const me = actingUser('get_available_cohorts_many', onBehalfOf);
    if (!this.manyAtOnce) return oneByOne(this, courseIds, query, limit, me);
    const ids = [...new Set(courseIds)];
    const chunks = Array.from({ length: Math.ceil(ids.length / MANY_MAX) }, (_, i) => ids.slice(i * MANY_MAX, (i + 1) * MANY_MAX));
    const replies = await Promise.all(
      chunks.map((chunk) =>
        this.api.client.call(
          AVAILABLE_MANY,
          { courseids: chunk, query, limit, onbehalfof: me },
          z.object({ courses: z.array(z.object({ courseid: z.number(), cohorts: z.array(availableCohortSchema), truncated: z.boolean(), error: z.string().optional() })) }),
        ),
      ),
    );
    return replies.flatMap((r) =>
      r.courses.map((c): CourseCohorts => {
        if (c.error === undefined) return { courseId: c.courseid, cohorts: c.cohorts.map(availableCohort), truncated: c.truncated };
        // The error the single call would have thrown for this course.
        const refused = new MoodleError({ kind: 'exception', platform: this.api.platform, function: AVAILABLE_MANY, errorcode: c.error, message: `course ${c.courseid}: ${c.error}` });
        return { courseId: c.courseid, cohorts: [], truncated: false, refused };
      }),
    );
  }

  async assignableRoles(courseId: number, onBehalfOf: number) {
    const r = await this.api.client.call(`${PLUGIN}_get_assignable_roles`, { courseid: courseId, onbehalfof: actingUser('get_assignable_roles', onBehalfOf) }, z.object({ roles: z.array(z.object({ id: z.number(), shortname: z.string(), name: z.string() })), defaultroleid: z.number() }));
    return { roles: r.roles, defaultRoleId: r.defaultroleid };
  }

  async add(req: AddCohortSync) {
    const r = await this.api.client.call(
      `${PLUGIN}_add_cohort_sync`,
      {
        courseid: req.courseId,
        ...('id' in req.cohort ? { cohortid: req.cohort.id } : { cohortidnumber: req.cohort.idnumber }),
        ...(req.role === undefined ? {} : 'id' in req.role ? { roleid: req.role.id } : { roleshortname: req.role.shortname }),
        groupid: req.groupId ?? 0,
        status: req.enabled === false ? 1 : 0,
        name: req.name ?? '',
        onbehalfof: actingUser('add_cohort_sync', req.onBehalfOf),
      },
      z.object({ id: z.number(), groupid: z.number(), created: z.boolean() }),
    );
    return { id: r.id, groupId: r.groupid, created: r.created };
  }

  async update(instanceId: number, patch: UpdateCohortSync, onBehalfOf: number) {
    const r = await this.api.client.call(
      `${PLUGIN}_update_cohort_sync`,
      { instanceid: instanceId, roleid: patch.roleId, groupid: patch.groupId, status: patch.enabled === undefined ? undefined : patch.enabled ? 0 : 1, name: patch.name, onbehalfof: actingUser('update_cohort_sync', onBehalfOf) },
      z.object({ id: z.number(), groupid: z.number() }),
    );
    return { id: r.id, groupId: r.groupid };
  }

  async remove(instanceId: number, onBehalfOf: number): Promise<void> {
    await this.api.client.call(`${PLUGIN}_delete_cohort_sync`, { instanceid: instanceId, onbehalfof: actingUser('delete_cohort_sync', onBehalfOf) }, z.null());
  }

  async userEnrolments(courseId: number, userId: number, onBehalfOf?: number): Promise<EnrolmentDiagnosis> {
    const r = await this.api.client.call(
      `${PLUGIN}_get_enrolment_diagnosis`,
      // onbehalfof only when given: a plugin before 1.3 knows no such parameter (and answers as the service account).
      { courseid: courseId, userid: userId, ...(onBehalfOf === undefined ? {} : { onbehalfof: actingUser('get_enrolment_diagnosis', onBehalfOf) }) },
      z.object({
        enrolments: z.array(
          z.object({ instanceid: z.number(), enrol: z.string(), name: z.string(), instancestatus: z.number(), status: z.number(), timestart: z.number(), timeend: z.number(), roles: z.array(z.string()), cohortid: z.number().optional(), cohortidnumber: z.string().nullable().optional() }),
        ),
        cohorts: z.array(z.object({ cohortid: z.number(), idnumber: z.string(), synced: z.boolean() })),
        canaccess: z.boolean(),
        usersuspended: z.boolean().optional(),
      }),
    );
    return {
      enrolments: r.enrolments.map((e) => ({
        instanceId: e.instanceid,
        method: e.enrol,
        name: e.name,
        instanceEnabled: e.instancestatus === 0,
        active: e.status === 0,
        timeStart: e.timestart,
        timeEnd: e.timeend,
        roles: e.roles,
        ...(e.cohortid ? { cohortId: e.cohortid, cohortIdnumber: e.cohortidnumber ?? undefined } : {}),
      })),
      cohorts: r.cohorts.map((c) => ({ cohortId: c.cohortid, idnumber: c.idnumber, synced: c.synced })),
      canAccess: r.canaccess,
      userSuspended: r.usersuspended,
    };
  }
}

/** Moodle's standard role ids, for sites where no web service lists roles (local_ws_enrolcohort). */
const STANDARD_ROLES: AssignableRole[] = [
  { id: 3, shortname: 'editingteacher', name: 'Teacher' },
  { id: 4, shortname: 'teacher', name: 'Non-editing teacher' },
  { id: 5, shortname: 'student', name: 'Student' },
];

const wsReply = z.object({ id: z.number(), code: z.number(), message: z.string(), data: z.array(z.record(z.unknown())).default([]) });

/** The capabilities Moodle asks of a teacher who adds a cohort sync (enrol/cohort/edit.php). */
const TEACHER_CAPS = ['enrol/cohort:config', 'moodle/course:enrolconfig'];

/**
 * local_ws_enrolcohort checks nothing on anyone's behalf, so cohortbot checks the person's rights
 * through Moodle core before every call, reads included; only the roles the university allows
 * (COHORT_SYNC_FALLBACK_ROLES, default student) may be given, and hidden cohorts are refused.
 */
export class WsEnrolcohortSyncs implements CohortSyncs {
  readonly kind = WS;
  readonly manyAtOnce = false;
  constructor(
    private readonly api: MoodleApi,
    private readonly allowedRoles: string[] = ['student'],
  ) {}

  async checkRights(courseId: number, onBehalfOf: number): Promise<void> {
    const user = actingUser('checkRights', onBehalfOf);
    for (const capability of TEACHER_CAPS) {
      const holders = await this.api.getEnrolledUsersWithCapability(courseId, capability);
      if (!holders.has(user)) throw new CohortSyncRefused('onbehalfnopermission', `user ${user} lacks ${capability} in course ${courseId}`);
    }
  }

  private async call(fn: string, params: Record<string, unknown>) {
    const r = await this.api.client.call(`${WS}_${fn}`, params as never, wsReply);
    if (r.code >= 400) throw new Error(`${WS}_${fn}: ${r.message} (${r.code})`);
    return r;
  }

  async list(courseId: number, onBehalfOf: number): Promise<CohortSync[]> {
    await this.checkRights(courseId, onBehalfOf);
    return this.instances(courseId);
  }

  private async instances(courseId: number): Promise<CohortSync[]> {
    const r = await this.call('get_instances', { course: { id: courseId } });
    const cohorts = new Map((await this.api.getCohorts()).map((c) => [c.id, c]));
    return r.data.map((row) => {
      const n = (k: string) => Number(row[k] ?? 0);
      const cohort = cohorts.get(n('cohortid'));
      const role = STANDARD_ROLES.find((x) => x.id === n('roleid'));
      return { id: n('id'), cohortId: n('cohortid'), cohortIdnumber: cohort?.idnumber ?? null, cohortName: cohort?.name ?? null, roleId: n('roleid'), roleName: role?.name ?? String(n('roleid')), roleShortname: role?.shortname ?? '', groupId: n('groupid'), groupName: '', enabled: n('status') === 0, name: String(row.name ?? ''), memberCount: -1, activeCount: -1, onlyAccessCount: -1 };
    });
  }

  async availableCohorts(courseId: number, query: string, limit: number, onBehalfOf: number) {
    await this.checkRights(courseId, onBehalfOf);
    // Hidden cohorts are never offered here: without the plugin nobody checks moodle/cohort:view for the teacher.
    const rows = (await this.api.searchCohorts(query, { contextlevel: 'course', instanceid: courseId }, 'parents', 0, 1000)).filter((c) => c.visible);
    const shown = rows.slice(0, limit);
    const counts = shown.length > 0 ? await this.api.getCohortMembers(shown.map((c) => c.id)) : new Map<number, number[]>();
    return { cohorts: shown.map((c) => ({ id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, contextLevel: 'unknown', memberCount: counts.get(c.id)?.length ?? 0 })), truncated: rows.length > limit };
  }

  availableCohortsMany(courseIds: number[], query: string, limit: number, onBehalfOf: number): Promise<CourseCohorts[]> {
    return oneByOne(this, courseIds, query, limit, actingUser('availableCohortsMany', onBehalfOf));
  }

  async assignableRoles(courseId: number, onBehalfOf: number) {
    await this.checkRights(courseId, onBehalfOf);
    const roles = STANDARD_ROLES.filter((r) => this.allowedRoles.includes(r.shortname));
    return { roles, defaultRoleId: roles.find((r) => r.shortname === 'student')?.id ?? roles[0]?.id ?? 0 };
  }

  async add(req: AddCohortSync) {
    await this.checkRights(req.courseId, req.onBehalfOf);
    const available = await this.availableCohorts(req.courseId, 'id' in req.cohort ? '' : req.cohort.idnumber, 1000, req.onBehalfOf);
    const cohort = available.cohorts.find((c) => ('id' in req.cohort ? c.id === req.cohort.id : c.idnumber === req.cohort.idnumber));
    if (!cohort) throw new CohortSyncRefused('cohortnotavailable', 'this cohort is not available to this course');
    const { roles, defaultRoleId } = await this.assignableRoles(req.courseId, req.onBehalfOf);
    const role = req.role === undefined ? roles.find((r) => r.id === defaultRoleId) : roles.find((r) => ('id' in req.role! ? r.id === req.role!.id : r.shortname === req.role!.shortname));
    if (!role) throw new CohortSyncRefused('rolenotassignable', `only ${this.allowedRoles.join(', ')} can be given through cohort sync on this site`);
    const existing = (await this.instances(req.courseId)).find((i) => i.cohortId === cohort.id && i.roleId === role.id);
    if (existing) return { id: existing.id, groupId: existing.groupId, created: false };
    const r = await this.call('add_instance', { instance: { courseid: req.courseId, cohortid: cohort.id, roleid: role.id, groupid: req.groupId ?? 0, name: req.name ?? '' } });
    // The plugin ignores `status`: create disabled = create, then disable.
    if (req.enabled === false) await this.call('update_instance', { instance: { id: r.id, status: 1 } });
    return { id: r.id, groupId: Number(r.data[0]?.groupid ?? req.groupId ?? 0), created: true };
  }

  private async courseOf(instanceId: number): Promise<number> {
    const all = await this.call('get_instances', { course: { id: -1 } });
    const row = all.data.find((d) => Number(d.id) === instanceId);
    // The same answer as "not allowed": nothing is said about an instance to someone without rights.
    if (!row) throw new CohortSyncRefused('onbehalfnopermission', `no cohort sync ${instanceId} visible`);
    return Number(row.courseid);
  }

  async update(instanceId: number, patch: UpdateCohortSync, onBehalfOf: number) {
    const courseId = await this.courseOf(instanceId);
    await this.checkRights(courseId, onBehalfOf);
    if (patch.roleId !== undefined) {
      const { roles } = await this.assignableRoles(courseId, onBehalfOf);
      if (!roles.some((r) => r.id === patch.roleId)) throw new CohortSyncRefused('rolenotassignable', `only ${this.allowedRoles.join(', ')} can be given through cohort sync on this site`);
    }
    const r = await this.call('update_instance', { instance: { id: instanceId, roleid: patch.roleId, groupid: patch.groupId, status: patch.enabled === undefined ? undefined : patch.enabled ? 0 : 1, name: patch.name } });
    return { id: instanceId, groupId: Number(r.data[0]?.groupid ?? 0) };
  }

  async remove(instanceId: number, onBehalfOf: number): Promise<void> {
    await this.checkRights(await this.courseOf(instanceId), onBehalfOf);
    await this.call('delete_instance', { instance: { id: instanceId } });
  }

  async userEnrolments(courseId: number, userId: number, onBehalfOf?: number): Promise<EnrolmentDiagnosis> {
    if (onBehalfOf !== undefined) await this.checkRights(courseId, actingUser('get_enrolment_diagnosis', onBehalfOf));
    const users = await this.api.getEnrolledUsers(courseId);
    const active = await this.api.getEnrolledUsers(courseId, [{ name: 'onlyactive', value: 1 }]);
    const me = users.find((u) => u.id === userId);
    return {
      enrolments: me ? [{ instanceId: 0, method: 'unknown', name: '', instanceEnabled: true, active: active.some((u) => u.id === userId), timeStart: 0, timeEnd: 0, roles: (me.roles ?? []).map((r) => r.shortname) }] : [],
      cohorts: [],
      canAccess: active.some((u) => u.id === userId),
    };
  }
}
