/**
 * The state of one simulated Moodle site and the core rules that act on it: contexts and
 * capabilities, cohort availability, and enrol_cohort's reactions to cohort changes
 * (docs/moodle.md §2, §4). Web-service functions (functions/*.ts) call into this.
 */
import { Table, UndoLog } from './table';
import { invalidRecord, noPermissions } from './desc';

export interface UserRow { id: number; username: string; firstname: string; lastname: string; email: string; idnumber: string; auth: string; suspended: boolean; deleted: boolean; confirmed: boolean; firstaccess: number; lastaccess: number; lang: string; department: string }
export interface CategoryRow { id: number; name: string; idnumber: string | null; parent: number; visible: boolean; description: string; descriptionformat: number; sortorder: number; timemodified: number }
export interface CourseRow { id: number; fullname: string; shortname: string; idnumber: string; categoryid: number; visible: boolean; summary: string; format: string; startdate: number; enddate: number; timecreated: number }
export interface CohortRow { id: number; contextlevel: 'system' | 'coursecat'; categoryid: number; name: string; idnumber: string; description: string; descriptionformat: number; visible: boolean; component: string; theme: string; timecreated: number }
export interface MemberRow { id: number; cohortid: number; userid: number; timeadded: number }
export interface RoleRow { id: number; shortname: string; name: string; archetype: string; sortorder: number; capabilities: string[]; canassign: number[] }
export interface RoleAssignmentRow { id: number; roleid: number; userid: number; contextlevel: ContextLevel; instanceid: number; component: string; itemid: number }
export interface GroupRow { id: number; courseid: number; name: string; idnumber: string; description: string }
export interface GroupMemberRow { id: number; groupid: number; userid: number; component: string; itemid: number }
export interface EnrolRow { id: number; courseid: number; enrol: string; status: number; name: string; roleid: number; customint1: number; customint2: number; sortorder: number }
export interface UserEnrolmentRow { id: number; enrolid: number; userid: number; status: number; timestart: number; timeend: number; timecreated: number }
export interface TokenRow { id: number; token: string; userid: number; functions: string[] }

export type ContextLevel = 'system' | 'coursecat' | 'course';
export interface Context { level: ContextLevel; instanceid: number }
export const SYSTEM: Context = { level: 'system', instanceid: 0 };

export const ENROL_USER_ACTIVE = 0;
export const ENROL_USER_SUSPENDED = 1;
export const ENROL_INSTANCE_ENABLED = 0;
/** enrol_cohort's unenrolaction: 0 unenrol, 2 suspend, 3 suspend and remove roles. */
export type UnenrolAction = 0 | 2 | 3;

export interface SiteSettings {
  name: string;
  sitename: string;
  release: string;
  version: string;
  unenrolaction: UnenrolAction;
  cohortPluginEnabled: boolean;
  restEnabled: boolean;
  webservicesEnabled: boolean;
  maxInputVars: number;
  debug: boolean;
  /** enrol_cohort/roleid: the role used when none is given. */
  cohortDefaultRoleId: number;
  siteAdmins: number[];
  /** Which cohort-sync web-service plugin the site runs: ours, the contributed one, or none. */
  cohortSyncPlugin: 'local_cohortbot' | 'local_ws_enrolcohort' | 'none';
}

/** Context ids are not exposed by Moodle for cohorts; the simulator numbers them predictably. */
export function contextId(ctx: Context): number {
  return ctx.level === 'system' ? 1 : ctx.level === 'coursecat' ? 100_000 + ctx.instanceid : 200_000 + ctx.instanceid;
}

