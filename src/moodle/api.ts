/**
 * Typed wrappers of the Moodle web-service functions cohortbot uses (docs/moodle.md §2–§3).
 * Each reply is checked against a zod schema, so a site that answers in another shape fails loudly.
 */
import { z } from 'zod';
import { MoodleClient } from './client';
import { MoodleError } from './errors';
import { NoActingUserError } from './cohort-syncs';

const boolish = z.union([z.boolean(), z.number()]).transform((v) => v === true || v === 1);

export const siteInfoSchema = z.object({
  sitename: z.string(),
  username: z.string(),
  userid: z.number(),
  userissiteadmin: z.boolean().optional(),
  siteurl: z.string(),
  release: z.string().optional(),
  version: z.string().optional(),
  functions: z.array(z.object({ name: z.string(), version: z.string() })),
});
export type SiteInfo = z.infer<typeof siteInfoSchema>;

export const cohortSchema = z.object({
  id: z.number(),
  name: z.string(),
  idnumber: z.string(),
  description: z.string(),
  descriptionformat: z.number(),
  visible: boolish,
  theme: z.string().nullable().optional(),
});
export type Cohort = z.infer<typeof cohortSchema>;

export type CategoryType = { type: 'system'; value: '' } | { type: 'id' | 'idnumber'; value: string };

export interface NewCohort {
  categorytype: CategoryType;
  name: string;
  idnumber: string;
  description?: string;
  visible?: boolean;
}

export interface CohortUpdate extends NewCohort {
  id: number;
}

const warningsSchema = z.object({
  warnings: z.array(z.object({ warningcode: z.string(), message: z.string(), item: z.string().optional(), itemid: z.number().optional() })).default([]),
});
export type Warning = z.infer<typeof warningsSchema>['warnings'][number];

