<?php
// Adds capabilities to a system role of the test site: php cohortbot-grant.php <role shortname> <capability>...
define('CLI_SCRIPT', true);
require(__DIR__ . '/config.php');
$roleid = $DB->get_field('role', 'id', ['shortname' => $argv[1]], MUST_EXIST);
foreach (array_slice($argv, 2) as $cap) {
    assign_capability($cap, CAP_ALLOW, $roleid, context_system::instance()->id, true);
}
accesslib_clear_all_caches(true);
