<?php
// Benchmark fixture (npm run bench:moodle): the accounts of a synthetic university, the managed cohorts
// some courses already sync (through enrol_cohort, as teachers set them up), those courses. Input: a JSON
// file {users: [[username, idnumber, email]], cohorts: [[idnumber, name]], courses: [[shortname, cohort idnumber]]}.
// The cohorts carry component tool_cohortdatabase so that the peer recognises them as its own; cohortbot
// goes by the idnumber prefix. Prints one JSON line.
define('CLI_SCRIPT', true);
require(__DIR__ . '/config.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/cohort/lib.php');
require_once($CFG->dirroot . '/course/lib.php');

$spec = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
\core\session\manager::set_user(get_admin());
$started = microtime(true);
// One password hash for every account (hashing is most of user_create_user's time otherwise).
$hash = hash_internal_user_password('Bench-Passw0rd!');
$transaction = $DB->start_delegated_transaction();
foreach ($spec['users'] as [$username, $idnumber, $email]) {
    user_create_user((object)['username' => $username, 'idnumber' => $idnumber, 'email' => $email, 'firstname' => 'B', 'lastname' => $username,
        'password' => $hash, 'auth' => 'manual', 'confirmed' => 1, 'mnethostid' => $CFG->mnet_localhost_id], false, false);
}
$transaction->allow_commit();
$users = microtime(true) - $started;
$system = context_system::instance();
$cohorts = [];
foreach ($spec['cohorts'] as [$idnumber, $name]) {
    $cohorts[$idnumber] = cohort_add_cohort((object)['contextid' => $system->id, 'name' => $name, 'idnumber' => $idnumber, 'component' => 'tool_cohortdatabase', 'visible' => 1]);
}
$category = $DB->get_field_sql('SELECT MIN(id) FROM {course_categories}');
$student = $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST);
$plugin = enrol_get_plugin('cohort');
$courses = [];
foreach ($spec['courses'] as [$shortname, $cohort]) {
    $course = create_course((object)['fullname' => "Bench $shortname", 'shortname' => $shortname, 'category' => $category]);
    $plugin->add_instance($course, ['customint1' => $cohorts[$cohort], 'roleid' => $student, 'customint2' => 0]);
    $courses[] = (int)$course->id;
}
echo json_encode(['users' => count($spec['users']), 'usersSeconds' => round($users, 1), 'cohorts' => count($cohorts), 'courses' => $courses]) . "\n";
