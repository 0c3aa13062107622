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

use core_external\external_api;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->dirroot . '/webservice/tests/helpers.php');

/**
 * Tests of the cohort-sync web services (run with Moodle's PHPUnit: vendor/bin/phpunit --testsuite local_cohortbot_testsuite).
 *
 * @package    local_cohortbot
 * @category   test
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cohortbot\external\add_cohort_sync
 * @covers     \local_cohortbot\external\update_cohort_sync
 * @covers     \local_cohortbot\external\delete_cohort_sync
 * @covers     \local_cohortbot\external\get_cohort_syncs
 * @covers     \local_cohortbot\external\get_available_cohorts
 * @covers     \local_cohortbot\external\get_assignable_roles
 * @covers     \local_cohortbot\external\get_enrolment_diagnosis
 */
final class cohort_sync_test extends \externallib_advanced_testcase {
    /** @var \stdClass */
    private $course;
    /** @var \stdClass */
    private $teacher;
    /** @var \stdClass */
    private $cohort;
    /** @var \stdClass[] */
    private $students;
    /** @var \stdClass */
    private $sibling;

    protected function setUp(): void {
        parent::setUp();
        $this->resetAfterTest();
        $gen = $this->getDataGenerator();
        $parent = $gen->create_category(['idnumber' => 'SANTE']);
        $cat = $gen->create_category(['idnumber' => 'PHA', 'parent' => $parent->id]);
        $this->sibling = $gen->create_category(['idnumber' => 'DROIT']);
        $this->course = $gen->create_course(['category' => $cat->id, 'shortname' => 'PHA-L2-101']);
        $this->teacher = $gen->create_user();
        $gen->enrol_user($this->teacher->id, $this->course->id, 'editingteacher');
        $this->cohort = $gen->create_cohort(['idnumber' => 'etp:L2PHA1', 'name' => 'Licence 2 Pharmacie']);
        $this->students = [$gen->create_user(), $gen->create_user()];
        foreach ($this->students as $s) {
            cohort_add_member($this->cohort->id, $s->id);
        }
        // The service account: a manager at system level with the kill-switch capability.
        $service = $gen->create_user();
        $roleid = $gen->create_role(['shortname' => 'cohortbotws']);
        foreach (['local/cohortbot:use', 'moodle/course:enrolconfig', 'enrol/cohort:config', 'moodle/course:managegroups',
                'moodle/cohort:view', 'moodle/course:enrolreview', 'moodle/role:assign'] as $cap) {
            assign_capability($cap, CAP_ALLOW, $roleid, \context_system::instance()->id);
        }
        foreach ([$gen->create_role(), 3, 4, 5] as $target) {
            core_role_set_assign_allowed($roleid, $target);
        }
        role_assign($roleid, $service->id, \context_system::instance()->id);
        $this->setUser($service);
    }

    private function add(array $args): array {
        $result = add_cohort_sync::execute(...array_merge(['courseid' => (int)$this->course->id], $args));
        return external_api::clean_returnvalue(add_cohort_sync::execute_returns(), $result);
    }

    public function test_add_enrols_the_cohort_at_once(): void {
        $r = $this->add(['cohortidnumber' => 'etp:L2PHA1', 'roleshortname' => 'student', 'onbehalfof' => (int)$this->teacher->id]);
        $this->assertTrue($r['created']);
        $context = \context_course::instance($this->course->id);
        foreach ($this->students as $s) {
            $this->assertTrue(is_enrolled($context, $s, '', true));
        }
        $list = external_api::clean_returnvalue(get_cohort_syncs::execute_returns(), get_cohort_syncs::execute((int)$this->course->id));
        $this->assertCount(1, $list['instances']);
        $this->assertEquals(2, $list['instances'][0]['membercount']);
    }

    public function test_group_minus_one_creates_the_group_named_after_the_cohort(): void {
        $r = $this->add(['cohortid' => (int)$this->cohort->id, 'groupid' => -1]);
        $this->assertEquals('Licence 2 Pharmacie cohort', groups_get_group($r['groupid'])->name);
    }

