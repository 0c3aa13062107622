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
 * The cohorts a course may sync, with member counts, as a given user sees them.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_available_cohorts extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'query' => new external_value(PARAM_RAW, 'Text to find in the name, idnumber or description', VALUE_DEFAULT, ''),
            'limit' => new external_value(PARAM_INT, 'Most cohorts to return', VALUE_DEFAULT, 25),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Search the available cohorts; one more row than the limit tells whether the list was cut.
     *
     * @param int $courseid
     * @param string $query
     * @param int $limit
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $courseid, string $query = '', int $limit = 25, int $onbehalfof = 0): array {
        global $USER;
        $p = self::validate_parameters(self::execute_parameters(), compact('courseid', 'query', 'limit', 'onbehalfof'));
        $context = sync_manager::course_context($p['courseid'], ['moodle/course:enrolconfig']);
        sync_manager::check_on_behalf($context, $p['onbehalfof'], sync_manager::WRITE_CAPS);
        $limit = max(1, min(1000, $p['limit']));
        $viewer = $p['onbehalfof'];
        $rows = sync_manager::available_cohorts($context, $viewer, trim($p['query']), $limit + 1);
        return ['cohorts' => self::export_cohorts($rows, $limit), 'truncated' => count($rows) > $limit];
    }

    /**
     * The first $limit cohorts of available_cohorts() as this function returns them.
     *
     * @param \stdClass[] $rows
     * @param int $limit
     * @return array
     */
    public static function export_cohorts(array $rows, int $limit): array {
        $cohorts = [];
        foreach (array_slice($rows, 0, $limit) as $c) {
            $level = \context::instance_by_id($c->contextid)->contextlevel == CONTEXT_SYSTEM ? 'system' : 'coursecat';
            $cohorts[] = ['id' => (int)$c->id, 'idnumber' => (string)$c->idnumber, 'name' => format_string($c->name),
                'visible' => (bool)$c->visible, 'contextlevel' => $level, 'membercount' => (int)$c->membercount];
        }
        return $cohorts;
    }

    /**
     * One available cohort, as returned.
     *
     * @return external_single_structure
     */
    public static function cohort_structure(): external_single_structure {
        return new external_single_structure([
            'id' => new external_value(PARAM_INT, 'Cohort id'),
            'idnumber' => new external_value(PARAM_RAW, 'Cohort idnumber'),
            'name' => new external_value(PARAM_TEXT, 'Cohort name'),
            'visible' => new external_value(PARAM_BOOL, 'Visible'),
            'contextlevel' => new external_value(PARAM_ALPHA, 'system or coursecat'),
            'membercount' => new external_value(PARAM_INT, 'Members'),
        ]);
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cohorts' => new external_multiple_structure(self::cohort_structure()),
            'truncated' => new external_value(PARAM_BOOL, 'More cohorts match than were returned'),
        ]);
    }
}