export class Site {
  readonly undo = new UndoLog();
  readonly users = new Table<UserRow>('user', this.undo).index('username', (r) => r.username).index('idnumber', (r) => r.idnumber).index('email', (r) => r.email.toLowerCase());
  readonly categories = new Table<CategoryRow>('course_categories', this.undo).index('parent', (r) => r.parent).index('idnumber', (r) => r.idnumber ?? '');
  readonly courses = new Table<CourseRow>('course', this.undo).index('shortname', (r) => r.shortname).index('idnumber', (r) => r.idnumber).index('category', (r) => r.categoryid);
  readonly cohorts = new Table<CohortRow>('cohort', this.undo).index('idnumber', (r) => r.idnumber);
  readonly members = new Table<MemberRow>('cohort_members', this.undo).index('cohort', (r) => r.cohortid).index('user', (r) => r.userid).index('pair', (r) => `${r.cohortid}:${r.userid}`);
  readonly roles = new Table<RoleRow>('role', this.undo).index('shortname', (r) => r.shortname);
  readonly roleAssignments = new Table<RoleAssignmentRow>('role_assignments', this.undo).index('user', (r) => r.userid).index('ctx', (r) => `${r.contextlevel}:${r.instanceid}`);
  readonly groups = new Table<GroupRow>('groups', this.undo).index('course', (r) => r.courseid);
  readonly groupMembers = new Table<GroupMemberRow>('groups_members', this.undo).index('group', (r) => r.groupid).index('user', (r) => r.userid);
  readonly enrol = new Table<EnrolRow>('enrol', this.undo).index('course', (r) => r.courseid).index('cohort', (r) => (r.enrol === 'cohort' ? r.customint1 : -1));
  readonly userEnrolments = new Table<UserEnrolmentRow>('user_enrolments', this.undo).index('enrol', (r) => r.enrolid).index('user', (r) => r.userid).index('pair', (r) => `${r.enrolid}:${r.userid}`);
  readonly tokens = new Table<TokenRow>('external_tokens', this.undo).index('token', (r) => r.token);
  /** Monotonic clock for time fields, so tests are repeatable. */
  now: () => number = () => Math.floor(Date.now() / 1000);

  constructor(public settings: SiteSettings) {}

  transaction<T>(fn: () => T): T {
    return this.undo.transaction(fn);
  }

  private tables(): Record<string, Table<{ id: number }>> {
    const { users, categories, courses, cohorts, members, roles, roleAssignments, groups, groupMembers, enrol, userEnrolments, tokens } = this;
    return { users, categories, courses, cohorts, members, roles, roleAssignments, groups, groupMembers, enrol, userEnrolments, tokens } as unknown as Record<string, Table<{ id: number }>>;
  }

  /** A JSON-able snapshot of the whole site, for the simulator's state file. */
  dump(): { settings: SiteSettings; tables: Record<string, { nextId: number; rows: unknown[] }> } {
    const tables: Record<string, { nextId: number; rows: unknown[] }> = {};
    for (const [name, t] of Object.entries(this.tables())) tables[name] = { nextId: t.nextId, rows: t.all() };
    return { settings: this.settings, tables };
  }

  static restore(data: ReturnType<Site['dump']>): Site {
    const site = new Site(data.settings);
    for (const [name, t] of Object.entries(site.tables())) {
      const saved = data.tables[name];
      if (saved) t.load(saved.rows as Array<{ id: number }>, saved.nextId);
    }
    return site;
  }

  // ---- contexts and capabilities ---------------------------------------------------------------

  categoryChain(categoryId: number): number[] {
    const chain: number[] = [];
    let id = categoryId;
    const seen = new Set<number>();
    while (id > 0 && !seen.has(id)) {
      seen.add(id);
      chain.push(id);
      id = this.categories.get(id)?.parent ?? 0;
    }
    return chain;
  }

  /** The context and its parents, nearest first, ending with system. */
  contextChain(ctx: Context): Context[] {
    if (ctx.level === 'system') return [SYSTEM];
    if (ctx.level === 'coursecat') return [...this.categoryChain(ctx.instanceid).map((id) => ({ level: 'coursecat' as const, instanceid: id })), SYSTEM];
    const course = this.courses.get(ctx.instanceid);
    return [ctx, ...(course ? this.contextChain({ level: 'coursecat', instanceid: course.categoryid }) : [SYSTEM])];
  }

  isSiteAdmin(userid: number): boolean {
    return this.settings.siteAdmins.includes(userid);
  }

