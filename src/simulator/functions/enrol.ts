/** core_enrol_* and enrol_manual_* functions. */
import { DEFAULT, OPTIONAL, WsException, courseContextNotValid, invalidParameter, invalidUser, moodleException, multiple, single, value } from '../desc';
import { ENROL_INSTANCE_ENABLED, ENROL_USER_ACTIVE, ENROL_USER_SUSPENDED, Site, UserRow } from '../model';
import { courseSortorder } from './course';
import { userIdentity, userPictureUrls } from './user';
import { CORE_VERSION, ENROL_MANUAL_VERSION, WsFunction, define } from './types';

const enrolledUserOut = single({
  id: value('int'),
  username: value('raw', OPTIONAL),
  firstname: value('text', OPTIONAL),
  lastname: value('text', OPTIONAL),
  fullname: value('text'),
  email: value('text', OPTIONAL),
  department: value('text', OPTIONAL),
  idnumber: value('raw', OPTIONAL),
  firstaccess: value('int', OPTIONAL),
  lastaccess: value('int', OPTIONAL),
  lastcourseaccess: value('int', OPTIONAL),
  profileimageurlsmall: value('text', OPTIONAL),
  profileimageurl: value('text', OPTIONAL),
  groups: multiple(single({ id: value('int'), name: value('raw'), description: value('raw'), descriptionformat: value('int') }), OPTIONAL),
  roles: multiple(single({ roleid: value('int'), name: value('raw'), shortname: value('alpha'), sortorder: value('int') }), OPTIONAL),
  enrolledcourses: multiple(single({ id: value('int'), fullname: value('raw'), shortname: value('raw') }), OPTIONAL),
});

/**
 * enrol_get_users_courses($userid, true), lib/enrollib.php of Moodle 4.5 and 5.1 alike — what both
 * core_enrol_get_users_courses and a user's `enrolledcourses` list: the courses where the user has at
 * least one ACTIVE enrolment (an enabled instance, an active user enrolment, ue.timestart < now, ue.timeend
 * 0 or > now: enrol_get_all_users_courses' onlyactive SQL), a hidden course only when the user holds
 * moodle/course:viewhiddencourses there. A suspended, ended or not yet started enrolment, or one in a
 * disabled method, is never listed: who wants those asks for the user's enrolments in the course.
 * (4.5 compares with time() rounded to 100 s, "improves db caching"; 5.1 with the clock: the clock here.)
 */
function userCourses(site: Site, userId: number) {
  const now = site.now();
  const courseIds = new Set(
    site.userEnrolments
      .find('user', userId)
      .filter((ue) => ue.status === ENROL_USER_ACTIVE && ue.timestart < now && (ue.timeend === 0 || ue.timeend > now))
      .map((ue) => site.enrol.get(ue.enrolid))
      .filter((inst) => inst?.status === ENROL_INSTANCE_ENABLED)
      .map((inst) => inst!.courseid),
  );
  return [...courseIds]
    .map((id) => site.courses.get(id))
    .filter((c) => c !== undefined)
    .filter((c) => c!.visible || site.hasCapability('moodle/course:viewhiddencourses', { level: 'course', instanceid: c!.id }, userId))
    .sort((a, b) => Number(b!.visible) - Number(a!.visible) || courseSortorder(site, a!) - courseSortorder(site, b!))
    .map((c) => c!);
}

