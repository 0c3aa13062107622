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
 * The cohorts each of several courses may sync, as a given user sees them: get_available_cohorts for many
 * courses in one call (1.4). Each course gets the same checks and the same answer as the single call;
 * a course the user may not use is answered with the single call's error code, not failed for all.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_available_cohorts_many extends external_api {
    /** Most courses one call answers: each one is a login check, a few capability checks and a query. */
    const MAX_COURSES = 100;

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseids' => new external_multiple_structure(new external_value(PARAM_INT, 'Course id')),
            'query' => new external_value(PARAM_RAW, 'Text to find in the name, idnumber or description', VALUE_DEFAULT, ''),
            'limit' => new external_value(PARAM_INT, 'Most cohorts to return per course', VALUE_DEFAULT, 25),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Each course in the order asked (each once). What concerns the whole call fails it: no person to act
     * for, or one who may not act (suspended, deleted, no login), the kill switch, enrol_cohort disabled.
     * What concerns one course — the site course, a missing course, the service account or the person
     * without the rights get_available_cohorts asks — is that course's `error`: the error code the single
     * call raises for it, and nothing more.
     *
     * @param int[] $courseids
     * @param string $query
     * @param int $limit
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(array $courseids, string $query = '', int $limit = 25, int $onbehalfof = 0): array {
        $p = self::validate_parameters(self::execute_parameters(), compact('courseids', 'query', 'limit', 'onbehalfof'));
        $ids = array_values(array_unique(array_map('intval', $p['courseids'])));
        if (count($ids) > self::MAX_COURSES) {
            throw new \invalid_parameter_exception('At most ' . self::MAX_COURSES . ' courses per call');
        }
        sync_reads::system_context();
        if (!enrol_is_enabled('cohort')) {
            throw new \moodle_exception('plugindisabled', 'local_cohortbot');
        }
        sync_manager::acting_user($p['onbehalfof']);
        $viewer = $p['onbehalfof'];
        $limit = max(1, min(1000, $p['limit']));
        $search = trim($p['query']);
        // Courses of one category see the same cohorts (those of its parent contexts): read once.
        $bybranch = [];
        $courses = [];
        foreach ($ids as $courseid) {
            try {
                $context = sync_manager::course_context($courseid, ['moodle/course:enrolconfig']);
                sync_manager::check_on_behalf($context, $viewer, sync_manager::WRITE_CAPS);
            } catch (\moodle_exception $e) {
                // A failing database or a programming error is not an answer about the course.
                if ($e instanceof \coding_exception || ($e instanceof \dml_exception && !$e instanceof \dml_missing_record_exception)) {
                    throw $e;
                }
                $courses[] = ['courseid' => $courseid, 'cohorts' => [], 'truncated' => false, 'error' => $e->errorcode];
                continue;
            }
            $branch = implode('/', $context->get_parent_context_ids());
            $rows = $bybranch[$branch] ??= sync_manager::available_cohorts($context, $viewer, $search, $limit + 1);
            $courses[] = ['courseid' => $courseid, 'cohorts' => get_available_cohorts::export_cohorts($rows, $limit),
                'truncated' => count($rows) > $limit];
        }
        return ['courses' => $courses];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courses' => new external_multiple_structure(new external_single_structure([
                'courseid' => new external_value(PARAM_INT, 'Course id, as asked'),
                'cohorts' => new external_multiple_structure(get_available_cohorts::cohort_structure()),
                'truncated' => new external_value(PARAM_BOOL, 'More cohorts match than were returned'),
                'error' => new external_value(PARAM_ALPHANUMEXT,
                    'Absent when the course was answered; else the error code get_available_cohorts raises for it', VALUE_OPTIONAL),
            ])),
        ]);
    }
}