  /** Roles the user holds in the context or any of its parents. */
  rolesIn(userid: number, ctx: Context): RoleRow[] {
    const keys = new Set(this.contextChain(ctx).map((c) => `${c.level}:${c.instanceid}`));
    const ids = new Set(this.roleAssignments.find('user', userid).filter((ra) => keys.has(`${ra.contextlevel}:${ra.instanceid}`)).map((ra) => ra.roleid));
    return [...ids].map((id) => this.roles.get(id)).filter((r): r is RoleRow => r !== undefined);
  }

  hasCapability(capability: string, ctx: Context, userid: number): boolean {
    const user = this.users.get(userid);
    if (!user || user.deleted) return false;
    if (this.isSiteAdmin(userid)) return true;
    return this.rolesIn(userid, ctx).some((r) => r.capabilities.includes(capability));
  }

  requireCapability(capability: string, ctx: Context, userid: number): void {
    if (!this.hasCapability(capability, ctx, userid)) throw noPermissions(capability);
  }

  /** get_assignable_roles(): roles the user may assign in the context. */
  assignableRoles(ctx: Context, userid: number): RoleRow[] {
    if (this.isSiteAdmin(userid)) return this.roles.all().filter((r) => r.archetype !== 'guest' && r.archetype !== 'user' && r.archetype !== 'frontpage');
    if (!this.hasCapability('moodle/role:assign', ctx, userid)) return [];
    const allowed = new Set(this.rolesIn(userid, ctx).flatMap((r) => r.canassign));
    return this.roles.all().filter((r) => allowed.has(r.id)).sort((a, b) => a.sortorder - b.sortorder);
  }

  courseContext(courseId: number): Context {
    if (!this.courses.get(courseId)) throw invalidRecord('course');
    return { level: 'course', instanceid: courseId };
  }

  /**
   * external_api::validate_context() on a course: require_login() lets in admins, active participants
   * and holders of moodle/course:view (access without enrolment); anyone else is refused.
   */
  canAccessCourse(courseId: number, userid: number): boolean {
    return this.isSiteAdmin(userid) || this.isActiveParticipant(courseId, userid) || this.hasCapability('moodle/course:view', { level: 'course', instanceid: courseId }, userid);
  }

  cohortContext(c: CohortRow): Context {
    return c.contextlevel === 'system' ? SYSTEM : { level: 'coursecat', instanceid: c.categoryid };
  }

