/**
 * The simulator's seed format (documented in README "Simulator seed format") and the code that turns
 * a seed into sites. Everything is named by natural keys (usernames, shortnames, idnumbers) so a
 * scenario reads like what an admin would set up; explicit ids are optional, for recorded fixtures.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { createCourseRow } from './functions/course';
import { Context, RoleRow, SYSTEM, Site, SiteSettings } from './model';

const idOpt = z.number().int().positive().optional();

const platformSeed = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    sitename: z.string().default('Moodle'),
    siteShortname: z.string().optional(),
    settings: z
      .object({
        unenrolaction: z.union([z.literal(0), z.literal(2), z.literal(3)]).default(0),
        cohortPluginEnabled: z.boolean().default(true),
        restEnabled: z.boolean().default(true),
        webservicesEnabled: z.boolean().default(true),
        maxInputVars: z.number().int().min(10).default(1000),
        debug: z.boolean().default(false),
        cohortSyncPlugin: z.enum(['local_cohortbot', 'local_ws_enrolcohort', 'none']).default('local_cohortbot'),
        defaultCohortRole: z.string().default('student'),
      })
      .default({}),
    roles: z.array(z.object({ id: idOpt, shortname: z.string(), name: z.string().default(''), archetype: z.string().default(''), capabilities: z.array(z.string()).default([]), canassign: z.array(z.string()).default([]) })).optional(),
    categories: z.array(z.object({ id: idOpt, name: z.string(), idnumber: z.string().nullable().optional(), parent: z.string().nullable().optional(), visible: z.boolean().default(true), description: z.string().default(''), descriptionformat: z.number().int().default(0) })).default([]),
    courses: z.array(z.object({ id: idOpt, shortname: z.string(), fullname: z.string(), category: z.string(), idnumber: z.string().default(''), summary: z.string().default(''), visible: z.boolean().default(true), selfEnrolEnabled: z.boolean().default(false) })).default([]),
    users: z
      .array(
        z.object({
          id: idOpt,
          username: z.string(),
          firstname: z.string(),
          lastname: z.string(),
          email: z.string(),
          idnumber: z.string().default(''),
          auth: z.string().default('manual'),
          suspended: z.boolean().default(false),
          lang: z.string().default('fr'),
          department: z.string().default(''),
          firstaccess: z.number().int().default(0),
          lastaccess: z.number().int().default(0),
        }),
      )
      .default([]),
    admins: z.array(z.string()).default([]),
    roleAssignments: z.array(z.object({ user: z.string(), role: z.string(), category: z.string().optional(), course: z.string().optional() })).default([]),
    enrolments: z.array(z.object({ user: z.string(), course: z.string(), role: z.string().default('student'), timestart: z.number().int().default(0), timeend: z.number().int().default(0), suspended: z.boolean().default(false) })).default([]),
    groups: z.array(z.object({ id: idOpt, course: z.string(), name: z.string(), idnumber: z.string().default(''), description: z.string().default('') })).default([]),
    cohorts: z
      .array(z.object({ id: idOpt, idnumber: z.string(), name: z.string(), description: z.string().default(''), category: z.string().optional(), visible: z.boolean().default(true), members: z.array(z.string()).default([]) }))
      .default([]),
    cohortSyncs: z.array(z.object({ course: z.string(), cohort: z.string(), role: z.string().default('student'), group: z.string().optional(), status: z.union([z.literal(0), z.literal(1)]).default(0), name: z.string().default('') })).default([]),
    tokens: z.array(z.object({ token: z.string().min(8), user: z.string(), functions: z.union([z.literal('cohortbot'), z.literal('all'), z.array(z.string())]).default('cohortbot') })).min(1),
  })
  .strict();

export const seedSchema = z.object({ $comment: z.string().optional(), platforms: z.array(platformSeed).min(1) }).strict();
export type Seed = z.input<typeof seedSchema>;
export type PlatformSeed = z.output<typeof platformSeed>;

/** Core functions in the predefined "cohortbot" service (docs/moodle.md §5). */
export const CORE_SERVICE_FUNCTIONS = [
  'core_webservice_get_site_info',
  'core_cohort_get_cohorts',
  'core_cohort_create_cohorts',
  'core_cohort_update_cohorts',
  'core_cohort_delete_cohorts',
  'core_cohort_search_cohorts',
  'core_cohort_add_cohort_members',
  'core_cohort_delete_cohort_members',
  'core_cohort_get_cohort_members',
  'core_user_get_users_by_field',
  'core_user_get_users',
  'core_user_create_users',
  'core_course_get_courses_by_field',
  'core_course_search_courses',
  'core_course_get_categories',
  'core_course_create_categories',
  'core_course_create_courses',
  'core_enrol_get_enrolled_users',
  'core_enrol_get_enrolled_users_with_capability',
  'core_enrol_get_course_enrolment_methods',
  'core_enrol_get_users_courses',
  'core_group_get_course_groups',
  'core_group_create_groups',
  'enrol_manual_enrol_users',
  'enrol_manual_unenrol_users',
];

