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
require_once($CFG->dirroot . '/user/lib.php');

/**
 * Tests of the plugin's web services, every one of them, run as the service account holding exactly the role
 * of the plugin README (vendor/bin/phpunit --testsuite local_cohortbot_testsuite).
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
 * @covers     \local_cohortbot\external\get_managed_cohorts
 * @covers     \local_cohortbot\external\get_cohort_members
 * @covers     \local_cohortbot\external\get_users_by_keys
 * @covers     \local_cohortbot\external\add_cohort_members
 * @covers     \local_cohortbot\external\delete_cohort_members
 * @covers     \local_cohortbot\external\create_cohort
 * @covers     \local_cohortbot\external\get_cohort_courses
 * @covers     \local_cohortbot\event\cohort_sync_changed
 */
final class cohort_sync_test extends \externallib_advanced_testcase {
    /**
     * The service account's system role, as the plugin README lists it (tests/fixtures/service_role.php).
     *
     * @return string[]
     */
    private static function service_capabilities(): array {
        return require(__DIR__ . '/../fixtures/service_role.php');
    }

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
    /** @var \stdClass */
    private $service;

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
        $this->students = [
            $gen->create_user(['username' => 'e21900001', 'idnumber' => 'E21900001', 'email' => 'Ana.Student@Univ-Demo.fr']),
            $gen->create_user(['username' => 'e21900002', 'idnumber' => 'E21900002', 'email' => 'bo@univ-demo.fr', 'suspended' => 1]),
        ];
        foreach ($this->students as $s) {
            cohort_add_member($this->cohort->id, $s->id);
        }
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
     * add_cohort_sync for the course, as cleaned for the web service.
     *
     * @param array $args named arguments besides courseid
     * @return array
     */
    private function add(array $args): array {
        $result = add_cohort_sync::execute(...array_merge(['courseid' => (int)$this->course->id], $args));
        return external_api::clean_returnvalue(add_cohort_sync::execute_returns(), $result);
    }

    public function test_add_enrols_the_cohort_at_once(): void {
        $r = $this->add(['cohortidnumber' => 'etp:L2PHA1', 'roleshortname' => 'student', 'onbehalfof' => (int)$this->teacher->id]);
        $this->assertTrue($r['created']);
        $context = \context_course::instance($this->course->id);
        $this->assertTrue(is_enrolled($context, $this->students[0], '', true));
        // A suspended account is enrolled but not active.
        $this->assertTrue(is_enrolled($context, $this->students[1]));
        $list = external_api::clean_returnvalue(get_cohort_syncs::execute_returns(),
            get_cohort_syncs::execute((int)$this->course->id, (int)$this->teacher->id));
        $this->assertCount(1, $list['instances']);
        $this->assertEquals(2, $list['instances'][0]['membercount']);
    }

    public function test_add_logs_the_event_for_the_teacher(): void {
        $sink = $this->redirectEvents();
        $r = $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $events = array_values(array_filter($sink->get_events(), fn($e) => $e instanceof \local_cohortbot\event\cohort_sync_changed));
        $sink->close();
        $this->assertCount(1, $events);
        $this->assertEquals($r['id'], $events[0]->objectid);
        $this->assertEquals($this->teacher->id, $events[0]->relateduserid);
        $this->assertEquals($this->service->id, $events[0]->userid);
        $this->assertEquals(\context_course::instance($this->course->id)->id, $events[0]->contextid);
        $this->assertStringContainsString("on behalf of the user with id '{$this->teacher->id}'", $events[0]->get_description());
        $this->assertEquals(['db' => 'enrol', 'restore' => 'enrol'], \local_cohortbot\event\cohort_sync_changed::get_objectid_mapping());
        $this->assertFalse(\local_cohortbot\event\cohort_sync_changed::get_other_mapping());
    }

    public function test_group_minus_one_creates_the_group_named_after_the_cohort(): void {
        $r = $this->add(['cohortid' => (int)$this->cohort->id, 'groupid' => -1, 'onbehalfof' => (int)$this->teacher->id]);
        $this->assertEquals('Licence 2 Pharmacie cohort', groups_get_group($r['groupid'])->name);
    }

    public function test_readding_returns_the_existing_instance(): void {
        $first = $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $again = $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $this->assertFalse($again['created']);
        $this->assertEquals($first['id'], $again['id']);
    }

