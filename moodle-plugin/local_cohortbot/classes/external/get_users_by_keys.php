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
 * Local, undeleted accounts whose matched field is one of the values: id, value and suspension only.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_users_by_keys extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'userfield' => new external_value(PARAM_ALPHA, 'username, idnumber or email'),
            'values' => new external_multiple_structure(new external_value(PARAM_RAW, 'A value of that field')),
        ]);
    }

    /**
     * Find them.
     *
     * @param string $userfield
     * @param string[] $values
     * @return array
     */
    public static function execute(string $userfield, array $values): array {
        global $CFG, $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('userfield', 'values'));
        sync_reads::system_context($p['userfield']);
        $field = $p['userfield'];
        // E-mails compare without case, as cohortbot keys them; usernames are stored in lower case.
        $values = array_values(array_unique(array_map(fn($v) => $field === 'email' ? \core_text::strtolower($v) : (string)$v, $p['values'])));
        if (!$values) {
            return ['users' => []];
        }
        [$in, $params] = $DB->get_in_or_equal($values, SQL_PARAMS_NAMED);
        $column = $field === 'email' ? 'LOWER(u.email)' : "u.$field";
        $params['mnethostid'] = $CFG->mnet_localhost_id;
        $rows = $DB->get_records_sql("SELECT u.id AS userid, u.$field AS ukey, u.suspended
                                         FROM {user} u
                                        WHERE $column $in AND u.deleted = 0 AND u.mnethostid = :mnethostid
                                     ORDER BY u.id", $params);
        return ['users' => array_values(array_map(fn($r) => sync_reads::user_key($r, $field), $rows))];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure(['users' => new external_multiple_structure(sync_reads::user_key_structure())]);
    }
}
