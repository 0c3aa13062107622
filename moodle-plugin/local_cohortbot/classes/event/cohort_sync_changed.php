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

namespace local_cohortbot\event;

/**
 * A cohort sync was added, updated or deleted through cohortbot; relateduserid is the teacher it acted for.
 *
 * @package    local_cohortbot
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class cohort_sync_changed extends \core\event\base {
    /**
     * Init.
     */
    protected function init() {
        $this->data['crud'] = 'u';
        $this->data['edulevel'] = self::LEVEL_OTHER;
        $this->data['objecttable'] = 'enrol';
    }

    /**
     * Name.
     *
     * @return string
     */
    public static function get_name() {
        return get_string('eventcohortsyncchanged', 'local_cohortbot');
    }

    /**
     * Description.
     *
     * @return string
     */
    public function get_description() {
        $action = $this->other['action'] ?? 'changed';
        $for = $this->relateduserid ? " on behalf of the user with id '{$this->relateduserid}'" : '';
        return "The user with id '{$this->userid}' {$action} the cohort sync with id '{$this->objectid}'{$for}.";
    }

    /**
     * Restoring course logs: the object is an enrolment instance, mapped as backups map them.
     *
     * @return array
     */
    public static function get_objectid_mapping() {
        return ['db' => 'enrol', 'restore' => 'enrol'];
    }

    /**
     * Restoring course logs: 'other' holds only the action's name, no id to map.
     *
     * @return bool
     */
    public static function get_other_mapping() {
        return false;
    }

    /**
     * Validation.
     */
    protected function validate_data() {
        parent::validate_data();
        if (!isset($this->other['action'])) {
            throw new \coding_exception('The \'action\' value must be set in other.');
        }
    }
}
