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
use local_cohortbot\local\sync_reads;

defined('MOODLE_INTERNAL') || die();

/**
 * The members of cohorts with each member's id, matched field and suspension: one query.
 * With `onbehalfof` (1.4.1), a person's read: that person must hold moodle/cohort:view (or :manage)
 * in each cohort's context too, and a cohort they may not see reads as one that does not exist.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_cohort_members extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'cohortids' => new external_multiple_structure(new external_value(PARAM_INT, 'Cohort id')),
            'userfield' => new external_value(PARAM_ALPHA, 'username, idnumber or email'),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id a person\'s read is made for, whose own cohort rights are checked too (0: the nightly sync itself)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Read them.
     *
     * @param int[] $cohortids
     * @param string $userfield
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(array $cohortids, string $userfield, int $onbehalfof = 0): array {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('cohortids', 'userfield', 'onbehalfof'));
        sync_reads::system_context($p['userfield']);
        $person = $p['onbehalfof'] > 0 ? (int)sync_manager::acting_user($p['onbehalfof'])->id : 0;
        $ids = array_values(array_unique(array_map('intval', $p['cohortids'])));
        if (!$ids) {
            return ['cohorts' => [], 'users' => []];
        }
        [$in, $params] = $DB->get_in_or_equal($ids, SQL_PARAMS_NAMED);
        $found = $DB->get_records_select_menu('cohort', "id $in", $params, '', 'id, contextid');
        foreach ($ids as $id) {
            if (!isset($found[$id])) {
                if ($person) {
                    throw new \moodle_exception('onbehalfnopermission', 'local_cohortbot');
                }
                throw new \dml_missing_record_exception('cohort', '', ['id' => $id]);
            }
        }
        sync_reads::require_cohort_view(array_map('intval', array_values($found)));
        if ($person) {
            foreach (array_unique(array_map('intval', array_values($found))) as $contextid) {
                $context = \context::instance_by_id($contextid);
                if (!has_any_capability(['moodle/cohort:manage', 'moodle/cohort:view'], $context, $person)) {
                    throw new \moodle_exception('onbehalfnopermission', 'local_cohortbot');
                }
            }
        }
        $field = $p['userfield'];
        $members = array_fill_keys($ids, []);
        $users = [];
        $rs = $DB->get_recordset_sql("SELECT cm.id, cm.cohortid, u.id AS userid, u.$field AS ukey, u.suspended
                                         FROM {cohort_members} cm
                                         JOIN {user} u ON u.id = cm.userid AND u.deleted = 0
                                        WHERE cm.cohortid $in
                                     ORDER BY cm.cohortid, u.id", $params);
        foreach ($rs as $r) {
            $members[(int)$r->cohortid][] = (int)$r->userid;
            if (!isset($users[(int)$r->userid])) {
                $users[(int)$r->userid] = sync_reads::user_key($r, $field);
            }
        }
        $rs->close();
        $cohorts = [];
        foreach ($members as $id => $userids) {
            $cohorts[] = ['cohortid' => $id, 'userids' => $userids];
        }
        ksort($users);
        return ['cohorts' => $cohorts, 'users' => array_values($users)];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cohorts' => new external_multiple_structure(new external_single_structure([
                'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
                'userids' => new external_multiple_structure(new external_value(PARAM_INT, 'User id')),
            ])),
            'users' => new external_multiple_structure(sync_reads::user_key_structure()),
        ]);
    }
}
