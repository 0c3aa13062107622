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
 * Deletes a cohort sync enrolment method, and its enrolments with it.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class delete_cohort_sync extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'instanceid' => new external_value(PARAM_INT, 'Enrolment instance id'),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Delete the instance.
     *
     * @param int $instanceid
     * @param int $onbehalfof
     * @return null
     */
    public static function execute(int $instanceid, int $onbehalfof = 0) {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), ['instanceid' => $instanceid, 'onbehalfof' => $onbehalfof]);
        [$instance, $context] = sync_manager::cohort_instance($p['instanceid'], $p['onbehalfof'], sync_manager::WRITE_CAPS);
        $transaction = $DB->start_delegated_transaction();
        enrol_get_plugin('cohort')->delete_instance($instance);
        sync_manager::log($context, (int)$instance->id, 'deleted', $p['onbehalfof']);
        $transaction->allow_commit();
        return null;
    }

    /**
     * Returns nothing.
     *
     * @return null
     */
    public static function execute_returns() {
        return null;
    }
}
