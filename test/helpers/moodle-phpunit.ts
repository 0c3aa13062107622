/**
 * Moodle 4.5.6's own PHPUnit framework for the plugin's PHPUnit tests, offline, as
 * docs/moodle.md §7 records it: Debian's PHPUnit 9.6 stands in for composer's vendor/, a
 * throwaway PostgreSQL cluster holds the phpu_ tables, en_AU.UTF-8 is compiled into a private locale
 * folder, and admin/tool/phpunit/cli/init.php builds the test site once. Moodle 5.x moved to a newer
 * PHPUnit than Debian 12 ships, so this runs on 4.5 only. Everything is stopped and removed by stop().
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PHPUNIT_SET, PHP_SET, ensurePackages } from './apt';
import { archivePath } from './moodle';
import { scratchDir } from './process-group';
import { Postgres, startPostgres } from './postgres';

const REPO = path.resolve(__dirname, '..', '..');
const PLUGIN = path.join(REPO, 'moodle-plugin', 'local_cohortbot');

export interface PhpunitRun {
  /** PHPUnit's exit status: 0 when every test passed. */
  status: number;
  output: string;
  /** Each test case from PHPUnit's JUnit log: class::method and how it ended. */
  cases: Array<{ name: string; outcome: 'passed' | 'failed' | 'error' | 'skipped' }>;
}

export interface MoodlePhpunit {
  /** Runs one component's test suite (e.g. local_cohortbot_testsuite). */
  run(testsuite: string): PhpunitRun;
  timings: Record<string, number>;
  stop(): Promise<void>;
}

const configPhp = (o: { pgPort: number; dataroot: string; phpunitDataroot: string }) => `<?php
unset($CFG);
global $CFG;
$CFG = new stdClass();
$CFG->dbtype = 'pgsql';
$CFG->dblibrary = 'native';
$CFG->dbhost = '127.0.0.1';
$CFG->dbname = 'cohortbot';
$CFG->dbuser = 'postgres';
$CFG->dbpass = '';
$CFG->prefix = 'mdl_';
$CFG->dboptions = ['dbport' => ${o.pgPort}];
$CFG->wwwroot = 'http://127.0.0.1';
$CFG->dataroot = ${JSON.stringify(o.dataroot)};
$CFG->admin = 'admin';
$CFG->directorypermissions = 02777;
$CFG->phpunit_prefix = 'phpu_';
$CFG->phpunit_dataroot = ${JSON.stringify(o.phpunitDataroot)};
$CFG->noemailever = true;
require_once(__DIR__ . '/lib/setup.php');
`;

/** Each <testcase> of a JUnit log with its outcome (PHPUnit 9's format: failure, error, skipped children). */
function junitCases(xml: string): PhpunitRun['cases'] {
  const cases: PhpunitRun['cases'] = [];
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(m[1]!)?.[1] ?? '';
    const body = m[3] ?? '';
    const outcome = /<failure\b/.test(body) ? 'failed' : /<error\b/.test(body) ? 'error' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
    cases.push({ name: `${attr('class')}::${attr('name')}`, outcome });
  }
  return cases;
}

export async function startMoodlePhpunit(): Promise<MoodlePhpunit> {
  const timings: Record<string, number> = {};
  let since = Date.now();
  const archive = archivePath('4.5.6');
  ensurePackages([PHP_SET, PHPUNIT_SET]);
  timings.packages = Date.now() - since;
  const { dir, remove: removeDir } = scratchDir('cohortbot-phpunit-');
  let pg: Postgres | undefined;
  const stop = async () => {
    await pg?.stop();
    removeDir();
  };
  try {
    since = Date.now();
    execFileSync('tar', ['-xJf', archive, '-C', dir]);
    const root = path.join(dir, 'moodle');
    fs.cpSync(PLUGIN, path.join(root, 'local', 'cohortbot'), { recursive: true });
    // composer's vendor/, stood in for by Debian's PHPUnit; an empty composer.phar stops init.php downloading one.
    fs.mkdirSync(path.join(root, 'vendor', 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'vendor', 'phpunit', 'phpunit'), { recursive: true });
    fs.writeFileSync(path.join(root, 'vendor', 'autoload.php'), "<?php\nrequire_once '/usr/share/php/PHPUnit/Autoload.php';\n");
    fs.symlinkSync('/usr/bin/phpunit', path.join(root, 'vendor', 'bin', 'phpunit'));
    fs.writeFileSync(path.join(root, 'vendor', 'phpunit', 'phpunit', 'composer.json'), '{}\n');
    fs.writeFileSync(path.join(root, 'composer.phar'), '');
    const dataroot = path.join(dir, 'moodledata');
    const phpunitDataroot = path.join(dir, 'phpunitdata');
    fs.mkdirSync(dataroot);
    fs.mkdirSync(phpunitDataroot);
    // Moodle's PHPUnit set-up insists on en_AU.UTF-8: compiled here rather than into the system's locales.
    const locales = path.join(dir, 'locale');
    fs.mkdirSync(locales);
    const def = spawnSync('localedef', ['-i', 'en_AU', '-f', 'UTF-8', path.join(locales, 'en_AU.UTF-8')], { encoding: 'utf8' });
    if (!fs.existsSync(path.join(locales, 'en_AU.UTF-8', 'LC_CTYPE'))) throw new Error(`localedef could not compile en_AU.UTF-8 (Debian package locales): ${def.stderr}`);
    const ini = path.join(dir, 'php.d');
    fs.mkdirSync(ini);
    fs.writeFileSync(path.join(ini, '99-cohortbot.ini'), 'max_input_vars=5000\nmemory_limit=1024M\nmax_execution_time=0\nopcache.enable_cli=1\n');
    timings.unpack = Date.now() - since;
    since = Date.now();
    pg = await startPostgres();
    timings.postgres = Date.now() - since;
    fs.writeFileSync(path.join(root, 'config.php'), configPhp({ pgPort: pg.port, dataroot, phpunitDataroot }));
    const env = { ...process.env, PHP_INI_SCAN_DIR: `:${ini}`, LOCPATH: `${locales}:/usr/lib/locale` };
    since = Date.now();
    const init = spawnSync('php', ['admin/tool/phpunit/cli/init.php', '--disable-composer'], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900_000 });
    if (init.status !== 0) throw new Error(`Moodle 4.5.6's PHPUnit init failed (${init.status}): ${(init.stdout + init.stderr).slice(-2000)}`);
    timings.init = Date.now() - since;
    return {
      timings,
      run(testsuite: string) {
        const junit = path.join(dir, `${testsuite}.junit.xml`);
        fs.rmSync(junit, { force: true });
        const started = Date.now();
        const r = spawnSync(path.join(root, 'vendor', 'bin', 'phpunit'), ['--testsuite', testsuite, '--log-junit', junit], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900_000 });
        timings[testsuite] = Date.now() - started;
        const output = `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`;
        return { status: r.status ?? -1, output, cases: fs.existsSync(junit) ? junitCases(fs.readFileSync(junit, 'utf8')) : [] };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
