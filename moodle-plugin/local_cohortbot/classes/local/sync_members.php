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

defined('MOODLE_INTERNAL') || die();

/**
 * Cohort membership in bulk, with what core_cohort_add_cohort_members and core_cohort_delete_cohort_members
 * check and do — the same rights, the same events (so enrol_cohort reacts as for core) — but each rule
 * applied once per call rather than once per member: one query for the cohorts, one for the accounts,
 * one for the memberships, one insert or delete per cohort. Every refused member is a warning naming it.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class sync_members {
    /**
     * Add or remove members.
     *
     * @param array $members of ['cohortid' => int, 'userid' => int]
     * @param bool $add true to add, false to remove
     * @param int $onbehalfof a person's change: their own rights are required too (0: the nightly sync)
     * @return array ['changed' => int, 'warnings' => array]
     */
    public static function apply(array $members, bool $add, int $onbehalfof = 0): array {
        global $CFG, $DB;
        sync_reads::system_context();
        $person = $onbehalfof > 0 ? sync_manager::acting_user($onbehalfof) : null;
        $warnings = [];
        $warn = function (string $code, int $cohortid, int $userid, string $message) use (&$warnings) {
            $warnings[] = ['warningcode' => $code, 'cohortid' => $cohortid, 'userid' => $userid, 'message' => $message];
        };
        if (!$members) {
            return ['changed' => 0, 'warnings' => []];
        }
        $cohortids = array_values(array_unique(array_map(fn($m) => (int)$m['cohortid'], $members)));
        $userids = array_values(array_unique(array_map(fn($m) => (int)$m['userid'], $members)));
        $cohorts = $DB->get_records_list('cohort', 'id', $cohortids);
        // The rights of core's functions, in each cohort's context, once per context.
        $checked = [];
        foreach ($cohorts as $cohort) {
            if (isset($checked[$cohort->contextid])) {
                continue;
            }
            $context = context::instance_by_id($cohort->contextid, MUST_EXIST);
            if ($context->contextlevel != CONTEXT_COURSECAT && $context->contextlevel != CONTEXT_SYSTEM) {
                throw new \invalid_parameter_exception('Invalid context');
            }
            if (!has_any_capability(['moodle/cohort:manage', 'moodle/cohort:assign'], $context)) {
                throw new \required_capability_exception($context, 'moodle/cohort:assign', 'nopermissions', '');
            }
            $checked[$cohort->contextid] = $context;
        }
        if ($person && count($cohorts) < count($cohortids)) {
            throw new \moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
        if ($person) {
            // What cohort/assign.php asks of the person, cohort by cohort: never the service account's rights for them.
            foreach ($cohorts as $cohort) {
                sync_manager::check_cohort_on_behalf($cohort, (int)$person->id);
            }
        }
        [$uin, $uparams] = $DB->get_in_or_equal($userids, SQL_PARAMS_NAMED, 'u');
        $live = array_flip($DB->get_fieldset_select('user', 'id', "id $uin AND deleted = 0 AND mnethostid = :mnethostid",
            $uparams + ['mnethostid' => $CFG->mnet_localhost_id]));
        [$cin, $cparams] = $DB->get_in_or_equal($cohortids, SQL_PARAMS_NAMED, 'c');
        $existing = [];
        $rs = $DB->get_recordset_select('cohort_members', "cohortid $cin AND userid $uin", $cparams + $uparams, '', 'id, cohortid, userid');
        foreach ($rs as $r) {
            $existing[$r->cohortid . ':' . $r->userid] = true;
        }
        $rs->close();

        $todo = [];
        foreach ($members as $m) {
            [$c, $u] = [(int)$m['cohortid'], (int)$m['userid']];
            $k = "$c:$u";
            if (!isset($cohorts[$c])) {
                $warn('2', $c, $u, "cohort id=$c not exists");
            } else if (!isset($live[$u])) {
                $warn('2', $c, $u, "user id=$u not exists");
            } else if ($add && isset($existing[$k])) {
                $warn('3', $c, $u, "record already exists: cohort(id=$c id=$u)");
            } else if (!$add && !isset($existing[$k])) {
                $warn('3', $c, $u, "not a member: cohort(id=$c id=$u)");
            } else if (!isset($todo[$k])) {
                $todo[$k] = [$c, $u];
            }
        }
        $transaction = $DB->start_delegated_transaction();
        $bycohort = [];
        foreach ($todo as [$c, $u]) {
            $bycohort[$c][] = $u;
        }
        $now = time();
        foreach ($bycohort as $c => $users) {
            if ($add) {
                $DB->insert_records('cohort_members', array_map(fn($u) => (object)['cohortid' => $c, 'userid' => $u, 'timeadded' => $now], $users));
            } else {
                [$in, $params] = $DB->get_in_or_equal($users, SQL_PARAMS_NAMED);
                $DB->delete_records_select('cohort_members', "cohortid = :cohortid AND userid $in", $params + ['cohortid' => $c]);
            }
            // The events cohort_add_member() and cohort_remove_member() trigger, one per member.
            $context = $checked[$cohorts[$c]->contextid];
            foreach ($users as $u) {
                $event = $add ? \core\event\cohort_member_added::create(['context' => $context, 'objectid' => $c, 'relateduserid' => $u])
                    : \core\event\cohort_member_removed::create(['context' => $context, 'objectid' => $c, 'relateduserid' => $u]);
                $event->add_record_snapshot('cohort', $cohorts[$c]);
                $event->trigger();
            }
        }
        $transaction->allow_commit();
        return ['changed' => count($todo), 'warnings' => $warnings];
    }

    /**
     * The warnings: which member, and why (2: no such cohort or user; 3: already a member, or not one).
     *
     * @param string $count the name of the count
     * @return \core_external\external_single_structure
     */
    public static function returns(string $count): \core_external\external_single_structure {
        return new \core_external\external_single_structure([
            $count => new \core_external\external_value(PARAM_INT, 'Members changed'),
            'warnings' => new \core_external\external_multiple_structure(new \core_external\external_single_structure([
                'warningcode' => new \core_external\external_value(PARAM_ALPHANUM, '2: no such cohort or user; 3: already a member, or not a member'),
                'cohortid' => new \core_external\external_value(PARAM_INT, 'Cohort id'),
                'userid' => new \core_external\external_value(PARAM_INT, 'User id'),
                'message' => new \core_external\external_value(PARAM_RAW, 'What happened'),
            ])),
        ]);
    }
}
