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
use local_cohortbot\local\sync_reads;

defined('MOODLE_INTERNAL') || die();

/**
 * The cohorts whose idnumber starts with a prefix (the sync's own), with member counts: one query.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_managed_cohorts extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'idnumberprefix' => new external_value(PARAM_RAW, 'The idnumber prefix of the managed cohorts, e.g. etp:'),
        ]);
    }

    /**
     * List them.
     *
     * @param string $idnumberprefix
     * @return array
     */
    public static function execute(string $idnumberprefix): array {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('idnumberprefix'));
        if ($p['idnumberprefix'] === '') {
            throw new \invalid_parameter_exception('idnumberprefix cannot be empty');
        }
        sync_reads::system_context();
        $like = $DB->sql_like('c.idnumber', ':prefix', true, true);
        $rows = $DB->get_records_sql("SELECT c.id, c.idnumber, c.name, c.visible, c.contextid, COUNT(cm.id) AS membercount
                                         FROM {cohort} c
                                    LEFT JOIN {cohort_members} cm ON cm.cohortid = c.id
                                        WHERE $like
                                     GROUP BY c.id, c.idnumber, c.name, c.visible, c.contextid
                                     ORDER BY c.id", ['prefix' => $DB->sql_like_escape($p['idnumberprefix']) . '%']);
        sync_reads::require_cohort_view(array_map(fn($r) => (int)$r->contextid, $rows));
        $cohorts = [];
        foreach ($rows as $r) {
            $cohorts[] = ['id' => (int)$r->id, 'idnumber' => (string)$r->idnumber, 'name' => (string)$r->name,
                'visible' => (bool)$r->visible, 'contextid' => (int)$r->contextid, 'membercount' => (int)$r->membercount];
        }
        return ['cohorts' => $cohorts];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cohorts' => new external_multiple_structure(new external_single_structure([
                'id' => new external_value(PARAM_INT, 'Cohort id'),
                'idnumber' => new external_value(PARAM_RAW, 'Cohort idnumber'),
                'name' => new external_value(PARAM_RAW, 'Cohort name, as stored'),
                'visible' => new external_value(PARAM_BOOL, 'Visible'),
                'contextid' => new external_value(PARAM_INT, 'Context id'),
                'membercount' => new external_value(PARAM_INT, 'Members'),
            ])),
        ]);
    }
}
