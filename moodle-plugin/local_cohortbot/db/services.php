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

/**
 * Web service functions and the predefined cohortbot service.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$functions = [
    'local_cohortbot_get_cohort_syncs' => [
        'classname' => 'local_cohortbot\external\get_cohort_syncs',
        'methodname' => 'execute',
        'description' => 'List the cohort sync enrolment methods of a course.',
        'type' => 'read',
        'capabilities' => 'moodle/course:enrolconfig',
    ],
    'local_cohortbot_add_cohort_sync' => [
        'classname' => 'local_cohortbot\external\add_cohort_sync',
        'methodname' => 'execute',
        'description' => 'Add a cohort sync enrolment method to a course, on behalf of a teacher.',
        'type' => 'write',
        'capabilities' => 'moodle/course:enrolconfig, enrol/cohort:config',
    ],
    'local_cohortbot_update_cohort_sync' => [
        'classname' => 'local_cohortbot\external\update_cohort_sync',
        'methodname' => 'execute',
        'description' => 'Change the role, group, status or name of a cohort sync.',
        'type' => 'write',
        'capabilities' => 'moodle/course:enrolconfig, enrol/cohort:config',
    ],
    'local_cohortbot_delete_cohort_sync' => [
        'classname' => 'local_cohortbot\external\delete_cohort_sync',
        'methodname' => 'execute',
        'description' => 'Delete a cohort sync enrolment method and its enrolments.',
        'type' => 'write',
        'capabilities' => 'moodle/course:enrolconfig, enrol/cohort:config',
    ],
    'local_cohortbot_get_available_cohorts' => [
        'classname' => 'local_cohortbot\external\get_available_cohorts',
        'methodname' => 'execute',
        'description' => 'Cohorts a course may sync, with member counts, as a given user sees them.',
        'type' => 'read',
        'capabilities' => 'moodle/course:enrolconfig',
    ],
    'local_cohortbot_get_available_cohorts_many' => [
        'classname' => 'local_cohortbot\external\get_available_cohorts_many',
        'methodname' => 'execute',
        'description' => 'The cohorts each of several courses may sync, as a given user sees them; a refusal per course.',
        'type' => 'read',
        'capabilities' => 'moodle/course:enrolconfig',
    ],
    'local_cohortbot_get_assignable_roles' => [
        'classname' => 'local_cohortbot\external\get_assignable_roles',
        'methodname' => 'execute',
        'description' => 'Roles a given user may assign in a course.',
        'type' => 'read',
        'capabilities' => 'moodle/course:enrolconfig',
    ],
    'local_cohortbot_get_enrolment_diagnosis' => [
        'classname' => 'local_cohortbot\external\get_enrolment_diagnosis',
        'methodname' => 'execute',
        'description' => 'A user\'s enrolments in a course, with methods, status, dates and cohorts.',
        'type' => 'read',
        'capabilities' => 'moodle/course:enrolconfig, moodle/course:enrolreview',
    ],
    // The sync's own reads: ids, the matched field and suspension, in one query each.
    'local_cohortbot_get_managed_cohorts' => [
        'classname' => 'local_cohortbot\external\get_managed_cohorts',
        'methodname' => 'execute',
        'description' => 'The cohorts whose idnumber starts with a prefix, with member counts.',
        'type' => 'read',
        'capabilities' => 'local/cohortbot:use, moodle/cohort:view',
    ],
    'local_cohortbot_get_cohort_members' => [
        'classname' => 'local_cohortbot\external\get_cohort_members',
        'methodname' => 'execute',
        'description' => 'Members of cohorts with their id, matched field and suspension.',
        'type' => 'read',
        'capabilities' => 'local/cohortbot:use, moodle/cohort:view, moodle/user:viewalldetails',
    ],
    'local_cohortbot_get_users_by_keys' => [
        'classname' => 'local_cohortbot\external\get_users_by_keys',
        'methodname' => 'execute',
        'description' => 'Accounts by username, idnumber or e-mail: id, value and suspension only.',
        'type' => 'read',
        'capabilities' => 'local/cohortbot:use, moodle/user:viewalldetails',
    ],
    // The sync's own writes: core's rights and events, each rule applied once per call.
    'local_cohortbot_add_cohort_members' => [
        'classname' => 'local_cohortbot\external\add_cohort_members',
        'methodname' => 'execute',
        'description' => 'Adds members to cohorts in bulk (the rights and events of core_cohort_add_cohort_members).',
        'type' => 'write',
        'capabilities' => 'local/cohortbot:use, moodle/cohort:assign',
    ],
    'local_cohortbot_delete_cohort_members' => [
        'classname' => 'local_cohortbot\external\delete_cohort_members',
        'methodname' => 'execute',
        'description' => 'Removes members from cohorts in bulk (the rights and events of core_cohort_delete_cohort_members).',
        'type' => 'write',
        'capabilities' => 'local/cohortbot:use, moodle/cohort:assign',
    ],
    // A person's manual cohorts (#28): with that person's own cohort rights, never the token's alone.
    'local_cohortbot_create_cohort' => [
        'classname' => 'local_cohortbot\external\create_cohort',
        'methodname' => 'execute',
        'description' => 'Creates a manual cohort for a person who may manage cohorts in that context.',
        'type' => 'write',
        'capabilities' => 'local/cohortbot:use, moodle/cohort:manage',
    ],
    'local_cohortbot_get_cohort_courses' => [
        'classname' => 'local_cohortbot\external\get_cohort_courses',
        'methodname' => 'execute',
        'description' => 'The courses that sync a cohort and the role each gives, for a person who may change it.',
        'type' => 'read',
        'capabilities' => 'local/cohortbot:use, moodle/cohort:assign',
    ],
];

$services = [
    'cohortbot' => [
        'functions' => [
            'core_webservice_get_site_info',
            'core_cohort_get_cohorts',
            'core_cohort_create_cohorts',
            'core_cohort_update_cohorts',
            'core_cohort_delete_cohorts',
            'core_cohort_search_cohorts',
            'core_cohort_add_cohort_members',
            'core_cohort_delete_cohort_members',
            'core_cohort_get_cohort_members',
            'core_user_get_users_by_field',
            'core_user_get_users',
            'core_course_get_courses_by_field',
            'core_course_search_courses',
            'core_course_get_categories',
            'core_enrol_get_enrolled_users',
            'core_enrol_get_enrolled_users_with_capability',
            'core_enrol_get_users_courses',
            'core_group_get_course_groups',
            'enrol_manual_enrol_users',
            'local_cohortbot_get_cohort_syncs',
            'local_cohortbot_add_cohort_sync',
            'local_cohortbot_update_cohort_sync',
            'local_cohortbot_delete_cohort_sync',
            'local_cohortbot_get_available_cohorts',
            'local_cohortbot_get_available_cohorts_many',
            'local_cohortbot_get_assignable_roles',
            'local_cohortbot_get_enrolment_diagnosis',
            'local_cohortbot_get_managed_cohorts',
            'local_cohortbot_get_cohort_members',
            'local_cohortbot_get_users_by_keys',
            'local_cohortbot_add_cohort_members',
            'local_cohortbot_delete_cohort_members',
            'local_cohortbot_create_cohort',
            'local_cohortbot_get_cohort_courses',
        ],
        'restrictedusers' => 1,
        'enabled' => 0,
        'shortname' => 'local_cohortbot',
        'downloadfiles' => 0,
        'uploadfiles' => 0,
    ],
];
