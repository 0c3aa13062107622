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

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once($CFG->dirroot . '/webservice/tests/helpers.php');
require_once($CFG->dirroot . '/cohort/lib.php');

/**
 * get_available_cohorts_many (1.4): for every course, the answer get_available_cohorts gives — its cohorts,
 * or its refusal as that course's error code — in one call, as the service account of the plugin README.
 *
 * @package    local_cohortbot
 * @category   test
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cohortbot\external\get_available_cohorts_many
 * @covers     \local_cohortbot\external\get_available_cohorts
 */
final class available_cohorts_many_test extends \externallib_advanced_testcase {
    /**
     * The service account's system role, as the plugin README lists it (tests/fixtures/service_role.php).
     *
     * @return string[]
     */
    private static function service_capabilities(): array {
        return require(__DIR__ . '/../fixtures/service_role.php');
    }

    /** @var \stdClass[] courses by short name */
    private $courses = [];
    /** @var \stdClass */
    private $teacher;
    /** @var \stdClass */
    private $service;

    protected function setUp(): void {
        parent::setUp();
        $this->resetAfterTest();
        $gen = $this->getDataGenerator();
        $pha = $gen->create_category(['idnumber' => 'PHA']);
        $droit = $gen->create_category(['idnumber' => 'DROIT']);
        foreach ([['PHA-L2-101', $pha], ['PHA-L2-102', $pha], ['DRT-L1-101', $droit], ['DRT-L1-102', $droit]] as [$short, $cat]) {
            $this->courses[$short] = $gen->create_course(['category' => $cat->id, 'shortname' => $short]);
        }
        $this->teacher = $gen->create_user();
        // Teacher of three courses; of DRT-L1-102 only a student.
        foreach (['PHA-L2-101', 'PHA-L2-102', 'DRT-L1-101'] as $short) {
            $gen->enrol_user($this->teacher->id, $this->courses[$short]->id, 'editingteacher');
        }
        $gen->enrol_user($this->teacher->id, $this->courses['DRT-L1-102']->id, 'student');
        $gen->create_cohort(['idnumber' => 'etp:L2PHA1', 'name' => 'Licence 2 Pharmacie']);
        $gen->create_cohort(['idnumber' => 'etp:L1DRT1', 'name' => 'Licence 1 Droit']);
        $gen->create_cohort(['idnumber' => 'pha-tuteurs', 'name' => 'Tuteurs pharmacie',
            'contextid' => \context_coursecat::instance($pha->id)->id]);
        $gen->create_cohort(['idnumber' => 'cachee', 'name' => 'Cachée', 'visible' => 0]);
        $this->service = $gen->create_user(['username' => 'cohortbot']);
        $roleid = $gen->create_role(['shortname' => 'cohortbotws']);
        self::service_role($roleid, self::service_capabilities());
        role_assign($roleid, $this->service->id, \context_system::instance()->id);
        $this->setUser($this->service);
    }

    /**
     * A system role holding these capabilities, allowed to assign the roles the README lists.
     *
     * @param int $roleid
     * @param string[] $capabilities
     */
    private static function service_role(int $roleid, array $capabilities): void {
        global $DB;
        $system = \context_system::instance();
        foreach ($capabilities as $cap) {
            assign_capability($cap, CAP_ALLOW, $roleid, $system->id);
        }
        foreach (['editingteacher', 'teacher', 'student'] as $shortname) {
            core_role_set_assign_allowed($roleid, $DB->get_field('role', 'id', ['shortname' => $shortname], MUST_EXIST));
        }
        accesslib_clear_all_caches_for_unit_testing();
    }

    /**
     * The many call, as cleaned for the web service.
     *
     * @param int[] $courseids
     * @param string $query
     * @param int $limit
     * @param int $onbehalfof
     * @return array courses as returned
     */
    private static function many(array $courseids, string $query, int $limit, int $onbehalfof): array {
        return external_api::clean_returnvalue(get_available_cohorts_many::execute_returns(),
            get_available_cohorts_many::execute($courseids, $query, $limit, $onbehalfof))['courses'];
    }

    /**
     * What the single call answers for one course: its reply, or its error code.
     *
     * @param int $courseid
     * @param string $query
     * @param int $limit
     * @param int $onbehalfof
     * @return array
     */
    private static function single(int $courseid, string $query, int $limit, int $onbehalfof): array {
        try {
            $r = external_api::clean_returnvalue(get_available_cohorts::execute_returns(),
                get_available_cohorts::execute($courseid, $query, $limit, $onbehalfof));
            return ['courseid' => $courseid] + $r;
        } catch (\moodle_exception $e) {
            return ['courseid' => $courseid, 'cohorts' => [], 'truncated' => false, 'error' => $e->errorcode];
        }
    }

    public function test_each_course_gets_the_single_calls_answer_or_its_refusal(): void {
        $ids = array_map(fn($c) => (int)$c->id, array_values($this->courses));
        $missing = max($ids) + 1000;
        // Every course, one the teacher only studies in, the site course, a missing one, and a course twice.
        $asked = array_merge($ids, [SITEID, $missing, $ids[0]]);
        $r = self::many($asked, '', 25, (int)$this->teacher->id);
        $this->assertEquals(array_merge($ids, [SITEID, $missing]), array_column($r, 'courseid'));
        foreach ($r as $i => $course) {
            $this->assertEquals(self::single($course['courseid'], '', 25, (int)$this->teacher->id), $course, "course $i");
        }
        $bycourse = array_column($r, null, 'courseid');
        $this->assertEquals(['Licence 1 Droit', 'Licence 2 Pharmacie', 'Tuteurs pharmacie'],
            array_column($bycourse[$this->courses['PHA-L2-101']->id]['cohorts'], 'name'));
        $this->assertEquals(['etp:L1DRT1', 'etp:L2PHA1'], array_column($bycourse[$this->courses['DRT-L1-101']->id]['cohorts'], 'idnumber'));
        // A student of the course: the single call's refusal, no more.
        $this->assertEquals('onbehalfnopermission', $bycourse[$this->courses['DRT-L1-102']->id]['error']);
        $this->assertEquals('invalidparameter', $bycourse[SITEID]['error']);
        $this->assertArrayHasKey('error', $bycourse[$missing]);
        $this->assertArrayNotHasKey('error', $bycourse[$this->courses['PHA-L2-102']->id]);
    }

