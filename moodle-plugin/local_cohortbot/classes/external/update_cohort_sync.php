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
 * Changes the role, group, status or name of a cohort sync (never its cohort).
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class update_cohort_sync extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'instanceid' => new external_value(PARAM_INT, 'Enrolment instance id'),
            // VALUE_DEFAULT null, not VALUE_OPTIONAL: Moodle calls execute() with the values in order,
            // so a missing optional key would shift every later argument.
            'roleid' => new external_value(PARAM_INT, 'New role id', VALUE_DEFAULT, null, NULL_ALLOWED),
            'groupid' => new external_value(PARAM_INT, 'New group: 0 none, -1 new, or a group id', VALUE_DEFAULT, null, NULL_ALLOWED),
            'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled', VALUE_DEFAULT, null, NULL_ALLOWED),
            'name' => new external_value(PARAM_TEXT, 'Custom instance name', VALUE_DEFAULT, null, NULL_ALLOWED),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Update the instance. A status-only change goes through update_status(); anything else merges
     * into the full record and goes through update_instance(), which syncs the course.
     *
     * @param int $instanceid
     * @param int|null $roleid
     * @param int|null $groupid
     * @param int|null $status
     * @param string|null $name
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $instanceid, ?int $roleid = null, ?int $groupid = null, ?int $status = null,
            ?string $name = null, int $onbehalfof = 0): array {
        global $DB, $USER;
        $args = ['instanceid' => $instanceid, 'onbehalfof' => $onbehalfof];
        foreach (['roleid' => $roleid, 'groupid' => $groupid, 'status' => $status, 'name' => $name] as $k => $v) {
            if ($v !== null) {
                $args[$k] = $v;
            }
        }
        $p = self::validate_parameters(self::execute_parameters(), $args);
        $caps = sync_manager::WRITE_CAPS;
        if (($p['groupid'] ?? null) == sync_manager::CREATE_GROUP) {
            $caps[] = 'moodle/course:managegroups';
        }
        [$instance, $context] = sync_manager::cohort_instance($p['instanceid'], $p['onbehalfof'], $caps);
        if (isset($p['status']) && !in_array($p['status'], [ENROL_INSTANCE_ENABLED, ENROL_INSTANCE_DISABLED])) {
            throw new \invalid_parameter_exception('status must be 0 (enabled) or 1 (disabled)');
        }
        if (isset($p['roleid']) && $p['roleid'] > 0 && !$DB->record_exists('role', ['id' => $p['roleid']])) {
            throw new \moodle_exception('rolenotfound', 'local_cohortbot');
        }
        $users = [(int)$USER->id, $p['onbehalfof']];
        sync_manager::check_targets($context, $users, null, $p['roleid'] ?? null, $p['groupid'] ?? null);
        if (isset($p['roleid']) && $p['roleid'] != $instance->roleid && $DB->record_exists_select('enrol',
                "courseid = ? AND enrol = 'cohort' AND customint1 = ? AND roleid = ? AND id <> ?",
                [$instance->courseid, $instance->customint1, $p['roleid'], $instance->id])) {
            throw new \moodle_exception('instanceexists', 'local_cohortbot');
        }
        $plugin = enrol_get_plugin('cohort');
        $transaction = $DB->start_delegated_transaction();
        if (!isset($p['roleid']) && !isset($p['groupid']) && !isset($p['name']) && isset($p['status'])) {
            $plugin->update_status($instance, $p['status']);
        } else {
            $data = (object)[
                'roleid' => $p['roleid'] ?? $instance->roleid,
                'customint1' => $instance->customint1,
                'customint2' => $p['groupid'] ?? $instance->customint2,
                'status' => $p['status'] ?? $instance->status,
                'name' => $p['name'] ?? $instance->name,
            ];
            $plugin->update_instance($instance, $data);
        }
        $instance = $DB->get_record('enrol', ['id' => $instance->id], '*', MUST_EXIST);
        sync_manager::log($context, (int)$instance->id, 'updated', $p['onbehalfof']);
        $transaction->allow_commit();
        return ['id' => (int)$instance->id, 'groupid' => (int)$instance->customint2];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'id' => new external_value(PARAM_INT, 'Enrolment instance id'),
            'groupid' => new external_value(PARAM_INT, 'Group id after the change'),
        ]);
    }
}