    public function test_readding_returns_the_existing_instance(): void {
        $first = $this->add(['cohortid' => (int)$this->cohort->id]);
        $again = $this->add(['cohortid' => (int)$this->cohort->id]);
        $this->assertFalse($again['created']);
        $this->assertEquals($first['id'], $again['id']);
    }

    public function test_cohort_of_a_sibling_category_is_refused(): void {
        $other = $this->getDataGenerator()->create_cohort(['contextid' => \context_coursecat::instance($this->sibling->id)->id]);
        $this->expectExceptionMessage(get_string('cohortnotavailable', 'local_cohortbot'));
        $this->add(['cohortid' => (int)$other->id]);
    }

    public function test_hidden_cohort_is_refused_for_a_teacher_without_cohort_view(): void {
        $hidden = $this->getDataGenerator()->create_cohort(['visible' => 0]);
        $this->expectExceptionMessage(get_string('cohortnotavailable', 'local_cohortbot'));
        $this->add(['cohortid' => (int)$hidden->id, 'onbehalfof' => (int)$this->teacher->id]);
    }

    public function test_role_the_teacher_cannot_assign_is_refused(): void {
        $this->expectExceptionMessage(get_string('rolenotassignable', 'local_cohortbot'));
        $this->add(['cohortid' => (int)$this->cohort->id, 'roleshortname' => 'manager', 'onbehalfof' => (int)$this->teacher->id]);
    }

    public function test_teacher_without_cohort_config_is_refused(): void {
        $student = $this->students[0];
        $this->expectExceptionMessage(get_string('onbehalfnopermission', 'local_cohortbot'));
        $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$student->id]);
    }

    public function test_service_account_without_capability_is_refused(): void {
        $this->setUser($this->getDataGenerator()->create_user());
        $this->expectException(\required_capability_exception::class);
        $this->add(['cohortid' => (int)$this->cohort->id]);
    }

    public function test_delete_refuses_a_non_cohort_instance(): void {
        global $DB;
        $manual = $DB->get_record('enrol', ['courseid' => $this->course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
        $this->expectExceptionMessage(get_string('notcohortinstance', 'local_cohortbot'));
        delete_cohort_sync::execute((int)$manual->id);
    }

    public function test_update_disable_and_delete(): void {
        $r = $this->add(['cohortid' => (int)$this->cohort->id]);
        external_api::clean_returnvalue(update_cohort_sync::execute_returns(), update_cohort_sync::execute($r['id'], null, null, 1));
        $context = \context_course::instance($this->course->id);
        $this->assertFalse(is_enrolled($context, $this->students[0], '', true));
        delete_cohort_sync::execute($r['id']);
        $this->assertFalse(is_enrolled($context, $this->students[0]));
    }

    public function test_diagnosis_lists_the_enrolment_and_the_cohort(): void {
        $this->add(['cohortid' => (int)$this->cohort->id]);
        $d = external_api::clean_returnvalue(get_enrolment_diagnosis::execute_returns(),
            get_enrolment_diagnosis::execute((int)$this->course->id, (int)$this->students[0]->id));
        $this->assertTrue($d['canaccess']);
        $this->assertEquals('cohort', $d['enrolments'][0]['enrol']);
        $this->assertEquals(['student'], $d['enrolments'][0]['roles']);
        $this->assertEquals([['cohortid' => (int)$this->cohort->id, 'idnumber' => 'etp:L2PHA1', 'synced' => true]], $d['cohorts']);
    }

    public function test_available_cohorts_and_assignable_roles_for_the_teacher(): void {
        $a = external_api::clean_returnvalue(get_available_cohorts::execute_returns(),
            get_available_cohorts::execute((int)$this->course->id, 'pharma', 25, (int)$this->teacher->id));
        $this->assertEquals(['etp:L2PHA1'], array_column($a['cohorts'], 'idnumber'));
        $this->assertEquals(2, $a['cohorts'][0]['membercount']);
        $r = external_api::clean_returnvalue(get_assignable_roles::execute_returns(),
            get_assignable_roles::execute((int)$this->course->id, (int)$this->teacher->id));
        $this->assertEqualsCanonicalizing(['teacher', 'student'], array_column($r['roles'], 'shortname'));
    }
}
