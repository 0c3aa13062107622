<?php
// This file is part of local_cohortbot - https://moodle.org/
//
// local_cohortbot is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.

/**
 * Version information.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$plugin->component = 'local_cohortbot';
$plugin->version   = 2026120300;
$plugin->requires  = 2023042400; // Moodle 4.2: core_external\external_api.
$plugin->supported = [402, 502];
$plugin->maturity  = MATURITY_STABLE;
$plugin->release   = '1.2.0';
$plugin->dependencies = ['enrol_cohort' => ANY_VERSION];
