<?php
// This file is part of local_cohortbot - https://moodle.org/
//
// local_cohortbot is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// local_cohortbot is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.

namespace local_cohortbot\external;

use context_course;
use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_cohortbot\local\sync_manager;
use local_cohortbot\local\sync_reads;

defined('MOODLE_INTERNAL') || die();

/**
 * The courses that sync a cohort, with the role each gives: what a person about to change the cohort's
 * members must be shown first (a cohort synced with a teacher role makes its members teachers there).
 * Only for a person who may change the cohort (sync_manager::check_cohort_on_behalf).
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_cohort_courses extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'cohortid' => new external_value(PARAM_INT, 'Cohort id'),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * List them.
     *
     * @param int $cohortid
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(int $cohortid, int $onbehalfof = 0): array {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('cohortid', 'onbehalfof'));
        sync_reads::system_context();
        $person = sync_manager::acting_user($p['onbehalfof']);
        $cohort = $DB->get_record('cohort', ['id' => $p['cohortid']]);
        if (!$cohort) {
            throw new \moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
        sync_manager::check_cohort_on_behalf($cohort, (int)$person->id);
        $sql = "SELECT e.id, e.courseid, e.status, e.roleid, c.shortname, c.fullname, r.shortname AS roleshortname, r.archetype
                  FROM {enrol} e
                  JOIN {course} c ON c.id = e.courseid
             LEFT JOIN {role} r ON r.id = e.roleid
                 WHERE e.enrol = 'cohort' AND e.customint1 = :cohortid
              ORDER BY c.shortname, e.id";
        $out = [];
        foreach ($DB->get_records_sql($sql, ['cohortid' => $cohort->id]) as $i) {
            $role = $i->roleid ? $DB->get_record('role', ['id' => $i->roleid]) : null;
            $out[] = ['courseid' => (int)$i->courseid, 'shortname' => $i->shortname, 'fullname' => format_string($i->fullname),
                'roleid' => (int)$i->roleid, 'roleshortname' => (string)($i->roleshortname ?? ''), 'rolearchetype' => (string)($i->archetype ?? ''),
                'rolename' => $role ? role_get_name($role, context_course::instance($i->courseid), ROLENAME_ALIAS) : '',
                'status' => (int)$i->status];
        }
        return ['courses' => $out];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courses' => new external_multiple_structure(new external_single_structure([
                'courseid' => new external_value(PARAM_INT, 'Course id'),
                'shortname' => new external_value(PARAM_TEXT, 'Course short name'),
                'fullname' => new external_value(PARAM_TEXT, 'Course full name'),
                'roleid' => new external_value(PARAM_INT, 'Role given to the cohort\'s members there (0 none)'),
                'roleshortname' => new external_value(PARAM_ALPHANUMEXT, 'Its short name'),
                'rolearchetype' => new external_value(PARAM_ALPHANUMEXT, 'Its archetype (student, teacher, editingteacher, manager…)'),
                'rolename' => new external_value(PARAM_TEXT, 'Its name in that course'),
                'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled'),
            ])),
        ]);
    }
}