export function enrolFunctions(wwwroot: () => string): WsFunction[] {
  return [
    // Who holds a capability in a course, among its enrolled users (get_enrolled_sql): what cohortbot
    // asks on sites whose cohort-sync plugin checks nobody's rights (local_ws_enrolcohort).
    define({
      name: 'core_enrol_get_enrolled_users_with_capability',
      version: CORE_VERSION,
      params: {
        coursecapabilities: multiple(single({ courseid: value('int'), capabilities: multiple(value('capability')) })),
        options: multiple(single({ name: value('alphanumext'), value: value('raw') }), DEFAULT([])),
      },
      returns: multiple(single({ courseid: value('int'), capability: value('capability'), users: multiple(enrolledUserOut) })),
      execute(site, caller, args: { coursecapabilities: Array<{ courseid: number; capabilities: string[] }>; options: Array<{ name: string; value: string }> }) {
        const opt = new Map(args.options.map((o) => [o.name, o.value]));
        const onlyactive = opt.get('onlyactive') === '1';
        const out = [];
        for (const cc of args.coursecapabilities) {
          const ctx = site.courseContext(cc.courseid);
          if (!site.canAccessCourse(cc.courseid, caller.id)) throw courseContextNotValid(cc.courseid);
          site.requireCapability('moodle/course:viewparticipants', ctx, caller.id);
          if (onlyactive) site.requireCapability('moodle/course:enrolreview', ctx, caller.id);
          // To see the permissions of others, moodle/role:review (enrol/externallib.php).
          site.requireCapability('moodle/role:review', ctx, caller.id);
          const enrolled = new Set<number>();
          for (const inst of site.enrol.find('course', cc.courseid)) for (const ue of site.userEnrolments.find('enrol', inst.id)) enrolled.add(ue.userid);
          for (const capability of cc.capabilities) {
            const users = [...enrolled]
              .map((id) => site.liveUser(id))
              .filter((u): u is UserRow => u !== undefined)
              .filter((u) => (!onlyactive || site.isActiveParticipant(cc.courseid, u.id)) && site.hasCapability(capability, ctx, u.id))
              .sort((a, b) => a.id - b.id);
            out.push({ courseid: cc.courseid, capability, users: users.map((u) => ({ ...userIdentity(site, u), ...userPictureUrls(site, wwwroot()) })) });
          }
        }
        return out;
      },
    }),
    define({
      name: 'core_enrol_get_enrolled_users',
      version: CORE_VERSION,
      params: { courseid: value('int'), options: multiple(single({ name: value('alphanumext'), value: value('raw') }), DEFAULT([])) },
      returns: multiple(enrolledUserOut),
      execute(site, caller, args: { courseid: number; options: Array<{ name: string; value: string }> }) {
        const ctx = site.courseContext(args.courseid);
        if (!site.canAccessCourse(args.courseid, caller.id)) throw courseContextNotValid(args.courseid);
        site.requireCapability('moodle/course:viewparticipants', ctx, caller.id);
        const opt = new Map(args.options.map((o) => [o.name, o.value]));
        for (const name of opt.keys()) {
          if (!['withcapability', 'groupid', 'onlyactive', 'onlysuspended', 'userfields', 'limitfrom', 'limitnumber', 'sortby', 'sortdirection'].includes(name)) {
            throw invalidParameter(`Invalid option name: ${name}`);
          }
        }
        const instances = site.enrol.find('course', args.courseid);
        const ids = new Set<number>();
        for (const inst of instances) for (const ue of site.userEnrolments.find('enrol', inst.id)) ids.add(ue.userid);
        let users = [...ids].map((id) => site.liveUser(id)).filter((u): u is UserRow => u !== undefined);
        if (opt.get('onlyactive') === '1') users = users.filter((u) => site.isActiveParticipant(args.courseid, u.id));
        if (opt.get('onlysuspended') === '1') users = users.filter((u) => !site.isActiveParticipant(args.courseid, u.id));
        const cap = opt.get('withcapability');
        if (cap) users = users.filter((u) => site.hasCapability(cap, ctx, u.id));
        const groupId = Number(opt.get('groupid') ?? 0);
        if (groupId > 0) users = users.filter((u) => site.groupMembers.find('group', groupId).some((gm) => gm.userid === u.id));
        users.sort((a, b) => a.id - b.id);
        const from = Number(opt.get('limitfrom') ?? 0);
        const num = Number(opt.get('limitnumber') ?? 0);
        if (from > 0 || num > 0) users = users.slice(from, num > 0 ? from + num : undefined);
        const courseGroups = new Map(site.groups.find('course', args.courseid).map((g) => [g.id, g]));
        return users.map((u) => {
          const groups = site.groupMembers
            .find('user', u.id)
            .map((gm) => courseGroups.get(gm.groupid))
            .filter((g) => g !== undefined)
            .map((g) => ({ id: g!.id, name: g!.name, description: g!.description, descriptionformat: 1 }));
          const roleIds = [...new Set(site.roleAssignments.find('user', u.id).filter((ra) => ra.contextlevel === 'course' && ra.instanceid === args.courseid).map((ra) => ra.roleid))];
          const mine = userCourses(site, u.id);
          return {
            ...userIdentity(site, u),
            lastcourseaccess: 0,
            ...userPictureUrls(site, wwwroot()),
            ...(groups.length > 0 ? { groups } : {}),
            roles: roleIds.map((id) => site.roles.get(id)!).map((r) => ({ roleid: r.id, name: r.name, shortname: r.shortname, sortorder: 0 })),
            // user_get_user_details: `if ($mycourses = enrol_get_users_courses($user->id, true))` — no active course, no key.
            ...(mine.length ? { enrolledcourses: mine.map((c) => ({ id: c.id, fullname: c.fullname, shortname: c.shortname })) } : {}),
          };
        });
      },
    }),

    define({
      name: 'core_enrol_get_course_enrolment_methods',
      version: CORE_VERSION,
      params: { courseid: value('int') },
      returns: multiple(single({ id: value('int'), courseid: value('int'), type: value('text'), name: value('raw'), status: value('raw'), wsfunction: value('alpha', OPTIONAL) })),
      execute(site, _caller, args: { courseid: number }) {
        site.requireCourse(args.courseid);
        // Only plugins implementing get_enrol_info() appear: never manual, never cohort (reference §0.12).
        return site.enrol
          .find('course', args.courseid)
          .filter((i) => (i.enrol === 'self' || i.enrol === 'guest') && i.status === 0)
          .map((i) => ({ id: i.id, courseid: i.courseid, type: i.enrol, name: i.name || (i.enrol === 'self' ? 'Self enrolment (Student)' : 'Guest access'), status: true, wsfunction: i.enrol === 'self' ? 'enrol_self_get_instance_info' : 'enrol_guest_get_instance_info' }));
      },
    }),

    define({
      name: 'core_enrol_get_users_courses',
      version: CORE_VERSION,
      params: { userid: value('int'), returnusercount: value('bool', DEFAULT(true)) },
      returns: multiple(single({ id: value('int'), shortname: value('raw'), fullname: value('raw'), displayname: value('raw', OPTIONAL), idnumber: value('raw'), visible: value('int'), category: value('int', OPTIONAL), startdate: value('int', OPTIONAL), enddate: value('int', OPTIONAL) })),
      execute(site, caller, args: { userid: number }) {
        if (!site.liveUser(args.userid)) throw invalidUser();
        // Then, per course, as enrol/externallib.php: a course the caller cannot enter (validate_context) is
        // left out, and so is one whose participants they may not see when the user is someone else.
        const sameUser = caller.id === args.userid;
        const visibleToCaller = (courseId: number) =>
          site.canAccessCourse(courseId, caller.id) && (sameUser || ['moodle/course:viewparticipants', 'moodle/course:enrolreview'].some((cap) => site.hasCapability(cap, { level: 'course', instanceid: courseId }, caller.id)));
        return userCourses(site, args.userid).filter((c) => visibleToCaller(c.id)).map((c) => ({ id: c.id, shortname: c.shortname, fullname: c.fullname, displayname: c.fullname, idnumber: c.idnumber, visible: c.visible ? 1 : 0, category: c.categoryid, startdate: c.startdate, enddate: c.enddate }));
      },
    }),

    define({
      name: 'enrol_manual_enrol_users',
      version: ENROL_MANUAL_VERSION,
      params: { enrolments: multiple(single({ roleid: value('int'), userid: value('int'), courseid: value('int'), timestart: value('int', OPTIONAL), timeend: value('int', OPTIONAL), suspend: value('int', OPTIONAL) })) },
      returns: null,
      execute(site, caller, args: { enrolments: Array<{ roleid: number; userid: number; courseid: number; timestart?: number; timeend?: number; suspend?: number }> }) {
        for (const e of args.enrolments) {
          const ctx = site.courseContext(e.courseid);
          site.requireCapability('enrol/manual:enrol', ctx, caller.id);
          if (!site.assignableRoles(ctx, caller.id).some((r) => r.id === e.roleid)) {
            throw moodleException('wsusercannotassign', `You don't have the permission to assign this role (${e.roleid}) to this user (${e.userid}) in this course(${e.courseid}).`);
          }
          const inst = site.enrol.find('course', e.courseid).find((i) => i.enrol === 'manual');
          if (!inst) throw moodleException('wsnoinstance', `Manual enrolment plugin instance doesn't exist or is disabled for the course (id = ${e.courseid})`);
          if (!site.liveUser(e.userid)) throw invalidUser();
          site.enrolUser(inst, e.userid, e.roleid, e.timestart ?? 0, e.timeend ?? 0, e.suspend ? ENROL_USER_SUSPENDED : ENROL_USER_ACTIVE);
        }
        return null;
      },
    }),

    define({
      name: 'enrol_manual_unenrol_users',
      version: ENROL_MANUAL_VERSION,
      params: { enrolments: multiple(single({ userid: value('int'), courseid: value('int'), roleid: value('int', OPTIONAL) })) },
      returns: null,
      execute(site, caller, args: { enrolments: Array<{ userid: number; courseid: number }> }) {
        for (const e of args.enrolments) {
          const ctx = site.courseContext(e.courseid);
          site.requireCapability('enrol/manual:unenrol', ctx, caller.id);
          const inst = site.enrol.find('course', e.courseid).find((i) => i.enrol === 'manual');
          if (!inst) throw moodleException('wsnoinstance', `Manual enrolment plugin instance doesn't exist or is disabled for the course (id = ${e.courseid})`);
          if (!site.liveUser(e.userid)) throw invalidUser();
          site.unenrolUser(inst, e.userid);
        }
        return null;
      },
    }),
  ];
}

