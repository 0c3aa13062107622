<?php
// Test fixture for cohortbot's real-Moodle target: web services on, the cohortbot service (from
// local_cohortbot) enabled with a token for the admin, and a small university. Prints one JSON line.
define('CLI_SCRIPT', true);
require(__DIR__ . '/config.php');
require_once($CFG->dirroot . '/cohort/lib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/group/lib.php');

set_config('enablewebservices', 1);
set_config('webserviceprotocols', 'rest');
$admin = get_admin();
\core\session\manager::set_user($admin);

$service = $DB->get_record('external_services', ['shortname' => 'local_cohortbot'], '*', MUST_EXIST);
$service->enabled = 1;
$service->restrictedusers = 0;
$DB->update_record('external_services', $service);
// Core functions cohortbot also calls in tests, beyond the predefined list.
foreach (['core_user_create_users', 'core_course_create_categories', 'core_course_create_courses', 'core_group_create_groups', 'core_enrol_get_course_enrolment_methods', 'enrol_manual_unenrol_users'] as $fn) {
    if (!$DB->record_exists('external_services_functions', ['externalserviceid' => $service->id, 'functionname' => $fn])) {
        $DB->insert_record('external_services_functions', ['externalserviceid' => $service->id, 'functionname' => $fn]);
    }
}
$token = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $admin->id, context_system::instance(), 0, '', 'cohortbot-test');

$sante = core_course_category::create(['name' => 'UFR Santé', 'idnumber' => 'SANTE']);
$pha = core_course_category::create(['name' => 'Pharmacie', 'idnumber' => 'PHA', 'parent' => $sante->id]);
$droit = core_course_category::create(['name' => 'UFR Droit', 'idnumber' => 'DROIT']);
$course = create_course((object)['fullname' => 'Pharmacologie générale', 'shortname' => 'PHA-L2-101', 'category' => $pha->id, 'idnumber' => 'PHA-L2-101']);
$other = create_course((object)['fullname' => 'Introduction au droit', 'shortname' => 'DRT-L1-101', 'category' => $droit->id]);
$mk = function ($username, $first, $last) {
    return user_create_user((object)['username' => $username, 'firstname' => $first, 'lastname' => $last, 'email' => "$username@univ-demo.fr",
        'password' => 'Passw0rd!x', 'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $GLOBALS['CFG']->mnet_localhost_id, 'idnumber' => strtoupper($username)]);
};
$teacher = $mk('mdurand', 'Marie', 'Durand');
$colleague = $mk('pmartin', 'Paul', 'Martin');
$manual = enrol_get_plugin('manual');
foreach ([[$course, $teacher], [$other, $colleague]] as [$c, $u]) {
    $inst = $DB->get_record('enrol', ['courseid' => $c->id, 'enrol' => 'manual'], '*', MUST_EXIST);
    $manual->enrol_user($inst, $u, $DB->get_field('role', 'id', ['shortname' => 'editingteacher']));
}
$students = [];
for ($i = 1; $i <= 300; $i++) {
    $students[] = $mk(sprintf('e2190%04d', $i), "Student$i", sprintf('Name%02d', $i));
}
echo json_encode(['token' => $token, 'courseid' => (int)$course->id, 'teacherid' => (int)$teacher, 'colleagueid' => (int)$colleague]) . "\n";
