<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cohortbot\local;

use context;
use context_course;
use context_system;
use moodle_exception;
use stdClass;

defined('MOODLE_INTERNAL') || die();

require_once($CFG->dirroot . '/cohort/lib.php');
require_once($CFG->dirroot . '/enrol/cohort/locallib.php');
require_once($CFG->dirroot . '/group/lib.php');

/**
 * The permission model shared by every function (README, "What the plugin checks").
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class sync_manager {
    /** enrol_cohort's COHORT_CREATE_GROUP: a new group named after the cohort. */
    const CREATE_GROUP = -1;

    /** Capabilities needed to change cohort syncs in a course. */
    const WRITE_CAPS = ['moodle/course:enrolconfig', 'enrol/cohort:config'];

    /**
     * Steps 1, 2 and 5: the course context, the service account's capabilities, the plugin enabled.
     *
     * @param int $courseid
     * @param string[] $caps
     * @return context_course
     */
    public static function course_context(int $courseid, array $caps): context_course {
        if ($courseid == SITEID) {
            throw new \invalid_parameter_exception('The site course cannot be used');
        }
        $context = context_course::instance($courseid, MUST_EXIST);
        \core_external\external_api::validate_context($context);
        require_capability('local/cohortbot:use', context_system::instance());
        foreach ($caps as $cap) {
            require_capability($cap, $context);
        }
        if (!enrol_is_enabled('cohort')) {
            throw new moodle_exception('plugindisabled', 'local_cohortbot');
        }
        return $context;
    }

    /**
     * Step 3a: the person the request is made for. Required: without one the call would run with the
     * service account's rights. A suspended, deleted or no-login account does not act.
     *
     * @param int $onbehalfof
     * @return stdClass the user
     */
    public static function acting_user(int $onbehalfof): stdClass {
        if ($onbehalfof <= 0) {
            throw new moodle_exception('onbehalfrequired', 'local_cohortbot');
        }
        $user = \core_user::get_user($onbehalfof);
        if (!$user || $user->deleted || $user->suspended || $user->auth === 'nologin') {
            throw new moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
        return $user;
    }

    /**
     * Step 3b: the same capabilities for the user the bot acts for. Never say whether the course exists.
     *
     * @param context_course $context
     * @param int $onbehalfof
     * @param string[] $caps
     */
    public static function check_on_behalf(context_course $context, int $onbehalfof, array $caps): void {
        self::acting_user($onbehalfof);
        foreach ($caps as $cap) {
            if (!has_capability($cap, $context, $onbehalfof)) {
                throw new moodle_exception('onbehalfnopermission', 'local_cohortbot');
            }
        }
        self::require_participant($context, $onbehalfof);
    }

    /**
     * What require_login($course) asks of the person: an active participant — an active enrolment,
     * within its dates, in an enabled method — or a role that may view the course without enrolment
     * (moodle/course:view); and a visible course, unless they may see hidden ones. Moodle keeps role
     * assignments when an enrolment is suspended or ends, so capabilities alone are not enough.
     *
     * @param context_course $context
     * @param int $userid
     */
    public static function require_participant(context_course $context, int $userid): void {
        if (is_siteadmin($userid)) {
            return;
        }
        if (!has_capability('moodle/course:view', $context, $userid) && !is_enrolled($context, $userid, '', true)) {
            throw new moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
        $course = get_course($context->instanceid);
        if (!$course->visible && !has_capability('moodle/course:viewhiddencourses', $context, $userid)) {
            throw new moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
    }

    /**
     * What Moodle's cohort pages ask of a person changing a cohort's members (cohort/assign.php):
     * moodle/cohort:assign (or :manage) in the cohort's context, a cohort they may see (a hidden one
     * needs moodle/cohort:view), and no cohort a plugin owns. One refusal for every case, so a person
     * without rights learns nothing about the cohort.
     *
     * @param stdClass $cohort
     * @param int $userid
     */
    public static function check_cohort_on_behalf(stdClass $cohort, int $userid): void {
        $context = context::instance_by_id($cohort->contextid, MUST_EXIST);
        $may = has_any_capability(['moodle/cohort:manage', 'moodle/cohort:assign'], $context, $userid)
            && ($cohort->visible || has_capability('moodle/cohort:view', $context, $userid))
            && empty($cohort->component);
        if (!$may) {
            throw new moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
    }

    /**
     * A cohort-sync instance, only once the acting user's rights in its course are proven: a caller
     * without rights learns nothing about an instance id (missing, another course's, another method).
     *
     * @param int $instanceid
     * @param int $onbehalfof
     * @param string[] $caps
     * @return array [stdClass $instance, context_course $context]
     */
    public static function cohort_instance(int $instanceid, int $onbehalfof, array $caps): array {
        global $DB;
        self::acting_user($onbehalfof);
        $instance = $DB->get_record('enrol', ['id' => $instanceid]);
        if (!$instance) {
            throw new moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
        $context = self::course_context((int)$instance->courseid, $caps);
        self::check_on_behalf($context, $onbehalfof, $caps);
        if ($instance->enrol !== 'cohort') {
            throw new moodle_exception('notcohortinstance', 'local_cohortbot');
        }
        return [$instance, $context];
    }

    /**
     * The cohort, by id or idnumber (exactly one).
     *
     * @param int $cohortid
     * @param string $cohortidnumber
     * @return stdClass
     */
    public static function resolve_cohort(int $cohortid, string $cohortidnumber): stdClass {
        global $DB;
        if (($cohortid > 0) === ($cohortidnumber !== '')) {
            throw new moodle_exception('ambiguousparams', 'local_cohortbot');
        }
        $cohort = $cohortid > 0 ? $DB->get_record('cohort', ['id' => $cohortid]) : $DB->get_record('cohort', ['idnumber' => $cohortidnumber]);
        if (!$cohort) {
            throw new moodle_exception('cohortnotfound', 'local_cohortbot');
        }
        return $cohort;
    }

    /**
     * The role, by id or shortname; neither means the plugin's default role (enrol_cohort/roleid).
     *
     * @param int $roleid
     * @param string $shortname
     * @return stdClass
     */
    public static function resolve_role(int $roleid, string $shortname): stdClass {
        global $DB;
        if ($roleid > 0 && $shortname !== '') {
            throw new moodle_exception('ambiguousparams', 'local_cohortbot');
        }
        if ($roleid > 0) {
            $role = $DB->get_record('role', ['id' => $roleid]);
        } else if ($shortname !== '') {
            $role = $DB->get_record('role', ['shortname' => $shortname]);
        } else {
            $role = $DB->get_record('role', ['id' => (int)get_config('enrol_cohort', 'roleid')]);
        }
        if (!$role) {
            throw new moodle_exception('rolenotfound', 'local_cohortbot');
        }
        return $role;
    }

    /**
     * cohort_get_available_cohorts() for any user: cohorts of the course's parent contexts, hidden
     * ones only where that user has moodle/cohort:view (the core function only looks at $USER).
     *
     * @param context_course $context
     * @param int $userid
     * @param string $search
     * @param int $limit 0 = all
     * @return stdClass[] cohorts with a membercount field, ordered by name then idnumber
     */
    public static function available_cohorts(context_course $context, int $userid, string $search = '', int $limit = 0): array {
        global $DB;
        $parents = $context->get_parent_context_ids();
        if (!$parents) {
            return [];
        }
        $visible = [];
        $hidden = [];
        foreach ($parents as $ctxid) {
            if (has_capability('moodle/cohort:view', context::instance_by_id($ctxid), $userid)) {
                $hidden[] = $ctxid;
            } else {
                $visible[] = $ctxid;
            }
        }
        $where = [];
        $params = [];
        if ($hidden) {
            [$in, $p] = $DB->get_in_or_equal($hidden, SQL_PARAMS_NAMED, 'h');
            $where[] = "c.contextid $in";
            $params += $p;
        }
        if ($visible) {
            [$in, $p] = $DB->get_in_or_equal($visible, SQL_PARAMS_NAMED, 'v');
            $where[] = "(c.contextid $in AND c.visible = 1)";
            $params += $p;
        }
        $sql = '(' . implode(' OR ', $where) . ')';
        if ($search !== '') {
            $sql .= ' AND (' . $DB->sql_like('c.name', ':s1', false) . ' OR ' . $DB->sql_like('c.idnumber', ':s2', false)
                . ' OR ' . $DB->sql_like('c.description', ':s3', false) . ')';
            $like = '%' . $DB->sql_like_escape($search) . '%';
            $params += ['s1' => $like, 's2' => $like, 's3' => $like];
        }
        $fields = 'c.id, c.idnumber, c.name, c.visible, c.contextid, (SELECT COUNT(1) FROM {cohort_members} cm WHERE cm.cohortid = c.id) AS membercount';
        return array_values($DB->get_records_sql("SELECT $fields FROM {cohort} c WHERE $sql ORDER BY c.name, c.idnumber", $params, 0, $limit));
    }

    /**
     * Step 4: the cohort is available to the course, the role is assignable, the group is the course's,
     * for every user concerned (the token user, and the teacher when given).
     *
     * @param context_course $context
     * @param int[] $userids
     * @param int|null $cohortid
     * @param int|null $roleid
     * @param int|null $groupid
     */
    public static function check_targets(context_course $context, array $userids, ?int $cohortid, ?int $roleid, ?int $groupid): void {
        global $DB;
        foreach ($userids as $userid) {
            if ($cohortid !== null) {
                $ids = array_map(fn($c) => (int)$c->id, self::available_cohorts($context, $userid));
                if (!in_array($cohortid, $ids, true)) {
                    throw new moodle_exception('cohortnotavailable', 'local_cohortbot');
                }
            }
            if ($roleid !== null && $roleid > 0) {
                $user = $DB->get_record('user', ['id' => $userid]);
                if (!array_key_exists($roleid, get_assignable_roles($context, ROLENAME_ALIAS, false, $user))) {
                    throw new moodle_exception('rolenotassignable', 'local_cohortbot');
                }
            }
        }
        if ($groupid !== null && $groupid > 0) {
            if (!$DB->record_exists('groups', ['id' => $groupid, 'courseid' => $context->instanceid])) {
                throw new moodle_exception('groupnotincourse', 'local_cohortbot');
            }
        }
    }

    /**
     * A cohort-sync instance of a course, for an export.
     *
     * @param stdClass $instance
     * @return array
     */
    public static function export_instance(stdClass $instance): array {
        global $DB;
        $cohort = $DB->get_record('cohort', ['id' => $instance->customint1]);
        $role = $instance->roleid ? $DB->get_record('role', ['id' => $instance->roleid]) : null;
        $group = $instance->customint2 > 0 ? $DB->get_record('groups', ['id' => $instance->customint2]) : null;
        return [
            'id' => (int)$instance->id,
            'cohortid' => (int)$instance->customint1,
            'cohortidnumber' => $cohort ? $cohort->idnumber : null,
            'cohortname' => $cohort ? format_string($cohort->name) : null,
            'roleid' => (int)$instance->roleid,
            'rolename' => $role ? role_get_name($role, context_course::instance($instance->courseid), ROLENAME_ALIAS) : '',
            'groupid' => (int)$instance->customint2,
            'groupname' => $group ? format_string($group->name) : '',
            'status' => (int)$instance->status,
            'name' => (string)$instance->name,
            'membercount' => $DB->count_records('user_enrolments', ['enrolid' => $instance->id]),
            'roleshortname' => $role ? $role->shortname : '',
        ] + self::access_counts($instance);
    }

    /**
     * Who this instance makes an active participant, as Moodle counts them (get_enrolled_join with
     * onlyactive): an enabled instance, an active enrolment within its dates, an undeleted account. `onlyaccesscount`: those of them
     * with no other active way in (another method, another synced cohort) — who lose access if it goes.
     *
     * @param stdClass $instance
     * @return array ['activecount' => int, 'onlyaccesscount' => int]
     */
    public static function access_counts(stdClass $instance): array {
        global $DB;
        if ((int)$instance->status !== ENROL_INSTANCE_ENABLED) {
            return ['activecount' => 0, 'onlyaccesscount' => 0];
        }
        $now = time();
        $sql = "FROM {user_enrolments} ue
                JOIN {user} u ON u.id = ue.userid AND u.deleted = 0
               WHERE ue.enrolid = :enrolid AND ue.status = :active
                 AND ue.timestart <= :now1 AND (ue.timeend = 0 OR ue.timeend > :now2)";
        $params = ['enrolid' => $instance->id, 'active' => ENROL_USER_ACTIVE, 'now1' => $now, 'now2' => $now];
        $other = "NOT EXISTS (SELECT 1 FROM {user_enrolments} ue2 JOIN {enrol} e2 ON e2.id = ue2.enrolid
                   WHERE ue2.userid = ue.userid AND e2.courseid = :courseid AND e2.id <> :self
                     AND e2.status = :enabled AND ue2.status = :active2
                     AND ue2.timestart <= :now3 AND (ue2.timeend = 0 OR ue2.timeend > :now4))";
        $more = ['courseid' => $instance->courseid, 'self' => $instance->id, 'enabled' => ENROL_INSTANCE_ENABLED,
            'active2' => ENROL_USER_ACTIVE, 'now3' => $now, 'now4' => $now];
        return [
            'activecount' => $DB->count_records_sql("SELECT COUNT(1) $sql", $params),
            'onlyaccesscount' => $DB->count_records_sql("SELECT COUNT(1) $sql AND $other", $params + $more),
        ];
    }

    /**
     * Step 7: the audit log entry.
     *
     * @param context_course $context
     * @param int $instanceid
     * @param string $action added, updated or deleted
     * @param int $onbehalfof
     */
    public static function log(context_course $context, int $instanceid, string $action, int $onbehalfof): void {
        $event = \local_cohortbot\event\cohort_sync_changed::create([
            'context' => $context,
            'objectid' => $instanceid,
            'relateduserid' => $onbehalfof > 0 ? $onbehalfof : null,
            'other' => ['action' => $action],
        ]);
        $event->trigger();
    }
}
