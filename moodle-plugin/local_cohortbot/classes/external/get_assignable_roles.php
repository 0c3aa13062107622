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
 * The roles a given user may assign in a course (no core web service lists them).
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_assignable_roles extends external_api {
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
     * Roles assignable by both the token user and the teacher.
     *
     * @param int $courseid
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $courseid, int $onbehalfof = 0): array {
        global $DB, $USER;
        $p = self::validate_parameters(self::execute_parameters(), compact('courseid', 'onbehalfof'));
        $context = sync_manager::course_context($p['courseid'], ['moodle/course:enrolconfig']);
        sync_manager::check_on_behalf($context, $p['onbehalfof'], ['moodle/course:enrolconfig']);
        // check_on_behalf() refused a call without a person: the roles are those both may assign.
        $teacher = $DB->get_record('user', ['id' => $p['onbehalfof']], '*', MUST_EXIST);
        $roles = array_intersect_key(get_assignable_roles($context, ROLENAME_ALIAS, false, $USER),
            get_assignable_roles($context, ROLENAME_ALIAS, false, $teacher));
        $out = [];
        foreach ($roles as $id => $name) {
            $out[] = ['id' => (int)$id, 'shortname' => $DB->get_field('role', 'shortname', ['id' => $id]), 'name' => $name];
        }
        return ['roles' => $out, 'defaultroleid' => (int)get_config('enrol_cohort', 'roleid')];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'roles' => new external_multiple_structure(new external_single_structure([
                'id' => new external_value(PARAM_INT, 'Role id'),
                'shortname' => new external_value(PARAM_ALPHANUMEXT, 'Role shortname'),
                'name' => new external_value(PARAM_TEXT, 'Role name as shown in the course'),
            ])),
            'defaultroleid' => new external_value(PARAM_INT, 'The default role of cohort sync (enrol_cohort/roleid)'),
        ]);
    }
}
