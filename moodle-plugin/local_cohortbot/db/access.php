<?php
// This file is part of local_cohortbot - https://moodle.org/
//
// local_cohortbot is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.

/**
 * Capabilities: a kill switch that lets admins revoke the bot without editing course roles.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$capabilities = [
    // Whoever holds it changes enrolment methods (config), sees participants (personal data) and can
    // remove a cohort sync, which unenrols its members (data loss): the role page flags all three.
    'local/cohortbot:use' => [
        'riskbitmask' => RISK_CONFIG | RISK_PERSONAL | RISK_DATALOSS,
        'captype' => 'write',
        'contextlevel' => CONTEXT_SYSTEM,
        'archetypes' => [],
    ],
];
