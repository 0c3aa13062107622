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
 * Adds a cohort sync enrolment method to a course, on behalf of a teacher.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class add_cohort_sync extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'cohortid' => new external_value(PARAM_INT, 'Cohort id (or give cohortidnumber)', VALUE_DEFAULT, 0),
            'cohortidnumber' => new external_value(PARAM_RAW, 'Cohort idnumber (or give cohortid)', VALUE_DEFAULT, ''),
            'roleid' => new external_value(PARAM_INT, 'Role id (0 with no shortname: the default role)', VALUE_DEFAULT, 0),
            'roleshortname' => new external_value(PARAM_ALPHANUMEXT, 'Role shortname (or give roleid)', VALUE_DEFAULT, ''),
            'groupid' => new external_value(PARAM_INT, '0 no group, -1 a new group named after the cohort, or a group id', VALUE_DEFAULT, 0),
            'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled', VALUE_DEFAULT, 0),
            'name' => new external_value(PARAM_TEXT, 'Custom instance name', VALUE_DEFAULT, ''),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Add the instance, or return the existing one for the same cohort and role.
     *
     * @param int $courseid
     * @param int $cohortid
     * @param string $cohortidnumber
     * @param int $roleid
     * @param string $roleshortname
     * @param int $groupid
     * @param int $status
     * @param string $name
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $courseid, int $cohortid = 0, string $cohortidnumber = '', int $roleid = 0,
            string $roleshortname = '', int $groupid = 0, int $status = 0, string $name = '', int $onbehalfof = 0): array {
        global $DB, $USER;
        $p = self::validate_parameters(self::execute_parameters(), compact('courseid', 'cohortid', 'cohortidnumber', 'roleid',
            'roleshortname', 'groupid', 'status', 'name', 'onbehalfof'));
        $caps = sync_manager::WRITE_CAPS;
        if ($p['groupid'] == sync_manager::CREATE_GROUP) {
            $caps[] = 'moodle/course:managegroups';
        }
        $context = sync_manager::course_context($p['courseid'], $caps);
        sync_manager::check_on_behalf($context, $p['onbehalfof'], $caps);
        $cohort = sync_manager::resolve_cohort($p['cohortid'], $p['cohortidnumber']);
        $role = sync_manager::resolve_role($p['roleid'], $p['roleshortname']);
        if (!in_array($p['status'], [ENROL_INSTANCE_ENABLED, ENROL_INSTANCE_DISABLED])) {
            throw new \invalid_parameter_exception('status must be 0 (enabled) or 1 (disabled)');
        }
        $users = [(int)$USER->id, $p['onbehalfof']];
        sync_manager::check_targets($context, $users, (int)$cohort->id, (int)$role->id, $p['groupid']);

        // enrol_cohort's add_instance() does not refuse a duplicate cohort and role; the form does. So do we.
        $existing = $DB->get_record('enrol', ['courseid' => $p['courseid'], 'enrol' => 'cohort',
            'customint1' => $cohort->id, 'roleid' => $role->id]);
        if ($existing) {
            return ['id' => (int)$existing->id, 'groupid' => (int)$existing->customint2, 'created' => false];
        }
        $transaction = $DB->start_delegated_transaction();
        $course = get_course($p['courseid']);
        $id = enrol_get_plugin('cohort')->add_instance($course, [
            'customint1' => $cohort->id,
            'roleid' => $role->id,
            'customint2' => $p['groupid'],
            'status' => $p['status'],
            'name' => $p['name'],
        ]);
        $instance = $DB->get_record('enrol', ['id' => $id], '*', MUST_EXIST);
        sync_manager::log($context, (int)$id, 'added', $p['onbehalfof']);
        $transaction->allow_commit();
        return ['id' => (int)$id, 'groupid' => (int)$instance->customint2, 'created' => true];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'id' => new external_value(PARAM_INT, 'Enrolment instance id'),
            'groupid' => new external_value(PARAM_INT, 'Group id (the new group when -1 was asked)'),
            'created' => new external_value(PARAM_BOOL, 'False when the same cohort and role were already synced'),
        ]);
    }
}
