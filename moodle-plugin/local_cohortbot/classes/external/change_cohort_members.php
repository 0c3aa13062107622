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
use local_cohortbot\local\sync_members;

defined('MOODLE_INTERNAL') || die();

/**
 * What the two bulk membership functions share: their parameter, their work, their return.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
abstract class change_cohort_members extends external_api {
    /** @var bool add (true) or remove (false) */
    const ADD = true;
    /** @var string the name of the count in the reply */
    const COUNT = 'added';

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'members' => new external_multiple_structure(new external_single_structure([
                'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
                'userid' => new external_value(PARAM_INT, 'User id'),
            ])),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id a person\'s change is made for, whose own cohort rights are checked too (0: the nightly sync itself)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Change them.
     *
     * @param array $members
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(array $members, int $onbehalfof = 0): array {
        $p = self::validate_parameters(static::execute_parameters(), compact('members', 'onbehalfof'));
        $r = sync_members::apply($p['members'], static::ADD, $p['onbehalfof']);
        return [static::COUNT => $r['changed'], 'warnings' => $r['warnings']];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return sync_members::returns(static::COUNT);
    }
}
