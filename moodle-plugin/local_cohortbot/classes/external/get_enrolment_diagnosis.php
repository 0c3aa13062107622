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

namespace local_cohortbot\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_cohortbot\local\sync_manager;

defined('MOODLE_INTERNAL') || die();

/**
 * A user's enrolments in a course, for the support question "why isn't this student enrolled?".
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_enrolment_diagnosis extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'userid' => new external_value(PARAM_INT, 'User id'),
            'onbehalfof' => new external_value(PARAM_INT,
                'Moodle user id the diagnosis is read for: what that person may know (0: the service account, as before 1.3)',
                VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Every enrolment of the user in the course, the user's cohorts, and whether they can access it.
     *
     * Read for a person (onbehalfof): that person must be able to review enrolments in the course, and
     * learns the user's cohorts only as far as their own role shows cohorts — a teacher, only the cohorts
     * this course syncs; support with moodle/cohort:view in the system context, all of them.
     *
     * @param int $courseid
     * @param int $userid
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $courseid, int $userid, int $onbehalfof = 0): array {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('courseid', 'userid', 'onbehalfof'));
        $context = sync_manager::course_context($p['courseid'], ['moodle/course:enrolconfig', 'moodle/course:enrolreview']);
        $seesallcohorts = true;
        if ($p['onbehalfof'] > 0) {
            sync_manager::check_on_behalf($context, $p['onbehalfof'], ['moodle/course:enrolreview']);
            $seesallcohorts = has_capability('moodle/cohort:view', \context_system::instance(), $p['onbehalfof']);
        }
        $user = $DB->get_record('user', ['id' => $p['userid'], 'deleted' => 0], '*', MUST_EXIST);
        $sql = "SELECT ue.id, ue.status, ue.timestart, ue.timeend, e.id AS instanceid, e.enrol, e.name, e.status AS instancestatus,
                       e.customint1, c.idnumber AS cohortidnumber
                  FROM {user_enrolments} ue
                  JOIN {enrol} e ON e.id = ue.enrolid
             LEFT JOIN {cohort} c ON e.enrol = 'cohort' AND c.id = e.customint1
                 WHERE e.courseid = :courseid AND ue.userid = :userid
              ORDER BY e.sortorder";
        $enrolments = [];
        foreach ($DB->get_records_sql($sql, ['courseid' => $p['courseid'], 'userid' => $user->id]) as $ue) {
            $component = $ue->enrol === 'manual' ? '' : 'enrol_' . $ue->enrol;
            $roles = $DB->get_fieldset_sql("SELECT r.shortname FROM {role_assignments} ra JOIN {role} r ON r.id = ra.roleid
                 WHERE ra.contextid = ? AND ra.userid = ? AND ra.component = ? AND ra.itemid = ?",
                [$context->id, $user->id, $component, $component === '' ? 0 : $ue->instanceid]);
            $enrolments[] = ['instanceid' => (int)$ue->instanceid, 'enrol' => $ue->enrol, 'name' => (string)$ue->name,
                'instancestatus' => (int)$ue->instancestatus, 'status' => (int)$ue->status, 'timestart' => (int)$ue->timestart,
                'timeend' => (int)$ue->timeend, 'roles' => $roles,
                'cohortid' => $ue->enrol === 'cohort' ? (int)$ue->customint1 : 0,
                'cohortidnumber' => $ue->enrol === 'cohort' ? (string)($ue->cohortidnumber ?? '') : ''];
        }
        $synced = $DB->get_fieldset_select('enrol', 'customint1', "courseid = ? AND enrol = 'cohort'", [$p['courseid']]);
        $cohorts = [];
        foreach ($DB->get_records_sql('SELECT c.id, c.idnumber FROM {cohort} c JOIN {cohort_members} cm ON cm.cohortid = c.id
                                        WHERE cm.userid = ? ORDER BY c.idnumber', [$user->id]) as $c) {
            if (!$seesallcohorts && !in_array($c->id, $synced)) {
                continue;
            }
            $cohorts[] = ['cohortid' => (int)$c->id, 'idnumber' => (string)$c->idnumber, 'synced' => in_array($c->id, $synced)];
        }
        $canaccess = !$user->suspended && is_enrolled($context, $user, '', true);
        return ['enrolments' => $enrolments, 'cohorts' => $cohorts, 'canaccess' => $canaccess,
            'usersuspended' => (bool)$user->suspended];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'enrolments' => new external_multiple_structure(new external_single_structure([
                'instanceid' => new external_value(PARAM_INT, 'Enrolment instance id'),
                'enrol' => new external_value(PARAM_ALPHA, 'Enrolment method (manual, cohort, self, ...)'),
                'name' => new external_value(PARAM_TEXT, 'Custom instance name'),
                'instancestatus' => new external_value(PARAM_INT, '0 enabled, 1 disabled'),
                'status' => new external_value(PARAM_INT, '0 active, 1 suspended'),
                'timestart' => new external_value(PARAM_INT, 'Start (0 none)'),
                'timeend' => new external_value(PARAM_INT, 'End (0 none)'),
                'roles' => new external_multiple_structure(new external_value(PARAM_ALPHANUMEXT, 'Role shortname')),
                'cohortid' => new external_value(PARAM_INT, 'The synced cohort of a cohort-sync enrolment (0 otherwise)'),
                'cohortidnumber' => new external_value(PARAM_RAW, 'Its idnumber (empty otherwise)'),
            ])),
            'cohorts' => new external_multiple_structure(new external_single_structure([
                'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
                'idnumber' => new external_value(PARAM_RAW, 'Cohort idnumber'),
                'synced' => new external_value(PARAM_BOOL, 'The course syncs this cohort'),
            ])),
            'canaccess' => new external_value(PARAM_BOOL, 'The user has an active enrolment in an enabled method, within its dates'),
            'usersuspended' => new external_value(PARAM_BOOL, 'The account is suspended'),
        ]);
    }
}
