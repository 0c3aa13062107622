<?php
// auto_prepend_file of the benchmark's PHP server: one line per web-service call, "<function> <ms>", the
// PHP time the call took on the site (from before Moodle boots to the end of the request).
if (PHP_SAPI === 'cli-server' && isset($_POST['wsfunction'])) {
    $GLOBALS['cohortbot_bench_call'] = [(string)$_POST['wsfunction'], hrtime(true)];
    register_shutdown_function(function () {
        [$fn, $t0] = $GLOBALS['cohortbot_bench_call'];
        file_put_contents(__DIR__ . '/php-calls.log', sprintf("%s %d\n", $fn, (hrtime(true) - $t0) / 1e6), FILE_APPEND | LOCK_EX);
    });
}
