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

use context_coursecat;
use context_system;
use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_single_structure;
use core_external\external_value;
use local_cohortbot\local\sync_manager;
use local_cohortbot\local\sync_reads;

defined('MOODLE_INTERNAL') || die();

require_once($CFG->dirroot . '/cohort/lib.php');

/**
 * Creates a manual cohort for a person, with their own right to (moodle/cohort:manage in the target
 * context) as well as the service account's: core_cohort_create_cohorts acts with the token's rights only.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class create_cohort extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'name' => new external_value(PARAM_TEXT, 'Cohort name'),
            'idnumber' => new external_value(PARAM_RAW, 'Cohort idnumber (unique on the site)'),
            'categoryid' => new external_value(PARAM_INT, 'Category of the cohort, 0 for the system context', VALUE_DEFAULT, 0),
            'description' => new external_value(PARAM_TEXT, 'Description', VALUE_DEFAULT, ''),
            'onbehalfof' => new external_value(PARAM_INT, 'Moodle user id the request is made for (required; 0 is refused)', VALUE_DEFAULT, 0),
        ]);
    }

    /**
     * Create it.
     *
     * @param string $name
     * @param string $idnumber
     * @param int $categoryid
     * @param string $description
     * @param int $onbehalfof
     * @return array
     */
    public static function execute(string $name, string $idnumber, int $categoryid = 0, string $description = '', int $onbehalfof = 0): array {
        global $DB;
        $p = self::validate_parameters(self::execute_parameters(), compact('name', 'idnumber', 'categoryid', 'description', 'onbehalfof'));
        sync_reads::system_context();
        $person = sync_manager::acting_user($p['onbehalfof']);
        $context = $p['categoryid'] > 0 ? context_coursecat::instance($p['categoryid'], IGNORE_MISSING) : context_system::instance();
        // A category that does not exist reads like one the person may not use.
        if (!$context || !has_capability('moodle/cohort:manage', $context, $person)) {
            throw new \moodle_exception('onbehalfnopermission', 'local_cohortbot');
        }
        require_capability('moodle/cohort:manage', $context);
        if (trim($p['name']) === '' || trim($p['idnumber']) === '') {
            throw new \invalid_parameter_exception('name and idnumber are required');
        }
        if ($DB->record_exists('cohort', ['idnumber' => $p['idnumber']])) {
            throw new \invalid_parameter_exception('idnumber already exists');
        }
        $id = cohort_add_cohort((object)['contextid' => $context->id, 'name' => $p['name'], 'idnumber' => $p['idnumber'],
            'description' => $p['description'], 'descriptionformat' => FORMAT_PLAIN, 'visible' => 1]);
        return ['id' => (int)$id, 'idnumber' => $p['idnumber'], 'name' => $p['name']];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'id' => new external_value(PARAM_INT, 'Cohort id'),
            'idnumber' => new external_value(PARAM_RAW, 'Cohort idnumber'),
            'name' => new external_value(PARAM_TEXT, 'Cohort name'),
        ]);
    }
}