  /** cohort_get_available_cohorts() for an arbitrary user: parent-context cohorts, hidden ones only with cohort:view. */
  availableCohorts(courseId: number, userid: number): CohortRow[] {
    const parents = this.contextChain({ level: 'course', instanceid: courseId }).slice(1);
    const out: CohortRow[] = [];
    for (const ctx of parents) {
      const canView = this.hasCapability('moodle/cohort:view', ctx, userid);
      for (const c of this.cohorts.all()) {
        const cctx = this.cohortContext(c);
        if (cctx.level !== ctx.level || cctx.instanceid !== ctx.instanceid) continue;
        if (c.visible || canView) out.push(c);
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.idnumber.localeCompare(b.idnumber));
  }

  // ---- users -----------------------------------------------------------------------------------

  liveUser(id: number): UserRow | undefined {
    const u = this.users.get(id);
    return u && !u.deleted ? u : undefined;
  }

  fullname(u: UserRow): string {
    return `${u.firstname} ${u.lastname}`;
  }

  cohortMemberIds(cohortId: number): number[] {
    return this.members
      .find('cohort', cohortId)
      .map((m) => this.users.get(m.userid))
      .filter((u): u is UserRow => u !== undefined)
      .sort((a, b) => a.lastname.localeCompare(b.lastname) || a.firstname.localeCompare(b.firstname) || a.id - b.id)
      .map((u) => u.id);
  }

  isMember(cohortId: number, userId: number): boolean {
    return this.members.first('pair', `${cohortId}:${userId}`) !== undefined;
  }

  // ---- cohorts and enrol_cohort's event observers ----------------------------------------------

  addMember(cohortId: number, userId: number): void {
    if (this.isMember(cohortId, userId)) return;
    this.members.insert({ cohortid: cohortId, userid: userId, timeadded: this.now() });
    this.onMemberAdded(cohortId, userId);
  }

  /** cohort_remove_member(): the delete may be a no-op, but the event fires all the same. */
  removeMember(cohortId: number, userId: number): void {
    const row = this.members.first('pair', `${cohortId}:${userId}`);
    if (row) this.members.delete(row.id);
    this.onMemberRemoved(cohortId, userId);
  }

  deleteCohort(cohortId: number): void {
    for (const m of this.members.find('cohort', cohortId)) this.members.delete(m.id);
    this.cohorts.delete(cohortId);
    this.onCohortDeleted(cohortId);
  }

  cohortInstances(cohortId: number): EnrolRow[] {
    return this.enrol.find('cohort', cohortId);
  }

  private onMemberAdded(cohortId: number, userId: number): void {
    if (!this.settings.cohortPluginEnabled) return;
    for (const inst of this.cohortInstances(cohortId)) {
      if (inst.status !== ENROL_INSTANCE_ENABLED) continue;
      this.enrolUser(inst, userId, inst.roleid);
      this.addToInstanceGroup(inst, userId);
    }
  }

  private onMemberRemoved(cohortId: number, userId: number): void {
    if (!this.settings.cohortPluginEnabled) return;
    for (const inst of this.cohortInstances(cohortId)) {
      const ue = this.userEnrolments.first('pair', `${inst.id}:${userId}`);
      if (!ue) continue;
      this.applyUnenrolAction(inst, ue);
    }
  }

  private onCohortDeleted(cohortId: number): void {
    for (const inst of this.cohortInstances(cohortId)) {
      if (this.settings.unenrolaction === 0) {
        this.deleteInstance(inst.id);
      } else {
        this.updateInstanceStatus(inst.id, 1);
      }
    }
  }

  private applyUnenrolAction(inst: EnrolRow, ue: UserEnrolmentRow): void {
    const action = this.settings.unenrolaction;
    if (action === 0) {
      this.unenrolUser(inst, ue.userid);
      return;
    }
    if (ue.status !== ENROL_USER_SUSPENDED) this.userEnrolments.update(ue.id, { status: ENROL_USER_SUSPENDED });
    if (action === 3) this.removeInstanceRoles(inst, ue.userid);
  }

  // ---- enrolments ------------------------------------------------------------------------------

  /** enrol_plugin::enrol_user(): creates or re-activates the enrolment and assigns the role. */
  enrolUser(inst: EnrolRow, userId: number, roleId: number, timestart = 0, timeend = 0, status = ENROL_USER_ACTIVE): UserEnrolmentRow {
    let ue = this.userEnrolments.first('pair', `${inst.id}:${userId}`);
    if (ue) {
      if (ue.status !== status || ue.timestart !== timestart || ue.timeend !== timeend) ue = this.userEnrolments.update(ue.id, { status, timestart, timeend });
    } else {
      ue = this.userEnrolments.insert({ enrolid: inst.id, userid: userId, status, timestart, timeend, timecreated: this.now() });
    }
    if (roleId > 0 && this.roles.get(roleId)) this.assignRole(roleId, userId, { level: 'course', instanceid: inst.courseid }, inst.enrol === 'manual' ? '' : `enrol_${inst.enrol}`, inst.enrol === 'manual' ? 0 : inst.id);
    return ue;
  }

  unenrolUser(inst: EnrolRow, userId: number): void {
    const ue = this.userEnrolments.first('pair', `${inst.id}:${userId}`);
    if (ue) this.userEnrolments.delete(ue.id);
    this.removeInstanceRoles(inst, userId);
    for (const gm of this.groupMembers.find('user', userId)) {
      if (gm.component === `enrol_${inst.enrol}` && gm.itemid === inst.id) this.groupMembers.delete(gm.id);
    }
    // Leaving the last enrolment of a course removes the user's remaining course roles and groups.
    const stillEnrolled = this.enrol.find('course', inst.courseid).some((i) => this.userEnrolments.first('pair', `${i.id}:${userId}`));
    if (!stillEnrolled) {
      for (const ra of this.roleAssignments.find('user', userId)) if (ra.contextlevel === 'course' && ra.instanceid === inst.courseid) this.roleAssignments.delete(ra.id);
      const groupIds = new Set(this.groups.find('course', inst.courseid).map((g) => g.id));
      for (const gm of this.groupMembers.find('user', userId)) if (groupIds.has(gm.groupid)) this.groupMembers.delete(gm.id);
    }
  }

  assignRole(roleId: number, userId: number, ctx: Context, component = '', itemid = 0): void {
    const exists = this.roleAssignments
      .find('user', userId)
      .some((ra) => ra.roleid === roleId && ra.contextlevel === ctx.level && ra.instanceid === ctx.instanceid && ra.component === component && ra.itemid === itemid);
    if (!exists) this.roleAssignments.insert({ roleid: roleId, userid: userId, contextlevel: ctx.level, instanceid: ctx.instanceid, component, itemid });
  }

  removeInstanceRoles(inst: EnrolRow, userId?: number): void {
    const rows = userId === undefined ? this.roleAssignments.find('ctx', `course:${inst.courseid}`) : this.roleAssignments.find('user', userId);
    for (const ra of rows) {
      if (ra.contextlevel === 'course' && ra.instanceid === inst.courseid && ra.component === `enrol_${inst.enrol}` && ra.itemid === inst.id) this.roleAssignments.delete(ra.id);
    }
  }

  private addToInstanceGroup(inst: EnrolRow, userId: number): void {
    if (inst.customint2 <= 0) return;
    const group = this.groups.get(inst.customint2);
    if (!group || group.courseid !== inst.courseid) return;
    const already = this.groupMembers.find('group', group.id).some((gm) => gm.userid === userId);
    if (!already) this.groupMembers.insert({ groupid: group.id, userid: userId, component: 'enrol_cohort', itemid: inst.id });
  }

  // ---- cohort-sync instances (enrol_cohort's add_instance / update_instance / update_status) ----

  /** enrol_cohort_create_new_group(): "<cohort name> cohort", then "… (2)", "(3)". */
  createCohortGroup(courseId: number, cohortId: number): number {
    const cohort = this.cohorts.get(cohortId);
    const base = `${cohort?.name ?? 'Cohort'} cohort`;
    const taken = new Set(this.groups.find('course', courseId).map((g) => g.name));
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
    return this.groups.insert({ courseid: courseId, name, idnumber: '', description: '' }).id;
  }

  addInstance(courseId: number, cohortId: number, roleId: number, groupId: number, status: number, name: string): EnrolRow {
    const customint2 = groupId === -1 ? this.createCohortGroup(courseId, cohortId) : groupId;
    const sortorder = this.enrol.find('course', courseId).length;
    const inst = this.enrol.insert({ courseid: courseId, enrol: 'cohort', status, name, roleid: roleId, customint1: cohortId, customint2, sortorder });
    this.cohortSync(courseId);
    return inst;
  }

  /** update_instance(): a role change first removes every role the instance gave, then the course is synced. */
  updateInstance(id: number, patch: { roleid?: number; customint2?: number; name?: string; status?: number }): EnrolRow {
    const before = this.enrol.get(id);
    if (!before) throw invalidRecord('enrol');
    const customint2 = patch.customint2 === -1 ? this.createCohortGroup(before.courseid, before.customint1) : (patch.customint2 ?? before.customint2);
    if (patch.roleid !== undefined && patch.roleid !== before.roleid) this.removeInstanceRoles(before);
    if (customint2 !== before.customint2) {
      for (const gm of this.groupMembers.filter((g) => g.component === 'enrol_cohort' && g.itemid === id)) this.groupMembers.delete(gm.id);
    }
    const after = this.enrol.update(id, { roleid: patch.roleid ?? before.roleid, customint2, name: patch.name ?? before.name, status: patch.status ?? before.status });
    this.cohortSync(before.courseid);
    return after;
  }

  updateInstanceStatus(id: number, status: number): void {
    const inst = this.enrol.get(id);
    if (!inst) throw invalidRecord('enrol');
    this.enrol.update(id, { status });
    this.cohortSync(inst.courseid);
  }

  deleteInstance(id: number): void {
    const inst = this.enrol.get(id);
    if (!inst) return;
    for (const ue of this.userEnrolments.find('enrol', id)) this.unenrolUser(inst, ue.userid);
    this.removeInstanceRoles(inst);
    this.enrol.delete(id);
  }

  /**
   * enrol_cohort_sync(): the hourly full reconcile. Enrols missing members of enabled instances,
   * applies unenrolaction to non-members, gives roles to active users of enabled instances and takes
   * them from the others (except with action 2), and syncs groups.
   */
  cohortSync(courseId?: number): void {
    const instances = this.enrol.all().filter((i) => i.enrol === 'cohort' && (courseId === undefined || i.courseid === courseId));
    if (!this.settings.cohortPluginEnabled) {
      for (const inst of instances) this.removeInstanceRoles(inst);
      return;
    }
    for (const inst of instances) {
      const cohortExists = this.cohorts.get(inst.customint1) !== undefined;
      const memberIds = new Set(cohortExists ? this.members.find('cohort', inst.customint1).map((m) => m.userid) : []);
      if (inst.status === ENROL_INSTANCE_ENABLED) {
        for (const uid of memberIds) {
          const u = this.users.get(uid);
          if (!u || u.deleted) continue;
          const ue = this.userEnrolments.first('pair', `${inst.id}:${uid}`);
          if (!ue || ue.status !== ENROL_USER_ACTIVE) this.enrolUser(inst, uid, inst.roleid);
          this.addToInstanceGroup(inst, uid);
        }
      }
      for (const ue of this.userEnrolments.find('enrol', inst.id)) {
        if (memberIds.has(ue.userid)) continue;
        if (this.settings.unenrolaction !== 0 && ue.status === ENROL_USER_SUSPENDED) continue;
        this.applyUnenrolAction(inst, ue);
      }
      for (const ue of this.userEnrolments.find('enrol', inst.id)) {
        const active = inst.status === ENROL_INSTANCE_ENABLED && ue.status === ENROL_USER_ACTIVE;
        if (active && inst.roleid > 0) this.assignRole(inst.roleid, ue.userid, { level: 'course', instanceid: inst.courseid }, 'enrol_cohort', inst.id);
        else if (!active && this.settings.unenrolaction !== 2) this.removeInstanceRoles(inst, ue.userid);
      }
    }
  }

  // ---- lookups used by several functions -------------------------------------------------------

  requireCourse(courseId: number): CourseRow {
    const c = this.courses.get(courseId);
    if (!c) throw invalidRecord('course');
    return c;
  }

  requireCohort(cohortId: number): CohortRow {
    const c = this.cohorts.get(cohortId);
    if (!c) throw invalidRecord('cohort');
    return c;
  }

  /** The user's enrolments in a course with the roles they hold there. */
  enrolmentsOf(courseId: number, userId: number): Array<{ inst: EnrolRow; ue: UserEnrolmentRow }> {
    return this.enrol
      .find('course', courseId)
      .map((inst) => ({ inst, ue: this.userEnrolments.first('pair', `${inst.id}:${userId}`) }))
      .filter((x): x is { inst: EnrolRow; ue: UserEnrolmentRow } => x.ue !== undefined);
  }

  /** is_enrolled(..., onlyactive): an active enrolment in an enabled instance, within its dates. */
  isActiveParticipant(courseId: number, userId: number): boolean {
    const now = this.now();
    return this.enrolmentsOf(courseId, userId).some(
      ({ inst, ue }) => inst.status === ENROL_INSTANCE_ENABLED && ue.status === ENROL_USER_ACTIVE && ue.timestart <= now && (ue.timeend === 0 || ue.timeend > now),
    );
  }
}
