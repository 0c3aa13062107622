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
 * The cohort sync enrolment methods of a course.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_cohort_syncs extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * List the instances.
     *
     * @param int $courseid
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $courseid, int $onbehalfof = 0): array {
        global $DB;
        ['courseid' => $courseid, 'onbehalfof' => $onbehalfof] = self::validate_parameters(self::execute_parameters(),
            ['courseid' => $courseid, 'onbehalfof' => $onbehalfof]);
        $context = sync_manager::course_context($courseid, ['moodle/course:enrolconfig']);
        // What Moodle's own enrolment-methods page asks of the person looking.
        sync_manager::check_on_behalf($context, $onbehalfof, ['moodle/course:enrolreview']);
        $instances = $DB->get_records('enrol', ['courseid' => $courseid, 'enrol' => 'cohort'], 'id');
        return ['instances' => array_values(array_map([sync_manager::class, 'export_instance'], $instances))];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'instances' => new external_multiple_structure(new external_single_structure([
                'id' => new external_value(PARAM_INT, 'Enrolment instance id'),
                'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
                'cohortidnumber' => new external_value(PARAM_RAW, 'Cohort idnumber, null if the cohort was deleted', VALUE_REQUIRED, null, NULL_ALLOWED),
                'cohortname' => new external_value(PARAM_TEXT, 'Cohort name, null if the cohort was deleted', VALUE_REQUIRED, null, NULL_ALLOWED),
                'roleid' => new external_value(PARAM_INT, 'Role given to members (0 none)'),
                'rolename' => new external_value(PARAM_TEXT, 'Role name'),
                'groupid' => new external_value(PARAM_INT, 'Group id (0 none)'),
                'groupname' => new external_value(PARAM_TEXT, 'Group name'),
                'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled'),
                'name' => new external_value(PARAM_TEXT, 'Custom instance name'),
                'membercount' => new external_value(PARAM_INT, 'Users enrolled through this instance, active or not'),
                'roleshortname' => new external_value(PARAM_ALPHANUMEXT, 'Short name of the role given (empty: none)'),
                'activecount' => new external_value(PARAM_INT, 'Users this instance lets into the course now (enabled, active, within dates, live account)'),
                'onlyaccesscount' => new external_value(PARAM_INT, 'Of those, users with no other active way into the course'),
            ])),
        ]);
    }
}
