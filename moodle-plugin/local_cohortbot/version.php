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
 * Version information.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$plugin->component = 'local_cohortbot';
$plugin->version   = 2026121100;
$plugin->requires  = 2023042400; // Moodle 4.2: core_external\external_api.
$plugin->supported = [405, 501]; // Tested on 4.5 LTS (4.5.6) and 5.1 (5.1.3); requires stays at the APIs it uses.
$plugin->maturity  = MATURITY_STABLE;
$plugin->release   = '1.4.1';
$plugin->dependencies = ['enrol_cohort' => ANY_VERSION];