    public function test_query_limit_and_hidden_cohorts_as_the_single_call(): void {
        $pha = [(int)$this->courses['PHA-L2-101']->id, (int)$this->courses['PHA-L2-102']->id];
        $r = self::many($pha, 'pharma', 1, (int)$this->teacher->id);
        foreach ($r as $course) {
            $this->assertEquals(self::single($course['courseid'], 'pharma', 1, (int)$this->teacher->id), $course);
            $this->assertTrue($course['truncated']);
            $this->assertEquals(['etp:L2PHA1'], array_column($course['cohorts'], 'idnumber'));
        }
        // A hidden cohort only for someone who may view cohorts where it lives.
        $this->assertNotContains('cachee', array_column(self::many($pha, '', 25, (int)$this->teacher->id)[0]['cohorts'], 'idnumber'));
        $viewer = \context_system::instance();
        $roleid = $this->getDataGenerator()->create_role(['shortname' => 'cohortviewer']);
        assign_capability('moodle/cohort:view', CAP_ALLOW, $roleid, $viewer->id);
        role_assign($roleid, $this->teacher->id, $viewer->id);
        accesslib_clear_all_caches_for_unit_testing();
        $r = self::many($pha, '', 25, (int)$this->teacher->id);
        $this->assertContains('cachee', array_column($r[0]['cohorts'], 'idnumber'));
        $this->assertEquals(self::single($pha[1], '', 25, (int)$this->teacher->id), $r[1]);
    }

    public function test_a_suspended_enrolment_is_refused_for_that_course_only(): void {
        global $DB;
        $course = $this->courses['PHA-L2-102'];
        $instance = $DB->get_record('enrol', ['courseid' => $course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
        $DB->set_field('user_enrolments', 'status', ENROL_USER_SUSPENDED, ['enrolid' => $instance->id, 'userid' => $this->teacher->id]);
        $r = self::many([(int)$this->courses['PHA-L2-101']->id, (int)$course->id], '', 25, (int)$this->teacher->id);
        $this->assertArrayNotHasKey('error', $r[0]);
        $this->assertEquals('onbehalfnopermission', $r[1]['error']);
        $this->assertSame([], $r[1]['cohorts']);
    }

    public function test_what_concerns_the_whole_call_fails_it(): void {
        global $DB;
        $ids = [(int)$this->courses['PHA-L2-101']->id];
        // A call for nobody, and for someone who may not act.
        try {
            get_available_cohorts_many::execute($ids, '', 25, 0);
            $this->fail('a call for nobody succeeded');
        } catch (\moodle_exception $e) {
            $this->assertEquals('onbehalfrequired', $e->errorcode);
        }
        $DB->set_field('user', 'suspended', 1, ['id' => $this->teacher->id]);
        try {
            get_available_cohorts_many::execute($ids, '', 25, (int)$this->teacher->id);
            $this->fail('a suspended person acted');
        } catch (\moodle_exception $e) {
            $this->assertEquals('onbehalfnopermission', $e->errorcode);
        }
        $this->expectException(\invalid_parameter_exception::class);
        get_available_cohorts_many::execute(range(2, 2 + get_available_cohorts_many::MAX_COURSES), '', 25, (int)$this->teacher->id);
    }

    public function test_the_kill_switch_stops_the_whole_call(): void {
        $user = $this->getDataGenerator()->create_user();
        $roleid = $this->getDataGenerator()->create_role(['shortname' => 'nokillswitch']);
        self::service_role($roleid, array_values(array_diff(self::service_capabilities(), ['local/cohortbot:use'])));
        role_assign($roleid, $user->id, \context_system::instance()->id);
        $this->setUser($user);
        $this->expectException(\required_capability_exception::class);
        get_available_cohorts_many::execute([(int)$this->courses['PHA-L2-101']->id], '', 25, (int)$this->teacher->id);
    }

    public function test_a_service_account_without_a_courses_rights_gets_that_courses_refusal(): void {
        // The service account loses moodle/course:enrolconfig in one category: those courses only are refused, as the single call is.
        $roleid = $this->getDataGenerator()->create_role(['shortname' => 'noenrolconfig']);
        $droit = \context_coursecat::instance($this->courses['DRT-L1-101']->category);
        assign_capability('moodle/course:enrolconfig', CAP_PROHIBIT, $roleid, $droit->id);
        role_assign($roleid, $this->service->id, $droit->id);
        accesslib_clear_all_caches_for_unit_testing();
        $ids = [(int)$this->courses['PHA-L2-101']->id, (int)$this->courses['DRT-L1-101']->id];
        $r = self::many($ids, '', 25, (int)$this->teacher->id);
        $this->assertArrayNotHasKey('error', $r[0]);
        $this->assertEquals('nopermissions', $r[1]['error']);
        $this->assertEquals(self::single($ids[1], '', 25, (int)$this->teacher->id), $r[1]);
    }
}
