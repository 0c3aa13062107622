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

namespace local_cohortbot\local;

use context;
use context_system;

defined('MOODLE_INTERNAL') || die();

/**
 * What the sync reads share: the service account's rights, and the matched user field.
 *
 * The sync needs ids, one identifying field and suspension — not the full profile that
 * core_user_get_users_by_field builds for every user (custom fields, preferences, enrolled courses).
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class sync_reads {
    /** The user fields a directory key may be matched against (USER_MATCH). */
    const USER_FIELDS = ['username', 'idnumber', 'email'];

    /**
     * The system context, validated, with the kill switch; and the right to see the matched field.
     *
     * @param string|null $userfield
     * @return context_system
     */
    public static function system_context(?string $userfield = null): context_system {
        $system = context_system::instance();
        \core_external\external_api::validate_context($system);
        require_capability('local/cohortbot:use', $system);
        if ($userfield !== null) {
            if (!in_array($userfield, self::USER_FIELDS, true)) {
                throw new \invalid_parameter_exception('userfield must be one of ' . implode(', ', self::USER_FIELDS));
            }
            // Usernames and idnumbers are details only viewalldetails shows; e-mails are identity fields.
            require_capability($userfield === 'email' ? 'moodle/site:viewuseridentity' : 'moodle/user:viewalldetails', $system);
        }
        return $system;
    }

    /**
     * Cohorts are read with the rights core_cohort_get_cohort_members asks for, once per context.
     *
     * @param int[] $contextids
     */
    public static function require_cohort_view(array $contextids): void {
        foreach (array_unique($contextids) as $contextid) {
            $context = context::instance_by_id($contextid);
            if (!has_any_capability(['moodle/cohort:manage', 'moodle/cohort:view'], $context)) {
                throw new \required_capability_exception($context, 'moodle/cohort:view', 'nopermissions', '');
            }
        }
    }

    /**
     * One account as the sync needs it.
     *
     * @param \stdClass $row with userid, ukey, suspended
     * @param string $userfield
     * @return array
     */
    public static function user_key(\stdClass $row, string $userfield): array {
        $key = (string)$row->ukey;
        return ['id' => (int)$row->userid, 'key' => $userfield === 'email' ? \core_text::strtolower($key) : $key,
            'suspended' => (bool)$row->suspended];
    }

    /**
     * The return structure of one account.
     *
     * @return \core_external\external_single_structure
     */
    public static function user_key_structure(): \core_external\external_single_structure {
        return new \core_external\external_single_structure([
            'id' => new \core_external\external_value(PARAM_INT, 'User id'),
            'key' => new \core_external\external_value(PARAM_RAW, 'The value of the matched field (e-mails in lower case)'),
            'suspended' => new \core_external\external_value(PARAM_BOOL, 'Account suspended'),
        ]);
    }
}
