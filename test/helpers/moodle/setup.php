<?php
// Test fixture for cohortbot's real-Moodle target: web services on, the cohortbot service (from
// local_cohortbot) enabled, a service account `cohortbot` holding exactly the system role the plugin
// README documents (fixtures/service-role.json) with its token — least privilege, never a site admin —
// and a small university. Prints one JSON line.
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
$admintoken = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $admin->id, context_system::instance(), 0, '', 'cohortbot-admin');

// The service account and its role, as an administrator following the plugin README would create them.
$spec = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
$botuser = user_create_user((object)['username' => 'cohortbot', 'firstname' => 'cohortbot', 'lastname' => 'Service', 'email' => 'cohortbot@univ-demo.fr',
    'password' => 'Svc-' . bin2hex(random_bytes(12)) . '!', 'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id]);
$roleid = create_role($spec['name'], $spec['shortname'], 'cohortbot service account (plugin README)');
set_role_contextlevels($roleid, [CONTEXT_SYSTEM]);
$system = context_system::instance();
foreach ($spec['capabilities'] as $cap) {
    assign_capability($cap, CAP_ALLOW, $roleid, $system->id, true);
}
foreach ($spec['canassign'] as $shortname) {
    core_role_set_assign_allowed($roleid, $DB->get_field('role', 'id', ['shortname' => $shortname], MUST_EXIST));
}
role_assign($roleid, $botuser, $system->id);
accesslib_clear_all_caches(true);
$token = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service, $botuser, $system, 0, '', 'cohortbot');

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
echo json_encode(['token' => $token, 'adminToken' => $admintoken, 'serviceUserId' => (int)$botuser, 'courseid' => (int)$course->id, 'teacherid' => (int)$teacher, 'colleagueid' => (int)$colleague]) . "\n";