export const groupFunctions: WsFunction[] = [
  define({
    name: 'core_group_get_course_groups',
    version: CORE_VERSION,
    params: { courseid: value('int') },
    returns: multiple(
      single({ id: value('int'), courseid: value('int'), name: value('text'), description: value('raw'), descriptionformat: value('int'), enrolmentkey: value('raw'), idnumber: value('raw'), visibility: value('int', OPTIONAL), participation: value('bool', OPTIONAL) }),
    ),
    execute(site, caller, args: { courseid: number }) {
      const ctx = site.courseContext(args.courseid);
      site.requireCapability('moodle/course:managegroups', ctx, caller.id);
      return site.groups
        .find('course', args.courseid)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((g) => ({ id: g.id, courseid: g.courseid, name: g.name, description: g.description, descriptionformat: 1, enrolmentkey: null, idnumber: g.idnumber, visibility: 0, participation: true }));
    },
  }),

  define({
    name: 'core_group_create_groups',
    version: CORE_VERSION,
    params: {
      groups: multiple(
        single({ courseid: value('int'), name: value('text'), description: value('raw'), descriptionformat: value('int', DEFAULT(1)), enrolmentkey: value('raw', OPTIONAL), idnumber: value('raw', OPTIONAL), visibility: value('int', OPTIONAL), participation: value('bool', OPTIONAL) }),
      ),
    },
    returns: multiple(single({ id: value('int'), courseid: value('int'), name: value('text'), description: value('raw'), descriptionformat: value('int'), enrolmentkey: value('raw'), idnumber: value('raw') })),
    execute(site, caller, args: { groups: Array<{ courseid: number; name: string; description: string; idnumber?: string }> }) {
      return args.groups.map((g) => {
        const ctx = site.courseContext(g.courseid);
        site.requireCapability('moodle/course:managegroups', ctx, caller.id);
        if (site.groups.find('course', g.courseid).some((x) => x.name === g.name)) throw invalidParameter('Group with the same name already exists in the course');
        const row = site.groups.insert({ courseid: g.courseid, name: g.name, idnumber: g.idnumber ?? '', description: g.description });
        return { id: row.id, courseid: row.courseid, name: row.name, description: row.description, descriptionformat: 1, enrolmentkey: null, idnumber: row.idnumber };
      });
    },
  }),
];

export { WsException };
