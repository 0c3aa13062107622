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
 * English strings.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['ambiguousparams'] = 'Give exactly one of the alternative parameters (cohort id or idnumber, role id or shortname).';
$string['cohortbot:use'] = 'Use the cohortbot web services';
$string['cohortnotavailable'] = 'This cohort is not available to this course.';
$string['cohortnotfound'] = 'The cohort does not exist.';
$string['eventcohortsyncchanged'] = 'Cohort sync changed through cohortbot';
$string['groupnotincourse'] = 'The group does not belong to this course.';
$string['instanceexists'] = 'This cohort is already synchronised with the selected role.';
$string['notcohortinstance'] = 'This enrolment method is not a cohort sync.';
$string['onbehalfrequired'] = 'A request must name the Moodle user it is made for (onbehalfof): the bot never acts with its own account\'s rights.';
$string['onbehalfnopermission'] = 'The user the request is made for may not configure cohort sync in this course.';
$string['plugindisabled'] = 'The cohort sync enrolment plugin is disabled on this site.';
$string['pluginname'] = 'cohortbot web services';
$string['privacy:metadata:cohortbot'] = 'The cohortbot service (the holder of the web-service token) reads these details through the plugin to keep cohorts in step with the university directory and to answer teachers and support staff. Its own privacy notice says how long it keeps them.';
$string['privacy:metadata:cohortbot:cohortmembership'] = 'The cohorts a user is a member of';
$string['privacy:metadata:cohortbot:email'] = 'The e-mail address, when cohortbot matches accounts by e-mail';
$string['privacy:metadata:cohortbot:enrolments'] = 'A user\'s enrolments, roles and access in a course (the enrolment diagnosis)';
$string['privacy:metadata:cohortbot:idnumber'] = 'The ID number, when cohortbot matches accounts by ID number';
$string['privacy:metadata:cohortbot:suspended'] = 'Whether the account is suspended';
$string['privacy:metadata:cohortbot:userid'] = 'The user id';
$string['privacy:metadata:cohortbot:username'] = 'The username, when cohortbot matches accounts by username';
$string['rolenotassignable'] = 'This role cannot be assigned in this course.';
$string['rolenotfound'] = 'The role does not exist.';
$string['servicename'] = 'cohortbot';