export const userSchema = z.object({
  id: z.number(),
  username: z.string().optional(),
  firstname: z.string().optional(),
  lastname: z.string().optional(),
  fullname: z.string(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  suspended: z.boolean().optional(),
  firstaccess: z.number().optional(),
  lastaccess: z.number().optional(),
  auth: z.string().optional(),
  lang: z.string().optional(),
});
export type MoodleUser = z.infer<typeof userSchema>;

export const courseSchema = z.object({
  id: z.number(),
  fullname: z.string(),
  shortname: z.string(),
  categoryid: z.number(),
  categoryname: z.string().optional(),
  idnumber: z.string().optional(),
  visible: z.number().optional(),
  enrollmentmethods: z.array(z.string()).optional(),
});
export type Course = z.infer<typeof courseSchema>;

export const categorySchema = z.object({
  id: z.number(),
  name: z.string(),
  idnumber: z.string().nullable(),
  parent: z.number(),
  path: z.string(),
  visible: z.number(),
  coursecount: z.number().optional(),
  depth: z.number().optional(),
});
export type Category = z.infer<typeof categorySchema>;

export const enrolledUserSchema = z.object({
  id: z.number(),
  username: z.string().optional(),
  fullname: z.string(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  roles: z.array(z.object({ roleid: z.number(), shortname: z.string(), name: z.string().optional() })).optional(),
  groups: z.array(z.object({ id: z.number(), name: z.string() })).optional(),
});
export type EnrolledUser = z.infer<typeof enrolledUserSchema>;

export const groupSchema = z.object({ id: z.number(), courseid: z.number(), name: z.string(), idnumber: z.string().optional() });
export type Group = z.infer<typeof groupSchema>;

const nullReply = z.null();

/** A managed cohort as the plugin lists it: with its member count, so member reads can be sized. */
export interface ManagedCohort {
  id: number;
  idnumber: string;
  name: string;
  visible: boolean;
  membercount: number;
  /** Live members and the sum of their keys (domain/fingerprint.ts), when asked with a user field of a plugin ≥ 1.3.0. */
  fingerprint?: string;
}

/** An account as the sync needs it: id, the matched field's value, suspended. */
export interface UserKey {
  id: number;
  key: string;
  suspended: boolean;
}

/**
 * Replies of tens of thousands of rows are checked by one loop (a zod object per row costs more than
 * the rest of the run's parsing); a wrong shape still fails loudly, naming the first bad path.
 */
function checked<T>(check: (v: unknown) => string | undefined): z.ZodType<T> {
  let problem: string | undefined;
  return z.custom<T>((v) => (problem = check(v)) === undefined, () => ({ message: problem ?? 'invalid' }));
}
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
function rowsProblem(rows: unknown, path: string, row: (r: Record<string, unknown>) => string | undefined): string | undefined {
  if (!Array.isArray(rows)) return `${path}: expected an array`;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const p = isObj(r) ? row(r) : 'expected an object';
    if (p !== undefined) return `${path}[${i}]: ${p}`;
  }
  return undefined;
}
/** Only the fields the sync reads: a later Moodle's additions are dropped here, as zod objects strip them. */
const userKey = (u: UserKey): UserKey => ({ id: u.id, key: u.key, suspended: u.suspended });
const managedCohort = (c: ManagedCohort): ManagedCohort => ({ id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, membercount: c.membercount, ...(typeof c.fingerprint === 'string' ? { fingerprint: c.fingerprint } : {}) });
const userKeyProblem = (u: Record<string, unknown>) => (!isInt(u.id) ? 'id: expected an integer' : typeof u.key !== 'string' ? 'key: expected a string' : typeof u.suspended !== 'boolean' ? 'suspended: expected a boolean' : undefined);
const managedCohortsReply = checked<{ cohorts: ManagedCohort[] }>((v) =>
  !isObj(v)
    ? 'expected an object'
    : rowsProblem(v.cohorts, 'cohorts', (c) => (!isInt(c.id) ? 'id' : typeof c.idnumber !== 'string' ? 'idnumber' : typeof c.name !== 'string' ? 'name' : typeof c.visible !== 'boolean' ? 'visible' : !isInt(c.membercount) ? 'membercount' : c.fingerprint !== undefined && typeof c.fingerprint !== 'string' ? 'fingerprint' : undefined)),
);
const cohortMembersReply = checked<{ cohorts: Array<{ cohortid: number; userids: number[] }>; users: UserKey[] }>((v) =>
  !isObj(v)
    ? 'expected an object'
    : (rowsProblem(v.cohorts, 'cohorts', (c) => (!isInt(c.cohortid) ? 'cohortid: expected an integer' : !Array.isArray(c.userids) || !c.userids.every(isInt) ? 'userids: expected integers' : undefined)) ?? rowsProblem(v.users, 'users', userKeyProblem)),
);
const usersByKeysReply = checked<{ users: UserKey[] }>((v) => (!isObj(v) ? 'expected an object' : rowsProblem(v.users, 'users', userKeyProblem)));
/** A member local_cohortbot's bulk functions refused: 2, no such cohort or account; 3, already a member (or not one). */
export interface BulkWarning {
  warningcode: string;
  cohortid: number;
  userid: number;
  message: string;
}
const bulkReply = (count: 'added' | 'removed') =>
  checked<{ warnings: BulkWarning[] } & Record<typeof count, number>>((v) =>
    !isObj(v)
      ? 'expected an object'
      : !isInt(v[count])
        ? `${count}: expected an integer`
        : rowsProblem(v.warnings, 'warnings', (w) => (typeof w.warningcode !== 'string' ? 'warningcode' : !isInt(w.cohortid) ? 'cohortid' : !isInt(w.userid) ? 'userid' : typeof w.message !== 'string' ? 'message' : undefined)),
  );
const cohortMemberIdsReply = checked<Array<{ cohortid: number; userids: number[] }>>((v) => rowsProblem(v, '(root)', (c) => (!isInt(c.cohortid) ? 'cohortid: expected an integer' : !Array.isArray(c.userids) || !c.userids.every(isInt) ? 'userids: expected integers' : undefined)));

export type UserField = 'id' | 'idnumber' | 'username' | 'email';
export type CourseField = 'id' | 'ids' | 'shortname' | 'idnumber' | 'category';

export class MoodleApi {
  constructor(readonly client: MoodleClient) {}

  get platform(): string {
    return this.client.platform;
  }

  siteInfo(): Promise<SiteInfo> {
    return this.client.call('core_webservice_get_site_info', {}, siteInfoSchema);
  }

  // ---- cohorts -------------------------------------------------------------------------------

  /** Every cohort on the site when `ids` is empty; unknown ids are skipped by Moodle. */
  getCohorts(ids: number[] = []): Promise<Cohort[]> {
    return this.client.call('core_cohort_get_cohorts', { cohortids: ids }, z.array(cohortSchema));
  }

  /** Creates cohorts; a duplicate idnumber anywhere in a batch rolls the whole batch back. */
  async createCohorts(cohorts: NewCohort[]): Promise<Cohort[]> {
    const replies = await this.client.callBatched('core_cohort_create_cohorts', cohorts, (batch) => ({ cohorts: batch.map(cohortParams) }), z.array(cohortSchema));
    return replies.flat();
  }

  /** Moodle needs categorytype, name and idnumber on every update, even unchanged. */
  async updateCohorts(cohorts: CohortUpdate[]): Promise<void> {
    await this.client.callBatched('core_cohort_update_cohorts', cohorts, (batch) => ({ cohorts: batch.map((c) => ({ id: c.id, ...cohortParams(c) })) }), nullReply);
  }

  async deleteCohorts(ids: number[]): Promise<void> {
    await this.client.callBatched('core_cohort_delete_cohorts', ids, (batch) => ({ cohortids: batch }), nullReply);
  }

  /** Cohorts matching `query` in a context; `limitfrom` is a page index (Moodle's quirk). */
  searchCohorts(query: string, context: { contextid?: number; contextlevel?: string; instanceid?: number }, includes: 'parents' | 'self' | 'all' = 'parents', page = 0, perPage = 25): Promise<Cohort[]> {
    return this.client
      .call(
        'core_cohort_search_cohorts',
        { query, context: { contextid: context.contextid ?? 0, contextlevel: context.contextlevel ?? '', instanceid: context.instanceid ?? 0 }, includes, limitfrom: page, limitnum: perPage },
        z.object({ cohorts: z.array(cohortSchema) }),
      )
      .then((r) => r.cohorts);
  }

  /** Adds members; returns Moodle's warnings (codes "1", "2", "3"), which carry no item ids. */
  async addCohortMembers(members: Array<{ cohortIdnumber?: string; cohortId?: number; username?: string; userId?: number }>): Promise<Warning[]> {
    const replies = await this.client.callBatched(
      'core_cohort_add_cohort_members',
      members,
      (batch) => ({
        members: batch.map((m) => ({
          cohorttype: m.cohortId !== undefined ? { type: 'id', value: String(m.cohortId) } : { type: 'idnumber', value: m.cohortIdnumber ?? '' },
          usertype: m.userId !== undefined ? { type: 'id', value: String(m.userId) } : { type: 'username', value: m.username ?? '' },
        })),
      }),
      warningsSchema,
    );
    return replies.flatMap((r) => r.warnings);
  }

  async deleteCohortMembers(members: Array<{ cohortid: number; userid: number }>): Promise<void> {
    await this.client.callBatched('core_cohort_delete_cohort_members', members, (batch) => ({ members: batch }), nullReply);
  }

  /** Members of many cohorts, in as few calls as max_input_vars allows. */
  async getCohortMembers(cohortIds: number[]): Promise<Map<number, number[]>> {
    const replies = await this.client.callBatched('core_cohort_get_cohort_members', cohortIds, (batch) => ({ cohortids: batch }), cohortMemberIdsReply);
    const out = new Map<number, number[]>();
    for (const r of replies) for (const c of r) out.set(c.cohortid, c.userids);
    return out;
  }

  // ---- the sync's own reads (local_cohortbot ≥ 2026120100) ------------------------------------

  /** The web-service functions this token may call (core_webservice_get_site_info). */
  async functionNames(): Promise<Set<string>> {
    return new Set((await this.siteInfo()).functions.map((f) => f.name));
  }

  /** Cohorts whose idnumber starts with `prefix`, with their member counts: one query on the site. */
  async getManagedCohorts(prefix: string, field?: 'username' | 'idnumber' | 'email'): Promise<ManagedCohort[]> {
    if (field === undefined) return (await this.client.call('local_cohortbot_get_managed_cohorts', { idnumberprefix: prefix }, managedCohortsReply)).cohorts.map(managedCohort);
    try {
      return (await this.client.call('local_cohortbot_get_managed_cohorts', { idnumberprefix: prefix, userfield: field }, managedCohortsReply)).cohorts.map(managedCohort);
    } catch (err) {
      // A plugin older than 1.3.0 knows no userfield (invalidparameter): the same read without fingerprints.
      if (!(err instanceof MoodleError) || err.errorcode !== 'invalidparameter') throw err;
      return this.getManagedCohorts(prefix);
    }
  }

  /** Members of these cohorts, and each member's id, matched field and suspension (not their profile). */
  async getCohortMemberKeys(cohortIds: number[], field: 'username' | 'idnumber' | 'email'): Promise<{ members: Map<number, number[]>; users: UserKey[] }> {
    const replies = await this.client.callBatched('local_cohortbot_get_cohort_members', cohortIds, (batch) => ({ cohortids: batch, userfield: field }), cohortMembersReply);
    const members = new Map<number, number[]>();
    const users: UserKey[] = [];
    for (const r of replies) {
      for (const c of r.cohorts) members.set(c.cohortid, c.userids);
      for (const u of r.users) users.push(userKey(u));
    }
    return { members, users };
  }

  /**
   * Members of one cohort as a person may read them (local_cohortbot ≥ 1.4.1, `onbehalfof`): Moodle
   * checks that person's moodle/cohort:view (or :manage) in the cohort's context, and refuses
   * (`onbehalfnopermission`) a cohort they may not see exactly as one that does not exist.
   */
  async getCohortMembersAs(cohortId: number, onBehalfOf: number): Promise<number[]> {
    if (!Number.isInteger(onBehalfOf) || onBehalfOf <= 0) throw new NoActingUserError('get_cohort_members');
    const r = await this.client.call('local_cohortbot_get_cohort_members', { cohortids: [cohortId], userfield: 'username', onbehalfof: onBehalfOf }, cohortMembersReply);
    return r.cohorts.find((c) => c.cohortid === cohortId)?.userids ?? [];
  }

  /** Adds or removes members in bulk (local_cohortbot): the changed count and a warning naming each member refused. */
  async changeMembersBulk(verb: 'add' | 'remove', members: Array<{ cohortId: number; userId: number }>): Promise<{ changed: number; warnings: BulkWarning[] }> {
    const count = verb === 'add' ? 'added' : 'removed';
    const replies = await this.client.callBatched(`local_cohortbot_${verb === 'add' ? 'add' : 'delete'}_cohort_members`, members, (b) => ({ members: b.map((m) => ({ cohortid: m.cohortId, userid: m.userId })) }), bulkReply(count));
    return { changed: replies.reduce((n, r) => n + r[count], 0), warnings: replies.flatMap((r) => r.warnings) };
  }

  /** Accounts whose `field` is one of `values` (id, value, suspended), in as few calls as max_input_vars allows. */
  async getUsersByKeys(field: 'username' | 'idnumber' | 'email', values: string[]): Promise<UserKey[]> {
    const replies = await this.client.callBatched('local_cohortbot_get_users_by_keys', values, (batch) => ({ userfield: field, values: batch }), usersByKeysReply);
    return replies.flatMap((r) => r.users.map(userKey));
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Users whose `field` is one of `values`; values that match nobody are simply absent. */
  async getUsersByField(field: UserField, values: Array<string | number>): Promise<MoodleUser[]> {
    const replies = await this.client.callBatched('core_user_get_users_by_field', values.map(String), (batch) => ({ field, values: batch }), z.array(userSchema));
    return replies.flat();
  }

  getUsers(criteria: Array<{ key: string; value: string }>): Promise<MoodleUser[]> {
    return this.client.call('core_user_get_users', { criteria }, z.object({ users: z.array(userSchema) })).then((r) => r.users);
  }

  async createUsers(users: Array<{ username: string; firstname: string; lastname: string; email: string; idnumber?: string; password?: string; createpassword?: boolean; auth?: string; suspended?: boolean }>): Promise<Array<{ id: number; username: string }>> {
    const replies = await this.client.callBatched('core_user_create_users', users, (batch) => ({ users: batch }), z.array(z.object({ id: z.number(), username: z.string() })));
    return replies.flat();
  }

  // ---- courses and categories ----------------------------------------------------------------

  getCoursesByField(field?: CourseField, value?: string | number): Promise<Course[]> {
    const params = field === undefined ? {} : { field, value: String(value ?? '') };
    return this.client.call('core_course_get_courses_by_field', params, z.object({ courses: z.array(courseSchema) })).then((r) => r.courses);
  }

  /** Course search; `page` is a page index. */
  searchCourses(text: string, page = 0, perPage = 20): Promise<{ total: number; courses: Course[] }> {
    return this.client.call(
      'core_course_search_courses',
      { criterianame: 'search', criteriavalue: text, page, perpage: perPage },
      z.object({ total: z.number(), courses: z.array(courseSchema.extend({ categoryid: z.number() })) }),
    );
  }

  getCategories(criteria: Array<{ key: string; value: string }> = [], addSubcategories = true): Promise<Category[]> {
    return this.client.call('core_course_get_categories', { criteria, addsubcategories: addSubcategories }, z.array(categorySchema));
  }

  async createCategories(categories: Array<{ name: string; parent?: number; idnumber?: string; description?: string }>): Promise<Array<{ id: number; name: string }>> {
    const replies = await this.client.callBatched('core_course_create_categories', categories, (batch) => ({ categories: batch }), z.array(z.object({ id: z.number(), name: z.string() })));
    return replies.flat();
  }

  async createCourses(courses: Array<{ fullname: string; shortname: string; categoryid: number; idnumber?: string; visible?: number }>): Promise<Array<{ id: number; shortname: string }>> {
    const replies = await this.client.callBatched('core_course_create_courses', courses, (batch) => ({ courses: batch }), z.array(z.object({ id: z.number(), shortname: z.string() })));
    return replies.flat();
  }

  // ---- enrolments and groups -----------------------------------------------------------------

  /** Ids of the course's enrolled users who hold a capability there (Moodle's own answer, not ours). */
  async getEnrolledUsersWithCapability(courseId: number, capability: string): Promise<Set<number>> {
    const r = await this.client.call(
      'core_enrol_get_enrolled_users_with_capability',
      { coursecapabilities: [{ courseid: courseId, capabilities: [capability] }], options: [{ name: 'onlyactive', value: '1' }] },
      z.array(z.object({ courseid: z.number(), capability: z.string(), users: z.array(z.object({ id: z.number() }).passthrough()) })),
    );
    return new Set(r.flatMap((x) => x.users.map((u) => u.id)));
  }

  getEnrolledUsers(courseId: number, options: Array<{ name: string; value: string | number }> = []): Promise<EnrolledUser[]> {
    return this.client.call('core_enrol_get_enrolled_users', { courseid: courseId, options: options.map((o) => ({ name: o.name, value: String(o.value) })) }, z.array(enrolledUserSchema));
  }

  getCourseEnrolmentMethods(courseId: number): Promise<Array<{ id: number; courseid: number; type: string; name: string; status: string | boolean }>> {
    return this.client.call(
      'core_enrol_get_course_enrolment_methods',
      { courseid: courseId },
      z.array(z.object({ id: z.number(), courseid: z.number(), type: z.string(), name: z.string(), status: z.union([z.string(), z.boolean()]) })),
    );
  }

  getUsersCourses(userId: number): Promise<Course[]> {
    return this.client.call('core_enrol_get_users_courses', { userid: userId, returnusercount: false }, z.array(courseSchema.partial({ categoryid: true }).extend({ category: z.number().optional() }))) as Promise<Course[]>;
  }

  async manualEnrolUsers(enrolments: Array<{ roleid: number; userid: number; courseid: number; timestart?: number; timeend?: number; suspend?: boolean }>): Promise<void> {
    await this.client.callBatched('enrol_manual_enrol_users', enrolments, (batch) => ({ enrolments: batch }), nullReply);
  }

  async manualUnenrolUsers(enrolments: Array<{ userid: number; courseid: number; roleid?: number }>): Promise<void> {
    await this.client.callBatched('enrol_manual_unenrol_users', enrolments, (batch) => ({ enrolments: batch }), nullReply);
  }

  getCourseGroups(courseId: number): Promise<Group[]> {
    return this.client.call('core_group_get_course_groups', { courseid: courseId }, z.array(groupSchema));
  }

  async createGroups(groups: Array<{ courseid: number; name: string; description?: string; idnumber?: string }>): Promise<Group[]> {
    const replies = await this.client.callBatched('core_group_create_groups', groups, (batch) => ({ groups: batch.map((g) => ({ description: '', ...g })) }), z.array(groupSchema));
    return replies.flat();
  }
}

function cohortParams(c: NewCohort) {
  return {
    categorytype: c.categorytype,
    name: c.name,
    idnumber: c.idnumber,
    description: c.description,
    visible: c.visible,
  };
}