export const PLUGIN_FUNCTIONS: Record<'local_cohortbot' | 'local_ws_enrolcohort' | 'none', string[]> = {
  local_cohortbot: [
    'local_cohortbot_get_cohort_syncs',
    'local_cohortbot_add_cohort_sync',
    'local_cohortbot_update_cohort_sync',
    'local_cohortbot_delete_cohort_sync',
    'local_cohortbot_get_available_cohorts',
    'local_cohortbot_get_available_cohorts_many',
    'local_cohortbot_get_assignable_roles',
    'local_cohortbot_get_enrolment_diagnosis',
    'local_cohortbot_get_managed_cohorts',
    'local_cohortbot_get_cohort_members',
    'local_cohortbot_get_users_by_keys',
    'local_cohortbot_add_cohort_members',
    'local_cohortbot_delete_cohort_members',
    'local_cohortbot_create_cohort',
    'local_cohortbot_get_cohort_courses',
  ],
  local_ws_enrolcohort: ['local_ws_enrolcohort_add_instance', 'local_ws_enrolcohort_update_instance', 'local_ws_enrolcohort_delete_instance', 'local_ws_enrolcohort_get_instances'],
  none: [],
};

const COURSE_TEACHING = [
  'enrol/cohort:config',
  'enrol/cohort:unenrol',
  'moodle/course:enrolconfig',
  'moodle/course:enrolreview',
  'moodle/course:managegroups',
  'moodle/course:viewparticipants',
  'moodle/role:assign',
  'enrol/manual:enrol',
  'enrol/manual:unenrol',
  // lib/db/access.php: teachers (editing or not), course creators and managers see hidden courses (their own course lists too).
  'moodle/course:viewhiddencourses',
];

/** Moodle's standard roles with the capabilities that matter here (ids as on a fresh install). */
export const STANDARD_ROLES: Array<Omit<RoleRow, 'canassign'> & { canassign: string[] }> = [
  {
    id: 1, shortname: 'manager', name: '', archetype: 'manager', sortorder: 1,
    capabilities: [...COURSE_TEACHING, 'moodle/cohort:manage', 'moodle/cohort:view', 'moodle/cohort:assign', 'moodle/user:viewdetails', 'moodle/user:create', 'moodle/course:create', 'moodle/category:manage'],
    canassign: ['manager', 'coursecreator', 'editingteacher', 'teacher', 'student'],
  },
  { id: 2, shortname: 'coursecreator', name: '', archetype: 'coursecreator', sortorder: 2, capabilities: ['moodle/course:create', 'moodle/course:viewhiddencourses'], canassign: [] },
  { id: 3, shortname: 'editingteacher', name: '', archetype: 'editingteacher', sortorder: 3, capabilities: COURSE_TEACHING, canassign: ['teacher', 'student'] },
  { id: 4, shortname: 'teacher', name: '', archetype: 'teacher', sortorder: 4, capabilities: ['moodle/course:viewparticipants', 'moodle/course:viewhiddencourses'], canassign: [] },
  { id: 5, shortname: 'student', name: '', archetype: 'student', sortorder: 5, capabilities: [], canassign: [] },
  { id: 6, shortname: 'guest', name: '', archetype: 'guest', sortorder: 6, capabilities: [], canassign: [] },
  { id: 7, shortname: 'user', name: '', archetype: 'user', sortorder: 7, capabilities: [], canassign: [] },
  { id: 8, shortname: 'frontpage', name: '', archetype: 'frontpage', sortorder: 8, capabilities: [], canassign: [] },
];