    public function test_cohort_of_a_sibling_category_is_refused(): void {
        $other = $this->getDataGenerator()->create_cohort(['contextid' => \context_coursecat::instance($this->sibling->id)->id]);
        $this->expectExceptionMessage(get_string('cohortnotavailable', 'local_cohortbot'));
        $this->add(['cohortid' => (int)$other->id, 'onbehalfof' => (int)$this->teacher->id]);
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
        $this->expectExceptionMessage(get_string('onbehalfnopermission', 'local_cohortbot'));
        $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->students[0]->id]);
    }

    public function test_a_call_for_nobody_is_refused_by_every_function_that_acts_for_a_person(): void {
        $r = $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $calls = [
            fn() => $this->add(['cohortid' => (int)$this->cohort->id]),
            fn() => get_cohort_syncs::execute((int)$this->course->id, 0),
            fn() => update_cohort_sync::execute($r['id'], null, null, 1, null, 0),
            fn() => delete_cohort_sync::execute($r['id'], 0),
            fn() => get_available_cohorts::execute((int)$this->course->id, '', 25, 0),
            fn() => get_assignable_roles::execute((int)$this->course->id, 0),
        ];
        foreach ($calls as $i => $call) {
            try {
                $call();
                $this->fail("call $i was made for nobody and succeeded");
            } catch (\moodle_exception $e) {
                $this->assertEquals('onbehalfrequired', $e->errorcode, "call $i");
            }
        }
        $this->assertTrue(is_enrolled(\context_course::instance($this->course->id), $this->students[0], '', true));
    }

    public function test_service_account_without_the_kill_switch_capability_is_refused(): void {
        // Everything the README's role holds but local/cohortbot:use: past the login check, stopped by the kill switch.
        $user = $this->getDataGenerator()->create_user();
        $roleid = $this->getDataGenerator()->create_role(['shortname' => 'nokillswitch']);
        self::service_role($roleid, array_values(array_diff(self::service_capabilities(), ['local/cohortbot:use'])));
        role_assign($roleid, $user->id, \context_system::instance()->id);
        $this->setUser($user);
        try {
            $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
            $this->fail('a service account without local/cohortbot:use added a cohort sync');
        } catch (\required_capability_exception $e) {
            $this->assertEquals(get_capability_string('local/cohortbot:use'), $e->a);
        }
        $this->expectException(\required_capability_exception::class);
        get_managed_cohorts::execute('etp:');
    }

    public function test_an_account_without_course_access_stops_at_the_login_check(): void {
        $this->setUser($this->getDataGenerator()->create_user());
        $this->expectException(\require_login_exception::class);
        $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
    }

    public function test_delete_refuses_a_non_cohort_instance(): void {
        global $DB;
        $manual = $DB->get_record('enrol', ['courseid' => $this->course->id, 'enrol' => 'manual'], '*', MUST_EXIST);
        $this->expectExceptionMessage(get_string('notcohortinstance', 'local_cohortbot'));
        delete_cohort_sync::execute((int)$manual->id, (int)$this->teacher->id);
    }

    public function test_update_disable_and_delete(): void {
        $r = $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        external_api::clean_returnvalue(update_cohort_sync::execute_returns(),
            update_cohort_sync::execute($r['id'], null, null, 1, null, (int)$this->teacher->id));
        $context = \context_course::instance($this->course->id);
        $this->assertFalse(is_enrolled($context, $this->students[0], '', true));
        $this->assertTrue(is_enrolled($context, $this->students[0]));
        delete_cohort_sync::execute($r['id'], (int)$this->teacher->id);
        $this->assertFalse(is_enrolled($context, $this->students[0]));
    }

    public function test_diagnosis_lists_the_enrolment_and_the_cohort(): void {
        $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $d = external_api::clean_returnvalue(get_enrolment_diagnosis::execute_returns(),
            get_enrolment_diagnosis::execute((int)$this->course->id, (int)$this->students[0]->id));
        $this->assertTrue($d['canaccess']);
        $this->assertEquals('cohort', $d['enrolments'][0]['enrol']);
        $this->assertEquals(['student'], $d['enrolments'][0]['roles']);
        $this->assertEquals([['cohortid' => (int)$this->cohort->id, 'idnumber' => 'etp:L2PHA1', 'synced' => true]], $d['cohorts']);
    }

    public function test_diagnosis_for_a_teacher_names_only_the_cohorts_the_course_syncs(): void {
        $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $other = $this->getDataGenerator()->create_cohort(['idnumber' => 'private-1', 'name' => 'Not this course']);
        cohort_add_member($other->id, $this->students[0]->id);
        $d = external_api::clean_returnvalue(get_enrolment_diagnosis::execute_returns(),
            get_enrolment_diagnosis::execute((int)$this->course->id, (int)$this->students[0]->id, (int)$this->teacher->id));
        $this->assertTrue($d['canaccess']);
        $this->assertFalse($d['usersuspended']);
        $this->assertEquals('etp:L2PHA1', $d['enrolments'][0]['cohortidnumber']);
        $this->assertEquals(['etp:L2PHA1'], array_column($d['cohorts'], 'idnumber'));
        // The service account's own answer (older clients) still lists every cohort of the user.
        $all = external_api::clean_returnvalue(get_enrolment_diagnosis::execute_returns(),
            get_enrolment_diagnosis::execute((int)$this->course->id, (int)$this->students[0]->id));
        $this->assertEqualsCanonicalizing(['etp:L2PHA1', 'private-1'], array_column($all['cohorts'], 'idnumber'));
    }

    public function test_diagnosis_refuses_someone_who_may_not_review_enrolments(): void {
        $this->expectException(\moodle_exception::class);
        get_enrolment_diagnosis::execute((int)$this->course->id, (int)$this->students[0]->id, (int)$this->students[1]->id);
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

    public function test_managed_cohorts_with_member_counts(): void {
        $gen = $this->getDataGenerator();
        $gen->create_cohort(['idnumber' => 'etp:L3PHA1', 'name' => 'Licence 3 Pharmacie']);
        $gen->create_cohort(['idnumber' => 'manual-1', 'name' => 'Manual']);
        $r = external_api::clean_returnvalue(get_managed_cohorts::execute_returns(), get_managed_cohorts::execute('etp:'));
        $this->assertEquals([['etp:L2PHA1', 2], ['etp:L3PHA1', 0]],
            array_map(fn($c) => [$c['idnumber'], $c['membercount']], $r['cohorts']));
        $this->expectException(\invalid_parameter_exception::class);
        get_managed_cohorts::execute('');
    }

    /**
     * The fingerprints of the managed cohorts, as cohortbot computes them from the directory
     * (src/domain/fingerprint.ts): the expected strings below are that code's output.
     *
     * @param string $userfield
     * @return array idnumber => fingerprint
     */
    private static function fingerprints(string $userfield): array {
        $r = external_api::clean_returnvalue(get_managed_cohorts::execute_returns(), get_managed_cohorts::execute('etp:', $userfield));
        return array_column($r['cohorts'], 'fingerprint', 'idnumber');
    }

    public function test_fingerprints_match_cohortbots_and_ignore_order_and_suspension(): void {
        // Without a user field: no fingerprint (what a client older than 1.3.0 gets).
        $r = external_api::clean_returnvalue(get_managed_cohorts::execute_returns(), get_managed_cohorts::execute('etp:'));
        $this->assertArrayNotHasKey('fingerprint', $r['cohorts'][0]);
        // e21900002 is suspended: still a member, as the sync reads it.
        $this->assertSame('2-9411a52f5e98cdc4', self::fingerprints('username')['etp:L2PHA1']);
        // E-mails in lower case, as the sync matches them.
        $this->assertSame('2-3626ae881865c8f6', self::fingerprints('email')['etp:L2PHA1']);
        // The same members added in the other order.
        $other = $this->getDataGenerator()->create_cohort(['idnumber' => 'etp:L2PHA2']);
        cohort_add_member($other->id, $this->students[1]->id);
        cohort_add_member($other->id, $this->students[0]->id);
        $this->assertSame('2-9411a52f5e98cdc4', self::fingerprints('username')['etp:L2PHA2']);
        $empty = $this->getDataGenerator()->create_cohort(['idnumber' => 'etp:EMPTY']);
        $this->assertSame('0-0000000000000000', self::fingerprints('username')['etp:EMPTY']);
        $this->assertNotEmpty($empty->id);
    }

    public function test_fingerprints_follow_adds_removals_renames_and_deletions(): void {
        $third = $this->getDataGenerator()->create_user(['username' => 'e21900003']);
        cohort_add_member($this->cohort->id, $third->id);
        cohort_remove_member($this->cohort->id, $this->students[0]->id);
        $this->assertSame('2-917d63d9fed39f85', self::fingerprints('username')['etp:L2PHA1']);
        // A renamed account changes its cohort's fingerprint, the count staying the same.
        $before = self::fingerprints('username')['etp:L2PHA1'];
        $third->username = 'e21900009';
        user_update_user($third, false, false);
        $after = self::fingerprints('username')['etp:L2PHA1'];
        $this->assertNotSame($before, $after);
        $this->assertStringStartsWith('2-', $after);
        // A deleted account is no member: only e21900002 is left.
        delete_user($third);
        $this->assertSame('1-a8438a3b0f8ff104', self::fingerprints('username')['etp:L2PHA1']);
    }

    public function test_fingerprints_refuse_a_field_the_sync_does_not_match(): void {
        $this->expectException(\invalid_parameter_exception::class);
        get_managed_cohorts::execute('etp:', 'firstname');
    }

    public function test_cohort_members_with_their_keys(): void {
        [$ana, $bo] = $this->students;
        $other = $this->getDataGenerator()->create_cohort(['idnumber' => 'etp:M1']);
        cohort_add_member($other->id, $bo->id);
        $r = external_api::clean_returnvalue(get_cohort_members::execute_returns(),
            get_cohort_members::execute([(int)$this->cohort->id, (int)$other->id], 'username'));
        $this->assertEquals([['cohortid' => (int)$this->cohort->id, 'userids' => [(int)$ana->id, (int)$bo->id]],
            ['cohortid' => (int)$other->id, 'userids' => [(int)$bo->id]]], $r['cohorts']);
        // Each member once, with only what the sync needs.
        $this->assertEquals([['id' => (int)$ana->id, 'key' => 'e21900001', 'suspended' => false],
            ['id' => (int)$bo->id, 'key' => 'e21900002', 'suspended' => true]], $r['users']);
        $byemail = get_cohort_members::execute([(int)$this->cohort->id], 'email');
        $this->assertEquals(['ana.student@univ-demo.fr', 'bo@univ-demo.fr'], array_column($byemail['users'], 'key'));
        $this->expectException(\dml_missing_record_exception::class);
        get_cohort_members::execute([(int)$this->cohort->id, 999999], 'username');
    }

    public function test_cohort_members_refuse_an_unknown_field(): void {
        $this->expectException(\invalid_parameter_exception::class);
        get_cohort_members::execute([(int)$this->cohort->id], 'firstname');
    }

    public function test_cohort_members_for_a_person_need_their_own_cohort_view_in_the_cohorts_context(): void {
        global $DB;
        $gen = $this->getDataGenerator();
        $pha = \context_coursecat::instance($this->course->category);
        $droit = \context_coursecat::instance($this->sibling->id);
        $tutors = $gen->create_cohort(['idnumber' => 'tuteurs-pha', 'name' => 'Tuteurs pharmacie', 'contextid' => $pha->id]);
        cohort_add_member($tutors->id, $this->students[0]->id);
        $jury = $gen->create_cohort(['idnumber' => 'jury-droit', 'name' => 'Jury droit', 'contextid' => $droit->id]);
        $system = (int)$this->cohort->id;
        $read = fn(array $ids, int $person) => external_api::clean_returnvalue(get_cohort_members::execute_returns(),
            get_cohort_members::execute($ids, 'username', $person));
        // How Moodle refuses a person a read: the exception's class, code and words.
        $refusal = function (array $ids, int $person): array {
            try {
                get_cohort_members::execute($ids, 'username', $person);
            } catch (\moodle_exception $e) {
                return [get_class($e), $e->errorcode, $e->getMessage()];
            }
            $this->fail('a person read the members of cohorts they may not see: ' . json_encode($ids));
        };

        // moodle/cohort:view in the system context: the same answer as the sync's own read.
        $reader = $this->person_with('cohortreader', ['moodle/cohort:view']);
        $this->assertEquals(
            external_api::clean_returnvalue(get_cohort_members::execute_returns(),
                get_cohort_members::execute([$system, (int)$tutors->id], 'username')),
            $read([$system, (int)$tutors->id], (int)$reader->id));

        // moodle/cohort:view in a category only: that category's cohorts, and no other.
        $local = $this->person_with('pharmacohortreader', ['moodle/cohort:view'], $pha);
        $this->assertEquals([['cohortid' => (int)$tutors->id, 'userids' => [(int)$this->students[0]->id]]],
            $read([(int)$tutors->id], (int)$local->id)['cohorts']);

        // Refused, for a cohort they may not see, exactly as for a cohort that does not exist — nothing
        // tells one from the other — and a list with one such cohort is refused whole.
        $nobody = $this->person_with('nocohortview', []);
        $missing = $refusal([999999], (int)$nobody->id);
        $this->assertEquals('onbehalfnopermission', $missing[1]);
        $this->assertEquals(get_string('onbehalfnopermission', 'local_cohortbot'), $missing[2]);
        $this->assertEquals($missing, $refusal([$system], (int)$nobody->id));
        $this->assertEquals($missing, $refusal([(int)$tutors->id], (int)$nobody->id));
        $this->assertEquals($missing, $refusal([$system], (int)$local->id));
        $this->assertEquals($missing, $refusal([(int)$jury->id], (int)$local->id));
        $this->assertEquals($missing, $refusal([(int)$tutors->id, (int)$jury->id], (int)$local->id));
        $this->assertEquals($missing, $refusal([999999], (int)$local->id));

        // A suspended person does not act, whatever their rights.
        $DB->set_field('user', 'suspended', 1, ['id' => $reader->id]);
        $this->assertEquals($missing, $refusal([$system], (int)$reader->id));
        $this->assertEquals($missing, $refusal([(int)$tutors->id], (int)$reader->id));
    }

    public function test_users_by_keys(): void {
        [$ana, $bo] = $this->students;
        $r = external_api::clean_returnvalue(get_users_by_keys::execute_returns(),
            get_users_by_keys::execute('email', ['ANA.STUDENT@univ-demo.fr', 'nobody@univ-demo.fr']));
        $this->assertEquals([['id' => (int)$ana->id, 'key' => 'ana.student@univ-demo.fr', 'suspended' => false]], $r['users']);
        $r = get_users_by_keys::execute('idnumber', ['E21900002', 'E21999999', 'E21900001']);
        $this->assertEquals([(int)$ana->id, (int)$bo->id], array_column($r['users'], 'id'));
    }

    public function test_bulk_membership_with_core_events_and_enrol_cohort_following(): void {
        $this->add(['cohortid' => (int)$this->cohort->id, 'onbehalfof' => (int)$this->teacher->id]);
        $context = \context_course::instance($this->course->id);
        $new = $this->getDataGenerator()->create_user();
        $c = (int)$this->cohort->id;
        $added = external_api::clean_returnvalue(add_cohort_members::execute_returns(), add_cohort_members::execute([
            ['cohortid' => $c, 'userid' => (int)$new->id], ['cohortid' => $c, 'userid' => (int)$new->id],
            ['cohortid' => $c, 'userid' => (int)$this->students[0]->id], ['cohortid' => $c, 'userid' => 999999],
            ['cohortid' => 999999, 'userid' => (int)$new->id],
        ]));
        $this->assertEquals(1, $added['added']);
        $this->assertEquals([['3', $c, (int)$this->students[0]->id], ['2', $c, 999999], ['2', 999999, (int)$new->id]],
            array_map(fn($w) => [$w['warningcode'], $w['cohortid'], $w['userid']], $added['warnings']));
        // enrol_cohort follows core's events: the new member is in the course at once, and out when removed.
        $this->assertTrue(is_enrolled($context, $new, '', true));
        $removed = external_api::clean_returnvalue(delete_cohort_members::execute_returns(), delete_cohort_members::execute([
            ['cohortid' => $c, 'userid' => (int)$new->id], ['cohortid' => $c, 'userid' => (int)$this->teacher->id],
        ]));
        $this->assertEquals(1, $removed['removed']);
        $this->assertEquals([['3', (int)$this->teacher->id]], array_map(fn($w) => [$w['warningcode'], $w['userid']], $removed['warnings']));
        $this->assertFalse(is_enrolled($context, $new, '', true));
        // One core event per member changed, as cohort_add_member() triggers (a sink keeps observers from running).
        $sink = $this->redirectEvents();
        add_cohort_members::execute([['cohortid' => $c, 'userid' => (int)$new->id], ['cohortid' => $c, 'userid' => (int)$new->id]]);
        $events = array_values(array_filter($sink->get_events(), fn($e) => $e instanceof \core\event\cohort_member_added));
        $sink->close();
        $this->assertEquals([[$c, (int)$new->id]], array_map(fn($e) => [(int)$e->objectid, (int)$e->relateduserid], $events));
    }

    public function test_bulk_membership_needs_cohort_assign_in_the_cohorts_context(): void {
        $user = $this->getDataGenerator()->create_user();
        $roleid = $this->getDataGenerator()->create_role(['shortname' => 'noassign']);
        self::service_role($roleid, array_values(array_diff(self::service_capabilities(), ['moodle/cohort:assign', 'moodle/cohort:manage'])));
        role_assign($roleid, $user->id, \context_system::instance()->id);
        $this->setUser($user);
        $this->expectException(\required_capability_exception::class);
        add_cohort_members::execute([['cohortid' => (int)$this->cohort->id, 'userid' => (int)$this->teacher->id]]);
    }

    /**
     * A person holding (only) these capabilities, in the system context or in the one given.
     *
     * @param string $shortname
     * @param string[] $capabilities
     * @param \context|null $where where the role is assigned (the system context when null)
     * @return \stdClass
     */
    private function person_with(string $shortname, array $capabilities, ?\context $where = null): \stdClass {
        $gen = $this->getDataGenerator();
        $user = $gen->create_user();
        $roleid = $gen->create_role(['shortname' => $shortname]);
        foreach ($capabilities as $cap) {
            assign_capability($cap, CAP_ALLOW, $roleid, \context_system::instance()->id);
        }
        role_assign($roleid, $user->id, ($where ?? \context_system::instance())->id);
        accesslib_clear_all_caches_for_unit_testing();
        return $user;
    }

    public function test_create_cohort_needs_the_persons_own_cohort_manage(): void {
        global $DB;
        $manager = $this->person_with('cohortmanager', ['moodle/cohort:manage', 'moodle/cohort:view']);
        $r = external_api::clean_returnvalue(create_cohort::execute_returns(),
            create_cohort::execute('Tuteurs L2', 'tuteurs-l2', 0, '', (int)$manager->id));
        $this->assertEquals('tuteurs-l2', $DB->get_field('cohort', 'idnumber', ['id' => $r['id']], MUST_EXIST));
        // The same idnumber twice is refused, and nothing is created.
        try {
            create_cohort::execute('Encore', 'tuteurs-l2', 0, '', (int)$manager->id);
            $this->fail('a second cohort with the same idnumber was created');
        } catch (\invalid_parameter_exception $e) {
            $this->assertEquals(1, $DB->count_records('cohort', ['idnumber' => 'tuteurs-l2']));
        }
        // A read-only person is refused, even though the service account may manage cohorts.
        $reader = $this->person_with('cohortreader', ['moodle/cohort:view']);
        try {
            create_cohort::execute('Pirate', 'pirate', 0, '', (int)$reader->id);
            $this->fail('a person without moodle/cohort:manage created a cohort');
        } catch (\moodle_exception $e) {
            $this->assertEquals('onbehalfnopermission', $e->errorcode);
            $this->assertFalse($DB->record_exists('cohort', ['idnumber' => 'pirate']));
        }
        $this->expectException(\moodle_exception::class);
        create_cohort::execute('Personne', 'personne', 0, '', 0);
    }

    public function test_cohort_courses_with_their_roles_for_a_person_with_cohort_rights(): void {
        $this->add(['cohortid' => (int)$this->cohort->id, 'roleshortname' => 'teacher', 'onbehalfof' => (int)$this->teacher->id]);
        $assigner = $this->person_with('cohortassigner', ['moodle/cohort:assign', 'moodle/cohort:view']);
        $r = external_api::clean_returnvalue(get_cohort_courses::execute_returns(),
            get_cohort_courses::execute((int)$this->cohort->id, (int)$assigner->id));
        $this->assertEquals([['PHA-L2-101', 'teacher', 0]],
            array_map(fn($c) => [$c['shortname'], $c['roleshortname'], $c['status']], $r['courses']));
        // Someone without cohort rights learns nothing, not even whether the cohort exists.
        $nobody = $this->person_with('nocohort', []);
        foreach ([(int)$this->cohort->id, 999999] as $cohortid) {
            try {
                get_cohort_courses::execute($cohortid, (int)$nobody->id);
                $this->fail('a person without cohort rights read a cohort\'s courses');
            } catch (\moodle_exception $e) {
                $this->assertEquals('onbehalfnopermission', $e->errorcode);
            }
        }
    }
}
