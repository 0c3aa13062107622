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

namespace local_cohortbot\privacy;

use core_privacy\local\metadata\collection;
use core_privacy\local\metadata\types\external_location;

/**
 * The privacy provider: the personal data the plugin sends out of Moodle is declared, nothing is stored.
 *
 * @package    local_cohortbot
 * @category   test
 * @copyright  2026 cohortbot developers
 * @license    http://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cohortbot\privacy\provider
 */
final class provider_test extends \core_privacy\tests\provider_testcase {
    public function test_declares_what_cohortbot_receives_as_an_external_location(): void {
        $collection = provider::get_metadata(new collection('local_cohortbot'));
        $items = $collection->get_collection();
        $this->assertCount(1, $items);
        $this->assertInstanceOf(external_location::class, $items[0]);
        $this->assertEquals('cohortbot', $items[0]->get_name());
        $this->assertEqualsCanonicalizing(['userid', 'username', 'idnumber', 'email', 'suspended', 'cohortmembership', 'enrolments'],
            array_keys($items[0]->get_privacy_fields()));
        // Every string the declaration names exists.
        foreach (array_merge([$items[0]->get_summary()], array_values($items[0]->get_privacy_fields())) as $identifier) {
            $this->assertTrue(get_string_manager()->string_exists($identifier, 'local_cohortbot'), $identifier);
        }
    }

    public function test_is_compliant_and_holds_nothing_for_anyone(): void {
        $this->resetAfterTest();
        $this->assertTrue((new \core_privacy\manager())->component_is_compliant('local_cohortbot'));
        $user = $this->getDataGenerator()->create_user();
        $this->assertEmpty(provider::get_contexts_for_userid((int)$user->id)->get_contextids());
        $userlist = new \core_privacy\local\request\userlist(\context_system::instance(), 'local_cohortbot');
        provider::get_users_in_context($userlist);
        $this->assertCount(0, $userlist);
    }
}