export class SeedError extends Error {}

export function readSeedFile(path: string): z.output<typeof seedSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SeedError(`cannot read seed ${path}: ${(err as Error).message}`);
  }
  return parseSeed(raw, path);
}

export function parseSeed(raw: unknown, origin = 'seed'): z.output<typeof seedSchema> {
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SeedError(`invalid seed ${origin}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function buildSite(seed: PlatformSeed, now: () => number = () => Math.floor(Date.now() / 1000)): Site {
  const s = seed.settings;
  const settings: SiteSettings = {
    name: seed.name,
    sitename: seed.sitename,
    release: '4.5.6 (Build: 20250811)',
    version: '2024100706',
    unenrolaction: s.unenrolaction,
    cohortPluginEnabled: s.cohortPluginEnabled,
    restEnabled: s.restEnabled,
    webservicesEnabled: s.webservicesEnabled,
    maxInputVars: s.maxInputVars,
    debug: s.debug,
    cohortDefaultRoleId: 5,
    siteAdmins: [],
    cohortSyncPlugin: s.cohortSyncPlugin,
  };
  const site = new Site(settings);
  site.now = now;
  const fail = (what: string): never => {
    throw new SeedError(`seed platform ${seed.name}: ${what}`);
  };

  const roles = seed.roles ?? [];
  const roleSeeds = [...STANDARD_ROLES.filter((r) => !roles.some((x) => x.shortname === r.shortname)), ...roles.map((r, i) => ({ ...r, sortorder: 100 + i }))];
  for (const r of roleSeeds) site.roles.insert({ id: r.id, shortname: r.shortname, name: r.name, archetype: r.archetype, sortorder: r.sortorder ?? 0, capabilities: r.capabilities, canassign: [] });
  for (const r of roleSeeds) {
    const row = site.roles.first('shortname', r.shortname)!;
    site.roles.load([{ ...row, canassign: r.canassign.map((n) => site.roles.first('shortname', n)?.id ?? fail(`role ${r.shortname} may assign unknown role ${n}`)) }]);
  }
  const role = (shortname: string) => site.roles.first('shortname', shortname) ?? fail(`unknown role ${shortname}`);
  site.settings.cohortDefaultRoleId = role(s.defaultCohortRole).id;

  // Like a fresh install: guest (id 1) and the site course (id 1) exist before anything else.
  if (!seed.users.some((u) => u.username === 'guest')) {
    site.users.insert({ id: 1, username: 'guest', firstname: 'Guest user', lastname: ' ', email: 'root@localhost', idnumber: '', auth: 'manual', suspended: false, deleted: false, confirmed: true, firstaccess: 0, lastaccess: 0, lang: 'en', department: '' });
  }
  site.courses.insert({ id: 1, fullname: seed.sitename, shortname: seed.siteShortname ?? seed.sitename.toLowerCase().replace(/\s+/g, ''), idnumber: '', categoryid: 0, visible: true, summary: '', format: 'site', startdate: 0, enddate: 0, timecreated: now() });

  for (const [i, c] of seed.categories.entries()) {
    const parent = c.parent ? (site.categories.first('idnumber', c.parent)?.id ?? fail(`category ${c.name}: unknown parent ${c.parent}`)) : 0;
    site.categories.insert({ id: c.id, name: c.name, idnumber: c.idnumber ?? null, parent, visible: c.visible, description: c.description, descriptionformat: c.descriptionformat, sortorder: (c.id ?? i + 1) * 10_000, timemodified: now() });
  }
  const category = (idnumber: string) => site.categories.first('idnumber', idnumber) ?? fail(`unknown category ${idnumber}`);

  for (const u of seed.users) {
    site.users.insert({ id: u.id, username: u.username, firstname: u.firstname, lastname: u.lastname, email: u.email, idnumber: u.idnumber, auth: u.auth, suspended: u.suspended, deleted: false, confirmed: true, firstaccess: u.firstaccess, lastaccess: u.lastaccess, lang: u.lang, department: u.department });
  }
  const user = (username: string) => site.users.first('username', username) ?? fail(`unknown user ${username}`);
  site.settings.siteAdmins = seed.admins.map((a) => user(a).id);

  for (const c of seed.courses) {
    const row = createCourseRow(site, { fullname: c.fullname, shortname: c.shortname, categoryid: category(c.category).id, idnumber: c.idnumber, summary: c.summary, visible: c.visible });
    if (c.id !== undefined && c.id !== row.id) fail(`course ${c.shortname}: id ${c.id} requested but ${row.id} is next; list courses in id order`);
    if (c.selfEnrolEnabled) {
      const self = site.enrol.find('course', row.id).find((i) => i.enrol === 'self')!;
      site.enrol.update(self.id, { status: 0 });
    }
  }
  const course = (shortname: string) => site.courses.first('shortname', shortname) ?? fail(`unknown course ${shortname}`);

  for (const ra of seed.roleAssignments) {
    const ctx: Context = ra.course ? { level: 'course', instanceid: course(ra.course).id } : ra.category ? { level: 'coursecat', instanceid: category(ra.category).id } : SYSTEM;
    site.assignRole(role(ra.role).id, user(ra.user).id, ctx);
  }
  for (const e of seed.enrolments) {
    const inst = site.enrol.find('course', course(e.course).id).find((i) => i.enrol === 'manual')!;
    site.enrolUser(inst, user(e.user).id, role(e.role).id, e.timestart, e.timeend, e.suspended ? 1 : 0);
  }
  for (const g of seed.groups) site.groups.insert({ id: g.id, courseid: course(g.course).id, name: g.name, idnumber: g.idnumber, description: g.description });
  for (const c of seed.cohorts) {
    const cat = c.category ? category(c.category) : undefined;
    const row = site.cohorts.insert({ id: c.id, contextlevel: cat ? 'coursecat' : 'system', categoryid: cat?.id ?? 0, name: c.name, idnumber: c.idnumber, description: c.description, descriptionformat: 1, visible: c.visible, component: '', theme: '', timecreated: now() });
    for (const m of c.members) site.addMember(row.id, user(m).id);
  }
  for (const cs of seed.cohortSyncs) {
    const courseRow = course(cs.course);
    const cohort = site.cohorts.first('idnumber', cs.cohort) ?? fail(`cohort sync on ${cs.course}: unknown cohort ${cs.cohort}`);
    const group = cs.group ? (site.groups.find('course', courseRow.id).find((g) => g.name === cs.group)?.id ?? fail(`unknown group ${cs.group} in ${cs.course}`)) : 0;
    site.addInstance(courseRow.id, cohort.id, role(cs.role).id, group, cs.status, cs.name);
  }
  for (const t of seed.tokens) {
    const functions = t.functions === 'cohortbot' ? [...CORE_SERVICE_FUNCTIONS, ...PLUGIN_FUNCTIONS[s.cohortSyncPlugin]] : t.functions === 'all' ? [...CORE_SERVICE_FUNCTIONS, ...PLUGIN_FUNCTIONS.local_cohortbot, ...PLUGIN_FUNCTIONS.local_ws_enrolcohort] : t.functions;
    site.tokens.insert({ token: t.token, userid: user(t.user).id, functions });
  }
  return site;
}
